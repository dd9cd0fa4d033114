/** The shape of workspace.json (version 2), checked field by field: the first fault names its key. */
import {EXPECTED, isHttpsUrl, PATTERNS} from './patterns.js'
import {
  type Session,
  SESSION_STATUSES,
  SESSION_TYPES,
  type SessionStatus,
  type SessionType,
  type Workspace,
  WORKSPACE_VERSION,
} from './session.js'

/** A fault in the file's content: `key` is its path inside the file (`sessions[2].accountId`). */
export class ShapeError extends Error {
  readonly key: string

  constructor(key: string, problem: string) {
    super(`${key}: ${problem}`)
    this.key = key
  }
}

type Json = Record<string, unknown>

const join = (at: string, key: string): string => (at ? `${at}.${key}` : key)

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const BASE_KEYS = ['id', 'name', 'type', 'region', 'profile', 'status', 'startedAt']
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

type Rule = {expected: string; pattern: RegExp}

function text(object: Json, key: string, at: string, rule?: Rule): string {
  const value = object[key]
  if (typeof value !== 'string') throw new ShapeError(join(at, key), value === undefined ? 'missing' : 'not a string')
  if (rule && !rule.pattern.test(value)) {
    throw new ShapeError(join(at, key), `${JSON.stringify(value)} is not ${rule.expected}`)
  }

  return value
}

function optionalText(object: Json, key: string, at: string, rule?: Rule): null | string {
  if (object[key] === undefined || object[key] === null) return null
  return text(object, key, at, rule)
}

const rule = (key: keyof typeof PATTERNS): Rule => ({expected: EXPECTED[key], pattern: PATTERNS[key]})

const checked = (object: Json, key: keyof typeof PATTERNS, at: string, optional = false) =>
  optional ? optionalText(object, key, at, rule(key)) : text(object, key, at, rule(key))

function oneOf<T extends string>(object: Json, key: string, at: string, values: readonly T[]): T {
  const value = text(object, key, at)
  if (!(values as readonly string[]).includes(value)) {
    throw new ShapeError(join(at, key), `${JSON.stringify(value)} is not one of ${values.join(', ')}`)
  }

  return value as T
}

function validateSession(raw: unknown, at: string): Session {
  if (!isObject(raw)) throw new ShapeError(at, 'not an object')
  const type = oneOf<SessionType>(raw, 'type', at, SESSION_TYPES)
  const allowed = ALLOWED_KEYS[type]
  const unknown = Object.keys(raw).find((key) => !allowed.has(key))
  if (unknown) throw new ShapeError(`${at}.${unknown}`, `not a field of an ${type} session (secrets never go here)`)
  const startedAt = optionalText(raw, 'startedAt', at)
  if (startedAt !== null && Number.isNaN(Date.parse(startedAt))) {
    throw new ShapeError(`${at}.startedAt`, `${JSON.stringify(startedAt)} is not a date`)
  }

  const base = {
    id: checked(raw, 'id', at) as string,
    name: checked(raw, 'name', at) as string,
    profile: checked(raw, 'profile', at) as string,
    region: checked(raw, 'region', at, true),
    startedAt,
    status: oneOf<SessionStatus>(raw, 'status', at, SESSION_STATUSES),
  }
  switch (type) {
    case 'aws-iam-role-chained': {
      return {
        ...base,
        externalId: checked(raw, 'externalId', at, true),
        parentId: text(raw, 'parentId', at, rule('id')),
        roleArn: checked(raw, 'roleArn', at) as string,
        roleSessionName: checked(raw, 'roleSessionName', at, true),
        type,
      }
    }

    case 'aws-iam-user': {
      return {...base, mfaSerial: checked(raw, 'mfaSerial', at, true), type}
    }

    case 'aws-sso-role': {
      const startUrl = text(raw, 'startUrl', at)
      if (!isHttpsUrl(startUrl))
        throw new ShapeError(`${at}.startUrl`, `${JSON.stringify(startUrl)} is not ${EXPECTED.startUrl}`)
      return {
        ...base,
        accountId: checked(raw, 'accountId', at) as string,
        accountName: optionalText(raw, 'accountName', at),
        roleName: checked(raw, 'roleName', at) as string,
        ssoRegion: text(raw, 'ssoRegion', at, rule('region')),
        startUrl,
        type,
      }
    }
  }
}

/** Ids and names unique, every parent present, no chain that leads back to itself. */
function checkReferences(sessions: Session[]): void {
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

/** The workspace in `raw` (already migrated to the current version); ShapeError naming the first bad key. */
export function validateWorkspace(raw: unknown): Workspace {
  if (!isObject(raw)) throw new ShapeError('(top level)', 'not a JSON object')
  if (raw.version !== WORKSPACE_VERSION) throw new ShapeError('version', `expected ${WORKSPACE_VERSION}`)
  const unknown = Object.keys(raw).find((key) => !['defaultRegion', 'sessions', 'version'].includes(key))
  if (unknown) throw new ShapeError(unknown, 'not a field of the workspace')
  const defaultRegion = optionalText(raw, 'defaultRegion', '', rule('region'))
  if (!Array.isArray(raw.sessions))
    throw new ShapeError('sessions', raw.sessions === undefined ? 'missing' : 'not a list')
  const sessions = raw.sessions.map((session, i) => validateSession(session, `sessions[${i}]`))
  checkReferences(sessions)
  return {defaultRegion, sessions, version: WORKSPACE_VERSION}
}
