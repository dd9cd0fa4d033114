/**
 * A role reference on the wire: the `credentials` op's params are the ref's own fields (strings; a null field is
 * left out), with `kind` saying which fields a ref of that kind has. A workspace session is named by its id (or
 * name) only, `{kind: 'session', session}`, and a terrace-managed profile by its name, `{kind: 'profile', profile}`:
 * the agent resolves them from workspace.json and profiles.json (named-refs.ts).
 */
import type {RoleRef} from '../lib/role-refs.js'
import type {Params} from './protocol.js'

interface Fields {
  /** string fields that may be null (left out of the params when they are) */
  nullable: readonly string[]
  /** string fields every ref of the kind has */
  required: readonly string[]
}

/** A workspace session on the wire: its id (or name); its links are read from the workspace by the agent. */
export interface SessionWireRef {
  kind: 'session'
  session: string
}

/** A terrace-managed profile on the wire (`aws configure sso` wrote it): its name; the agent reads its role. */
export interface ProfileWireRef {
  kind: 'profile'
  profile: string
}

/** What a client may name in a `credentials` request. */
export type WireRef = ProfileWireRef | RoleRef | SessionWireRef

/** What a `credentials` request names: a role ref, a workspace session by id, or a managed profile by name. */
export type ServedRef = Exclude<RoleRef, {kind: 'session'}> | ProfileWireRef | SessionWireRef

const FIELDS: {[K in ServedRef['kind']]: Fields} = {
  chain: {nullable: ['account', 'source'], required: ['accountId', 'chain', 'role']},
  iam: {nullable: ['account', 'source'], required: ['accountId', 'project', 'role', 'userType']},
  profile: {nullable: [], required: ['profile']},
  session: {nullable: [], required: ['session']},
  sso: {nullable: ['account', 'source'], required: ['accountId', 'role', 'ssoRegion', 'startUrl']},
}

const IAM_USER_TYPES = new Set(['bootstrap', 'management', 'security'])

/** The params of a `credentials` request for ref (a workspace session's: its id only; a profile's: its name). */
export function refToParams(ref: WireRef): Params {
  if (ref.kind === 'session') return {kind: ref.kind, session: ref.session}
  if (ref.kind === 'profile') return {kind: ref.kind, profile: ref.profile}
  const params: Params = {kind: ref.kind}
  for (const [name, value] of Object.entries(ref)) if (typeof value === 'string') params[name] = value
  return params
}

/** The ref a `credentials` request names, or the reason it names none (a bad-request answer). */
export function paramsToRef(params: Params | undefined): {error: string} | {ref: ServedRef} {
  const kind = params?.kind
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) {
    return {error: `credentials needs a kind (${Object.keys(FIELDS).join(', ')})`}
  }

  const fields = FIELDS[kind as ServedRef['kind']]
  const ref: Record<string, null | string> = {kind}
  for (const name of fields.required) {
    const value = params?.[name]
    if (typeof value !== 'string' || value === '') return {error: `a ${kind} ref needs ${name}`}
    ref[name] = value
  }

  for (const name of fields.nullable) {
    const value = params?.[name]
    ref[name] = typeof value === 'string' ? value : null
  }

  if (kind === 'iam' && !IAM_USER_TYPES.has(ref.userType!)) return {error: `unknown IAM user type ${ref.userType}`}
  return {ref: ref as unknown as ServedRef}
}
