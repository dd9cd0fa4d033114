/**
 * The integrations of the workspace: add (one per alias), list with their sessions, remove (with or without their
 * sessions), and the last sync of each. Values from flags are checked here: a bad or missing one is a UsageError
 * (exit 2) naming its flag. Type-specific fields come from the type's module (aws-sso/, dynamodb/).
 */
import type {MissingValue} from '../lib/prompt.js'
import type {Integration} from '../workspace/integration.js'
import type {Session, Workspace} from '../workspace/session.js'

import {ConfigError, UsageError} from '../lib/errors.js'
import {EXPECTED, PATTERNS} from '../workspace/patterns.js'
import {readWorkspace, updateWorkspace, type WorkspaceStore} from '../workspace/workspace-file.js'
import {findIntegrationIn, withoutIntegrationSessions} from './sync-apply.js'

export {type LastSync} from '../workspace/integration.js'

/** `value` of `flag` checked against the workspace pattern `key`; UsageError naming the flag otherwise. */
export function checkedFlag(value: string | undefined, flag: string, key: keyof typeof PATTERNS): string {
  if (value === undefined) throw new UsageError(`Missing ${flag}.`)
  if (!PATTERNS[key].test(value)) throw new UsageError(`${flag} ${JSON.stringify(value)} is not ${EXPECTED[key]}.`)
  return value
}

/** A flag an integration type requires: its key in the type's flags, the flag, and the label its prompt shows. */
export type RequiredFlag<K extends string> = MissingValue<K>

/** The required flags `values` lacks, in order. Pure. */
export const missingFlags = <K extends string>(
  required: ReadonlyArray<RequiredFlag<K>>,
  values: Partial<Record<K, string | undefined>>,
): Array<RequiredFlag<K>> => required.filter((r) => values[r.key] === undefined)

/**
 * UsageError (exit 2) naming every missing required flag at once (`what`: "an aws-sso integration"); `hint` is added
 * to the fix when given.
 */
export function requireFlags<K extends string>(
  what: string,
  required: ReadonlyArray<RequiredFlag<K>>,
  values: Partial<Record<K, string | undefined>>,
  hint?: (missing: string[]) => string | undefined,
): void {
  const missing = missingFlags(required, values).map((r) => r.flag)
  if (missing.length === 0) return
  const extra = hint?.(missing)
  throw new UsageError(`Missing ${missing.join(', ')}: ${what} needs ${missing.length === 1 ? 'it' : 'them'}.`, {
    suggestion: `Give ${missing.length === 1 ? 'it as a flag' : 'them as flags'}, or run the command on a terminal to be asked for ${missing.length === 1 ? 'it' : 'them'}.${extra ? ` ${extra}` : ''}`,
  })
}

export const sessionsOf = (workspace: Workspace, alias: string): Session[] =>
  workspace.sessions.filter((session) => session.source?.integration === alias)

/** Adds `integration` (built by its type's module); an alias in use is refused (exit 2). */
export async function addIntegration<I extends Integration>(
  store: WorkspaceStore,
  build: (workspace: Workspace) => I,
): Promise<I> {
  return updateWorkspace(store, (workspace) => {
    const integration = build(workspace)
    if (workspace.integrations.some((i) => i.alias === integration.alias)) {
      throw new UsageError(`An integration named "${integration.alias}" already exists.`, {
        suggestion: 'Choose another --alias, or remove the existing one with `terrace integration remove`.',
      })
    }

    return {result: integration, workspace: {...workspace, integrations: [...workspace.integrations, integration]}}
  })
}

export async function findIntegration(store: WorkspaceStore, alias: string): Promise<Integration> {
  return findIntegrationIn(await readWorkspace(store), alias)
}

export interface RemoveResult {
  integration: Integration
  /** sessions kept as hand-made ones (--keep-sessions) */
  kept: Session[]
  /** sessions removed (those active were stopped first) */
  removed: Session[]
}

/**
 * Removes an integration. Its sessions go with it (stopped first, with those chained on them) unless keepSessions,
 * which keeps them as hand-made sessions (no source). Refused (exit 4) when another integration reads its source
 * through one of the sessions that would go.
 */
export async function removeIntegration(
  store: WorkspaceStore,
  alias: string,
  options: {keepSessions?: boolean} = {},
): Promise<RemoveResult> {
  return updateWorkspace<RemoveResult>(store, (workspace) => {
    const integration = findIntegrationIn(workspace, alias)
    const integrations = workspace.integrations.filter((i) => i.alias !== alias)
    if (options.keepSessions) {
      const kept = sessionsOf(workspace, alias)
      const sessions = workspace.sessions.map((s) => (s.source?.integration === alias ? {...s, source: null} : s))
      return {result: {integration, kept, removed: []}, workspace: {...workspace, integrations, sessions}}
    }

    const {removed, workspace: rest} = withoutIntegrationSessions(workspace, alias)
    const ids = new Set(removed.map((s) => s.id))
    const reader = integrations.find((i) => i.type === 'dynamodb' && ids.has(i.sourceSessionId))
    if (reader) {
      throw new ConfigError(`Integration "${reader.alias}" reads its table through a session of "${alias}".`, {
        suggestion: `Remove "${reader.alias}" first, or keep the sessions with --keep-sessions.`,
      })
    }

    return {result: {integration, kept: [], removed}, workspace: {...rest, integrations}}
  })
}

/** Stops (workspace side) every running session of `alias`; returns those stopped. Writes nothing when none ran. */
export async function stopIntegrationSessions(
  store: WorkspaceStore,
  alias: string,
  stop: (session: Session) => Session,
): Promise<Session[]> {
  return updateWorkspace(store, (workspace) => {
    findIntegrationIn(workspace, alias)
    const stopped: Session[] = []
    const sessions = workspace.sessions.map((session) => {
      if (session.source?.integration !== alias) return session
      const next = stop(session)
      if (next !== session) stopped.push(session)
      return next
    })
    return {result: stopped, workspace: stopped.length === 0 ? null : {...workspace, sessions}}
  })
}

export {findIntegrationIn} from './sync-apply.js'
