/** The shape of workspace.json (version 3), checked field by field: the first fault names its key. */
import type {Integration} from './integration.js'

import {EXPECTED, isHttpsUrl} from './patterns.js'
import {
  type Session,
  SESSION_MODES,
  SESSION_STATUSES,
  SESSION_TYPES,
  type SessionMode,
  type SessionStatus,
  type SessionType,
  type Workspace,
  WORKSPACE_VERSION,
} from './session.js'
import {
  checked,
  date,
  isObject,
  type Json,
  object,
  oneOf,
  oneOfOrNull,
  onlyKeys,
  optionalText,
  rule,
  ShapeError,
  text,
} from './shape.js'
import {validateIntegration} from './validate-integration.js'

export {ShapeError} from './shape.js'

const BASE_KEYS = ['id', 'name', 'type', 'region', 'profile', 'status', 'startedAt', 'mode', 'source']
const TYPE_KEYS: Record<SessionType, {optional: string[]; required: string[]}> = {
  'aws-iam-role-chained': {optional: ['externalId', 'roleSessionName'], required: ['parentId', 'roleArn']},
  'aws-iam-user': {optional: ['mfaSerial'], required: []},
  'aws-sso-role': {optional: ['accountName'], required: ['startUrl', 'ssoRegion', 'accountId', 'roleName']},
}

/** The keys a session of each type may hold: anything else is refused (a secret must never land here). */
const ALLOWED_KEYS = Object.fromEntries(
  SESSION_TYPES.map((type) => [
    type,
    new Set([...BASE_KEYS, ...TYPE_KEYS[type].optional, ...TYPE_KEYS[type].required]),
  ]),
) as Record<SessionType, Set<string>>
const SOURCE_KEYS = new Set(['integration', 'key'])
const WORKSPACE_KEYS = new Set(['defaultRegion', 'integrations', 'sessions', 'version'])

/** `source`: present on every session, null or {integration, key}. */
function checkSource(raw: Json, at: string): void {
  if (raw.source === undefined) throw new ShapeError(`${at}.source`, 'missing (null for a session added by hand)')
  if (raw.source === null) return
  const value = object(raw, 'source', at)
  onlyKeys(value, SOURCE_KEYS, `${at}.source`, 'a session source')
  text(value, 'integration', `${at}.source`, rule('alias'))
  text(value, 'key', `${at}.source`, rule('sourceKey'))
}

/**
 * `mode`: present on every session, one of the modes; null only for a session never started (startedAt null, not
 * active). A stopped session keeps the mode it was served in: the next start without --mode reuses it.
 */
function checkMode(raw: Json, at: string): void {
  if (raw.mode === undefined) throw new ShapeError(`${at}.mode`, 'missing (null for a session never started)')
  const value = oneOfOrNull<SessionMode>(raw, 'mode', at, SESSION_MODES)
  if (value === null && (raw.startedAt !== null || raw.status === 'active'))
    throw new ShapeError(`${at}.mode`, `null, but the session was started: one of ${SESSION_MODES.join(', ')}`)
}

/** The fields a session of each type may leave out, which then read as null. */
const NULLABLE_KEYS: Record<SessionType, readonly string[]> = {
  'aws-iam-role-chained': ['region', 'startedAt', 'externalId', 'roleSessionName'],
  'aws-iam-user': ['region', 'startedAt', 'mfaSerial'],
  'aws-sso-role': ['region', 'startedAt', 'accountName'],
}

/**
 * Checks one session where it stands and gives it back as a Session (fields it may leave out set to null): no copy,
 * as `session list` reads workspaces of thousands of sessions and copying each one costs more than checking it.
 */
function validateSession(raw: unknown, at: string): Session {
  if (!isObject(raw)) throw new ShapeError(at, 'not an object')
  const type = oneOf<SessionType>(raw, 'type', at, SESSION_TYPES)
  onlyKeys(raw, ALLOWED_KEYS[type], at, `an ${type} session`)
  date(raw, 'startedAt', at, true)
  oneOf<SessionStatus>(raw, 'status', at, SESSION_STATUSES)
  checked(raw, 'id', at)
  checkMode(raw, at)
  checked(raw, 'name', at)
  checked(raw, 'profile', at)
  checked(raw, 'region', at, true)
  checkSource(raw, at)
  switch (type) {
    case 'aws-iam-role-chained': {
      checked(raw, 'externalId', at, true)
      text(raw, 'parentId', at, rule('id'))
      checked(raw, 'roleArn', at)
      checked(raw, 'roleSessionName', at, true)
      break
    }

    case 'aws-iam-user': {
      checked(raw, 'mfaSerial', at, true)
      break
    }

    case 'aws-sso-role': {
      const startUrl = text(raw, 'startUrl', at)
      if (!isHttpsUrl(startUrl))
        throw new ShapeError(`${at}.startUrl`, `${JSON.stringify(startUrl)} is not ${EXPECTED.startUrl}`)
      checked(raw, 'accountId', at)
      optionalText(raw, 'accountName', at)
      checked(raw, 'roleName', at)
      text(raw, 'ssoRegion', at, rule('region'))
      break
    }
  }

  for (const key of NULLABLE_KEYS[type]) raw[key] ??= null
  return raw as unknown as Session
}

/** Ids and names unique, every parent present, no chain that leads back to itself. */
function checkSessionReferences(sessions: Session[]): void {
  const byId = new Map<string, Session>()
  const names = new Set<string>()
  for (const [i, session] of sessions.entries()) {
    if (byId.has(session.id)) throw new ShapeError(`sessions[${i}].id`, `${session.id} is used twice`)
    if (names.has(session.name)) throw new ShapeError(`sessions[${i}].name`, `${session.name} is used twice`)
    byId.set(session.id, session)
    names.add(session.name)
  }

  for (const [i, session] of sessions.entries()) {
    if (session.type !== 'aws-iam-role-chained') continue
    if (!byId.has(session.parentId))
      throw new ShapeError(`sessions[${i}].parentId`, `no session has id ${session.parentId}`)
    const seen = new Set([session.id])
    for (let parent = byId.get(session.parentId); parent;) {
      if (seen.has(parent.id))
        throw new ShapeError(`sessions[${i}].parentId`, 'the chain of parents leads back to itself')
      seen.add(parent.id)
      parent = parent.type === 'aws-iam-role-chained' ? byId.get(parent.parentId) : undefined
    }
  }
}

/** Aliases unique, every session source naming an integration (one session per source key), source sessions present. */
function checkIntegrationReferences(integrations: Integration[], sessions: Session[]): void {
  const aliases = new Set<string>()
  for (const [i, integration] of integrations.entries()) {
    if (aliases.has(integration.alias))
      throw new ShapeError(`integrations[${i}].alias`, `${integration.alias} is used twice`)
    aliases.add(integration.alias)
  }

  const ids = new Set(sessions.map((session) => session.id))
  for (const [i, integration] of integrations.entries()) {
    if (integration.type === 'dynamodb' && !ids.has(integration.sourceSessionId)) {
      throw new ShapeError(`integrations[${i}].sourceSessionId`, `no session has id ${integration.sourceSessionId}`)
    }
  }

  const keys = new Set<string>()
  for (const [i, {source}] of sessions.entries()) {
    if (source === null) continue
    if (!aliases.has(source.integration)) {
      throw new ShapeError(`sessions[${i}].source.integration`, `no integration has alias ${source.integration}`)
    }

    const key = JSON.stringify([source.integration, source.key])
    if (keys.has(key))
      throw new ShapeError(`sessions[${i}].source`, `${source.key} of ${source.integration} is used twice`)
    keys.add(key)
  }
}

function list(raw: Json, key: string): unknown[] {
  const value = raw[key]
  if (!Array.isArray(value)) throw new ShapeError(key, value === undefined ? 'missing' : 'not a list')
  return value
}

/** The workspace in `raw` (already migrated to the current version); ShapeError naming the first bad key. */
export function validateWorkspace(raw: unknown): Workspace {
  if (!isObject(raw)) throw new ShapeError('(top level)', 'not a JSON object')
  if (raw.version !== WORKSPACE_VERSION) throw new ShapeError('version', `expected ${WORKSPACE_VERSION}`)
  onlyKeys(raw, WORKSPACE_KEYS, '', 'the workspace')
  const defaultRegion = optionalText(raw, 'defaultRegion', '', rule('region'))
  const sessions = list(raw, 'sessions').map((session, i) => validateSession(session, `sessions[${i}]`))
  const integrations = list(raw, 'integrations').map((integration, i) =>
    validateIntegration(integration, `integrations[${i}]`),
  )
  checkSessionReferences(sessions)
  checkIntegrationReferences(integrations, sessions)
  return {defaultRegion, integrations, sessions, version: WORKSPACE_VERSION}
}
