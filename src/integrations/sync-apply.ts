/**
 * A sync's changes to the workspace, planned in one pure step from the sessions the source holds now and applied in
 * one locked atomic update: nothing is written before the whole source is read (an interrupted sync leaves the
 * workspace as it was), and nothing at all when nothing changed.
 *
 * A synced session is matched to the source by `source.key`, so its id survives every sync. The source decides its
 * type's fields (account name, role…); the user's name, region and profile stay as edited. A session whose key left
 * the source is stopped and removed, with the sessions chained on it.
 */
import {randomUUID} from 'node:crypto'

import type {LastSync} from '../workspace/integration.js'
import type {Session, Workspace} from '../workspace/session.js'
import type {DesiredSession, RemovedSession, SourceFields} from './types.js'

import {ConfigError} from '../lib/errors.js'
import {descendants} from '../workspace/session-service.js'
import {updateWorkspace, type WorkspaceStore} from '../workspace/workspace-file.js'
import {uniqueName} from './session-names.js'
import {isRunning, stoppedSession} from './stop-sessions.js'

export interface SyncPlan {
  added: Session[]
  removed: RemovedSession[]
  unchanged: number
  updated: Session[]
  /** the next workspace; null when nothing changed */
  workspace: null | Workspace
}

const SOURCE_OWNED = new Set(['id', 'mode', 'name', 'profile', 'region', 'source', 'startedAt', 'status'])

/** The source-owned fields of a session, in a stable order (to compare with what the source says now). */
function sourceFields(session: Session | SourceFields): string {
  const entries = Object.entries(session)
    .filter(([key]) => !SOURCE_OWNED.has(key))
    .sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify(entries)
}

export function findIntegrationIn(workspace: Workspace, alias: string) {
  const integration = workspace.integrations.find((i) => i.alias === alias)
  if (!integration) {
    const aliases = workspace.integrations.map((i) => i.alias)
    throw new ConfigError(`No integration named "${alias}".`, {
      suggestion:
        aliases.length > 0
          ? `Integrations: ${aliases.join(', ')} (terrace integration list).`
          : 'Add one with `terrace integration add`.',
    })
  }

  return integration
}

/** What goes: sessions whose key left the source, and every session chained on one of them. */
function removedSessions(
  workspace: Workspace,
  alias: string,
  existing: Map<string, Session>,
  wanted: Map<string, DesiredSession>,
): RemovedSession[] {
  const removed: RemovedSession[] = []
  const removedIds = new Set<string>()
  for (const [key, session] of existing) {
    if (wanted.has(key) || removedIds.has(session.id)) continue
    removedIds.add(session.id)
    removed.push({id: session.id, key, name: session.name, reason: 'gone', stopped: isRunning(session)})
    for (const child of descendants(workspace, session.id)) {
      if (removedIds.has(child.id)) continue
      removedIds.add(child.id)
      const childKey = child.source?.integration === alias ? child.source.key : null
      removed.push({id: child.id, key: childKey, name: child.name, reason: 'chained', stopped: isRunning(child)})
    }
  }

  return removed
}

/** The plan of a sync of `alias` to `desired` (the first of two sessions with one key wins). Pure. */
export function planSync(
  workspace: Workspace,
  alias: string,
  desired: readonly DesiredSession[],
  lastSync: (counts: LastSync['counts']) => LastSync,
): SyncPlan {
  findIntegrationIn(workspace, alias)
  const existing = new Map<string, Session>()
  for (const session of workspace.sessions)
    if (session.source?.integration === alias) existing.set(session.source.key, session)
  const wanted = new Map<string, DesiredSession>()
  for (const item of desired) if (!wanted.has(item.key)) wanted.set(item.key, item)

  const removed = removedSessions(workspace, alias, existing, wanted)
  const removedIds = new Set(removed.map((r) => r.id))
  const taken = new Set(workspace.sessions.filter((s) => !removedIds.has(s.id)).map((s) => s.name))
  const ids = new Map<string, string>()
  for (const [key, session] of existing) if (!removedIds.has(session.id)) ids.set(key, session.id)
  for (const key of wanted.keys()) if (!ids.has(key)) ids.set(key, randomUUID())
  const withParent = (item: DesiredSession): SourceFields => {
    if (item.parentKey === undefined || item.fields.type !== 'aws-iam-role-chained') return item.fields
    const parentId = ids.get(item.parentKey)
    if (parentId === undefined)
      throw new ConfigError(`${alias}: ${item.key} names a parent ${item.parentKey} that the source does not hold.`)
    return {...item.fields, parentId}
  }

  const updated: Session[] = []
  let unchanged = 0
  const byId = new Map<string, Session>()
  for (const [key, session] of existing) {
    const item = wanted.get(key)
    if (!item || removedIds.has(session.id)) continue
    const fields = withParent(item)
    if (sourceFields(session) === sourceFields(fields) && session.type === fields.type) {
      unchanged++
      continue
    }

    const next = {...stripSourceFields(session), ...fields} as Session
    updated.push(next)
    byId.set(next.id, next)
  }

  const added: Session[] = []
  for (const [key, item] of wanted) {
    if (existing.has(key) && !removedIds.has(existing.get(key)!.id)) continue
    const name = uniqueName(item.name, taken)
    added.push({
      ...withParent(item),
      id: ids.get(key)!,
      mode: null,
      name,
      profile: name,
      region: item.region,
      source: {integration: alias, key},
      startedAt: null,
      status: 'inactive',
    } as Session)
  }

  if (added.length === 0 && updated.length === 0 && removed.length === 0) {
    return {added, removed, unchanged, updated, workspace: null}
  }

  const counts = {added: added.length, removed: removed.length, unchanged, updated: updated.length}
  const sessions = [
    ...workspace.sessions.filter((s) => !removedIds.has(s.id)).map((s) => byId.get(s.id) ?? s),
    ...added,
  ]
  const integrations = workspace.integrations.map((i) => (i.alias === alias ? {...i, lastSync: lastSync(counts)} : i))
  return {added, removed, unchanged, updated, workspace: {...workspace, integrations, sessions}}
}

/** The user-owned part of a session (id, name, profile, region, status…): what an update keeps. */
function stripSourceFields(session: Session): Partial<Session> {
  return Object.fromEntries(Object.entries(session).filter(([key]) => SOURCE_OWNED.has(key))) as Partial<Session>
}

/**
 * Plans against the workspace as it is under the lock (edits made while the source was read are kept) and writes
 * it in one atomic replace; writes nothing when nothing changed. `stillWanted` is asked last, under the lock: false
 * (the sync was interrupted) leaves the workspace untouched.
 */
export async function applySync(
  store: WorkspaceStore,
  alias: string,
  desired: readonly DesiredSession[],
  options: {lastSync: (counts: LastSync['counts']) => LastSync; stillWanted?: () => void},
): Promise<Omit<SyncPlan, 'workspace'> & {written: boolean}> {
  return updateWorkspace(store, (workspace) => {
    const {workspace: next, ...plan} = planSync(workspace, alias, desired, options.lastSync)
    options.stillWanted?.()
    return {result: {...plan, written: next !== null}, workspace: next}
  })
}

/** Stops (workspace side) and removes every session of `alias`, with those chained on them. Pure. */
export function withoutIntegrationSessions(
  workspace: Workspace,
  alias: string,
): {removed: Session[]; workspace: Workspace} {
  const ids = new Set<string>()
  for (const session of workspace.sessions) {
    if (session.source?.integration !== alias) continue
    ids.add(session.id)
    for (const child of descendants(workspace, session.id)) ids.add(child.id)
  }

  const removed = workspace.sessions.filter((s) => ids.has(s.id)).map((s) => stoppedSession(s))
  return {removed, workspace: {...workspace, sessions: workspace.sessions.filter((s) => !ids.has(s.id))}}
}
