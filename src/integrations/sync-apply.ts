/**
 * A sync's changes to the workspace, planned in one pure step from the sessions the source holds now and applied in
 * one locked atomic update: nothing is written before the whole source is read (an interrupted sync leaves the
 * workspace as it was), and nothing at all when nothing changed.
 *
 * A synced session is matched to the source by `source.key`, so its id survives every sync. The source decides its
 * type's fields (account name, role…); the user's name, region and profile stay as edited. A session whose key left
 * the source is stopped and removed, with the sessions chained on it down to (not past) a session still wanted,
 * which keeps its id and edits and is re-parented.
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

/**
 * What goes: sessions whose key left the source ('gone'), and the sessions chained below one of them ('chained')
 * down to, not past, a session this sync still wants: that one keeps its id and edits, is re-parented by its update,
 * and keeps its own subtree. A synced session of `alias` below a gone one is never 'chained': its key decides.
 */
function removedSessions(
  workspace: Workspace,
  alias: string,
  existing: Map<string, Session>,
  wanted: Map<string, DesiredSession>,
): RemovedSession[] {
  const removed: RemovedSession[] = []
  const removedIds = new Set<string>()
  const remove = (session: Session, key: null | string, reason: RemovedSession['reason']) => {
    removedIds.add(session.id)
    removed.push({id: session.id, key, name: session.name, reason, stopped: isRunning(session)})
  }

  const removeChainedBelow = (id: string) => {
    for (const child of workspace.sessions) {
      if (child.type !== 'aws-iam-role-chained' || child.parentId !== id || removedIds.has(child.id)) continue
      if (child.source?.integration === alias) continue
      remove(child, null, 'chained')
      removeChainedBelow(child.id)
    }
  }

  for (const [key, session] of existing) {
    if (wanted.has(key) || removedIds.has(session.id)) continue
    remove(session, key, 'gone')
    removeChainedBelow(session.id)
  }

  return removed
}

/** The synced sessions of `alias` by source key, and what the source wants by key (the first of a key wins). */
function indexByKey(workspace: Workspace, alias: string, desired: readonly DesiredSession[]) {
  const existing = new Map<string, Session>()
  for (const session of workspace.sessions)
    if (session.source?.integration === alias) existing.set(session.source.key, session)
  const wanted = new Map<string, DesiredSession>()
  for (const item of desired) if (!wanted.has(item.key)) wanted.set(item.key, item)
  return {existing, wanted}
}

/** The id of every wanted key: a kept session's own, a fresh one for a new key. */
function idsByKey(existing: Map<string, Session>, wanted: Map<string, DesiredSession>, removedIds: Set<string>) {
  const ids = new Map<string, string>()
  for (const [key, session] of existing) if (!removedIds.has(session.id)) ids.set(key, session.id)
  for (const key of wanted.keys()) if (!ids.has(key)) ids.set(key, randomUUID())
  return ids
}

/** An item's source fields, a chained one's parentId resolved from its parentKey. */
function fieldsWithParent(alias: string, ids: Map<string, string>) {
  return (item: DesiredSession): SourceFields => {
    if (item.parentKey === undefined || item.fields.type !== 'aws-iam-role-chained') return item.fields
    const parentId = ids.get(item.parentKey)
    if (parentId === undefined)
      throw new ConfigError(`${alias}: ${item.key} names a parent ${item.parentKey} that the source does not hold.`)
    return {...item.fields, parentId}
  }
}

/** The kept sessions whose source fields changed (user-owned fields kept), and how many did not change. */
function updatedSessions(
  existing: Map<string, Session>,
  wanted: Map<string, DesiredSession>,
  removedIds: Set<string>,
  withParent: (item: DesiredSession) => SourceFields,
) {
  const updated: Session[] = []
  let unchanged = 0
  for (const [key, session] of existing) {
    const item = wanted.get(key)
    if (!item || removedIds.has(session.id)) continue
    const fields = withParent(item)
    if (sourceFields(session) === sourceFields(fields) && session.type === fields.type) unchanged++
    else updated.push({...stripSourceFields(session), ...fields} as Session)
  }

  return {unchanged, updated}
}

/** New sessions for the wanted keys no kept session holds: unique names, profile = name, inactive. */
function addedSessions(
  alias: string,
  wanted: Map<string, DesiredSession>,
  kept: (key: string) => boolean,
  context: {ids: Map<string, string>; taken: Set<string>; withParent: (item: DesiredSession) => SourceFields},
): Session[] {
  const added: Session[] = []
  for (const [key, item] of wanted) {
    if (kept(key)) continue
    const name = uniqueName(item.name, context.taken)
    added.push({
      ...context.withParent(item),
      id: context.ids.get(key)!,
      mode: null,
      name,
      profile: name,
      region: item.region,
      source: {integration: alias, key},
      startedAt: null,
      status: 'inactive',
    } as Session)
  }

  return added
}

/** The plan of a sync of `alias` to `desired` (the first of two sessions with one key wins). Pure. */
export function planSync(
  workspace: Workspace,
  alias: string,
  desired: readonly DesiredSession[],
  lastSync: (counts: LastSync['counts']) => LastSync,
): SyncPlan {
  findIntegrationIn(workspace, alias)
  const {existing, wanted} = indexByKey(workspace, alias, desired)
  const removed = removedSessions(workspace, alias, existing, wanted)
  const removedIds = new Set(removed.map((r) => r.id))
  const ids = idsByKey(existing, wanted, removedIds)
  const withParent = fieldsWithParent(alias, ids)
  const {unchanged, updated} = updatedSessions(existing, wanted, removedIds, withParent)
  const taken = new Set(workspace.sessions.filter((s) => !removedIds.has(s.id)).map((s) => s.name))
  const kept = (key: string) => existing.has(key) && !removedIds.has(existing.get(key)!.id)
  const added = addedSessions(alias, wanted, kept, {ids, taken, withParent})
  if (added.length === 0 && updated.length === 0 && removed.length === 0) {
    return {added, removed, unchanged, updated, workspace: null}
  }

  const counts = {added: added.length, removed: removed.length, unchanged, updated: updated.length}
  const byId = new Map(updated.map((s) => [s.id, s]))
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
