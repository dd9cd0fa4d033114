/**
 * The session definitions: add, list, edit, remove, and the workspace default region. Values come from flags: a bad
 * or missing one is a UsageError (exit 2) naming its flag. No credential is made or stored here.
 */
import {randomUUID} from 'node:crypto'

import {ConfigError, UsageError} from '../lib/errors.js'
import {type ListedSession, withRecords} from './listed-session.js'
import {EXPECTED, isHttpsUrl, PATTERNS} from './patterns.js'
import {
  type ChainedSession,
  DEFAULT_PROFILE,
  type IamUserSession,
  type Session,
  SESSION_STATUSES,
  SESSION_TYPES,
  type SessionStatus,
  type SessionType,
  SHORT_TYPES,
  type SsoRoleSession,
  type Workspace,
} from './session.js'
import {readWorkspace, updateWorkspace, type WorkspaceStore} from './workspace-file.js'

/** What the user typed for each field: flag name → value (undefined when not given). */
export type SessionInput = {
  accountId?: string
  accountName?: string
  externalId?: string
  mfaSerial?: string
  name?: string
  parent?: string
  profile?: string
  region?: string
  role?: string
  roleArn?: string
  roleSessionName?: string
  ssoRegion?: string
  startUrl?: string
}

/** The flag each input field comes from, for the error naming it. */
const FLAG: Record<keyof SessionInput, string> = {
  accountId: '--account-id',
  accountName: '--account-name',
  externalId: '--external-id',
  mfaSerial: '--mfa-serial',
  name: '--name',
  parent: '--parent',
  profile: '--profile',
  region: '--region',
  role: '--role',
  roleArn: '--role-arn',
  roleSessionName: '--role-session-name',
  ssoRegion: '--sso-region',
  startUrl: '--start-url',
}

const CHECKS: Partial<Record<keyof SessionInput, {expected: string; ok: (value: string) => boolean}>> = {
  accountId: {expected: EXPECTED.accountId, ok: (v) => PATTERNS.accountId.test(v)},
  externalId: {expected: EXPECTED.externalId, ok: (v) => PATTERNS.externalId.test(v)},
  mfaSerial: {expected: EXPECTED.mfaSerial, ok: (v) => PATTERNS.mfaSerial.test(v)},
  name: {expected: EXPECTED.name, ok: (v) => PATTERNS.name.test(v)},
  profile: {expected: EXPECTED.profile, ok: (v) => PATTERNS.profile.test(v)},
  region: {expected: EXPECTED.region, ok: (v) => PATTERNS.region.test(v)},
  role: {expected: EXPECTED.roleName, ok: (v) => PATTERNS.roleName.test(v)},
  roleArn: {expected: EXPECTED.roleArn, ok: (v) => PATTERNS.roleArn.test(v)},
  roleSessionName: {expected: EXPECTED.roleSessionName, ok: (v) => PATTERNS.roleSessionName.test(v)},
  ssoRegion: {expected: EXPECTED.region, ok: (v) => PATTERNS.region.test(v)},
  startUrl: {expected: EXPECTED.startUrl, ok: isHttpsUrl},
}

/** The value of `key`, checked; undefined when not given. */
function optional(input: SessionInput, key: keyof SessionInput): string | undefined {
  const value = input[key]
  if (value === undefined) return undefined
  const check = CHECKS[key]
  if (check && !check.ok(value)) throw new UsageError(`${FLAG[key]} ${JSON.stringify(value)} is not ${check.expected}.`)
  return value
}

/** The fields each type needs, in the order they are asked for. */
export const REQUIRED_FIELDS: Record<SessionType, Array<keyof SessionInput>> = {
  'aws-iam-role-chained': ['name', 'parent', 'roleArn'],
  'aws-iam-user': ['name'],
  'aws-sso-role': ['name', 'startUrl', 'ssoRegion', 'accountId', 'role'],
}

/** The flag each field comes from (`--start-url`), for prompts and errors. */
export const flagOf = (key: keyof SessionInput): string => FLAG[key]

/** The required fields of `type` that `input` lacks. Pure. */
export const missingFields = (type: SessionType, input: SessionInput): Array<keyof SessionInput> =>
  REQUIRED_FIELDS[type].filter((key) => input[key] === undefined)

function required(input: SessionInput, key: keyof SessionInput, type: SessionType): string {
  const value = optional(input, key)
  if (value === undefined) {
    const missing = missingFields(type, input).map((k) => FLAG[k])
    throw new UsageError(
      `Missing ${missing.join(', ')}: an ${type} session needs ${missing.length === 1 ? 'it' : 'them'}.`,
      {suggestion: 'Give them as flags, or run the command on a terminal to be asked for them.'},
    )
  }

  return value
}

/** The session called `name` (or with that id); ConfigError (exit 4) listing the known names when none. */
export function findSession(workspace: Workspace, nameOrId: string): Session {
  const found =
    workspace.sessions.find((session) => session.name === nameOrId) ??
    workspace.sessions.find((session) => session.id === nameOrId)
  if (!found) {
    const names = workspace.sessions.map((session) => session.name)
    throw new ConfigError(`No session named "${nameOrId}".`, {
      suggestion:
        names.length > 0
          ? `Sessions: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''} (terrace session list).`
          : 'Add one with `terrace session add`.',
    })
  }

  return found
}

function assertNameFree(workspace: Workspace, name: string, except?: string): void {
  if (workspace.sessions.some((session) => session.name === name && session.id !== except)) {
    throw new UsageError(`A session named "${name}" already exists.`, {
      suggestion: 'Choose another --name, or rename the existing one with `terrace session edit`.',
    })
  }
}

/** A new session of `type` from the input, checked against the workspace (unique name, existing parent). */
export function buildSession(workspace: Workspace, type: SessionType, input: SessionInput, id = randomUUID()): Session {
  const name = required(input, 'name', type)
  assertNameFree(workspace, name)
  const base = {
    id,
    mode: null,
    name,
    profile: optional(input, 'profile') ?? DEFAULT_PROFILE,
    region: optional(input, 'region') ?? null,
    source: null,
    startedAt: null,
    status: 'inactive' as const,
  }
  switch (type) {
    case 'aws-iam-role-chained': {
      const parent = findSession(workspace, required(input, 'parent', type))
      return {
        ...base,
        externalId: optional(input, 'externalId') ?? null,
        parentId: parent.id,
        roleArn: required(input, 'roleArn', type),
        roleSessionName: optional(input, 'roleSessionName') ?? null,
        type,
      } satisfies ChainedSession
    }

    case 'aws-iam-user': {
      return {...base, mfaSerial: optional(input, 'mfaSerial') ?? null, type} satisfies IamUserSession
    }

    case 'aws-sso-role': {
      return {
        ...base,
        accountId: required(input, 'accountId', type),
        accountName: input.accountName ?? null,
        roleName: required(input, 'role', type),
        ssoRegion: required(input, 'ssoRegion', type),
        startUrl: required(input, 'startUrl', type),
        type,
      } satisfies SsoRoleSession
    }
  }
}

export async function addSession(store: WorkspaceStore, type: SessionType, input: SessionInput): Promise<Session> {
  return updateWorkspace(store, (workspace) => {
    const session = buildSession(workspace, type, input)
    return {result: session, workspace: {...workspace, sessions: [...workspace.sessions, session]}}
  })
}

export type SessionFilter = {status?: string; text?: string; type?: string}

/** `--type` as typed (sso-role or aws-sso-role) to the stored type; UsageError for anything else. */
export function parseType(value: string): SessionType {
  const type = SHORT_TYPES[value] ?? (SESSION_TYPES as readonly string[]).find((t) => t === value)
  if (!type) {
    throw new UsageError(`--type ${JSON.stringify(value)} is not a session type.`, {
      suggestion: `Types: ${[...Object.keys(SHORT_TYPES), ...SESSION_TYPES].join(', ')}.`,
    })
  }

  return type as SessionType
}

function parseStatus(value: string): SessionStatus {
  if (!(SESSION_STATUSES as readonly string[]).includes(value)) {
    throw new UsageError(`--status ${JSON.stringify(value)} is not a status: ${SESSION_STATUSES.join(', ')}.`)
  }

  return value as SessionStatus
}

/** The texts --filter searches: name, type, account, role, profile, region. */
function searchable(session: Session, workspace: Workspace): string[] {
  const fields = [session.name, session.type, session.profile, session.region ?? workspace.defaultRegion ?? '']
  if (session.type === 'aws-sso-role')
    fields.push(session.accountId, session.accountName ?? '', session.roleName, session.startUrl)
  if (session.type === 'aws-iam-role-chained') fields.push(session.roleArn)
  if (session.type === 'aws-iam-user') fields.push(session.mfaSerial ?? '')
  return fields
}

/** The sessions matching every given filter (--filter: a case-insensitive substring of any field). */
export function filterSessions(workspace: Workspace, filter: SessionFilter): Session[] {
  const type = filter.type === undefined ? undefined : parseType(filter.type)
  const status = filter.status === undefined ? undefined : parseStatus(filter.status)
  const needle = filter.text?.toLowerCase()
  return workspace.sessions.filter(
    (session) =>
      (type === undefined || session.type === type) &&
      (status === undefined || session.status === status) &&
      (needle === undefined || searchable(session, workspace).some((field) => field.toLowerCase().includes(needle))),
  )
}

/** The matching sessions, each with when its credentials expire (when active; see listed-session.ts). */
export async function listSessions(
  store: WorkspaceStore,
  filter: SessionFilter = {},
): Promise<{defaultRegion: null | string; sessions: ListedSession[]; workspace: Workspace}> {
  const workspace = await readWorkspace(store)
  const sessions = withRecords(store.files.root, filterSessions(workspace, filter))
  return {defaultRegion: workspace.defaultRegion, sessions, workspace}
}

export type SessionEdit = {name?: string; profile?: string; region?: string}

export async function editSession(store: WorkspaceStore, nameOrId: string, edit: SessionEdit): Promise<Session> {
  const checked: SessionInput = {name: edit.name, profile: edit.profile, region: edit.region}
  const name = optional(checked, 'name')
  const profile = optional(checked, 'profile')
  const region = optional(checked, 'region')
  if (name === undefined && profile === undefined && region === undefined) {
    throw new UsageError('Nothing to change: give --name, --region or --profile.')
  }

  return updateWorkspace(store, (workspace) => {
    const session = findSession(workspace, nameOrId)
    if (name !== undefined) assertNameFree(workspace, name, session.id)
    const served =
      (profile !== undefined && profile !== session.profile) || (region !== undefined && region !== session.region)
    if (served && session.status !== 'inactive') {
      throw new UsageError(
        `Session "${session.name}" is active on profile ${session.profile}: its profile and region are in use.`,
        {
          suggestion: `Stop it first (\`terrace session stop ${session.name}\`), edit it, then start it again.`,
        },
      )
    }

    const next: Session = {
      ...session,
      ...(name === undefined ? {} : {name}),
      ...(profile === undefined ? {} : {profile}),
      ...(region === undefined ? {} : {region}),
    }
    const sessions = workspace.sessions.map((s) => (s.id === session.id ? next : s))
    return {result: next, workspace: {...workspace, sessions}}
  })
}

/** The sessions chained on `id`, at any depth, children before their own children. */
export function descendants(workspace: Workspace, id: string): Session[] {
  const found: Session[] = []
  const queue = [id]
  while (queue.length > 0) {
    const parentId = queue.shift()
    for (const session of workspace.sessions) {
      if (session.type === 'aws-iam-role-chained' && session.parentId === parentId) {
        found.push(session)
        queue.push(session.id)
      }
    }
  }

  return found
}

/** Removes a session; one with chained children is refused (exit 2) unless withChildren, which removes them too. */
export async function removeSession(
  store: WorkspaceStore,
  nameOrId: string,
  options: {withChildren?: boolean} = {},
): Promise<Session[]> {
  return updateWorkspace(store, (workspace) => {
    const session = findSession(workspace, nameOrId)
    const children = descendants(workspace, session.id)
    if (children.length > 0 && !options.withChildren) {
      throw new UsageError(
        `Session "${session.name}" is the parent of chained sessions: ${children.map((c) => c.name).join(', ')}.`,
        {suggestion: 'Remove them first, or add --with-children to remove them with it.'},
      )
    }

    const removed = [session, ...children]
    const ids = new Set(removed.map((s) => s.id))
    return {result: removed, workspace: {...workspace, sessions: workspace.sessions.filter((s) => !ids.has(s.id))}}
  })
}

/** Sets the workspace default region when `region` is given; returns the (new) default either way. */
export async function defaultRegion(store: WorkspaceStore, region?: string): Promise<null | string> {
  if (region === undefined) return (await readWorkspace(store)).defaultRegion
  // the region is the command's argument, not --region: the message names the value only
  if (!PATTERNS.region.test(region)) throw new UsageError(`${JSON.stringify(region)} is not ${EXPECTED.region}.`)
  return updateWorkspace(store, (workspace) => ({result: region, workspace: {...workspace, defaultRegion: region}}))
}
