/**
 * A role reference on the wire: the `credentials` op's params are the ref's own fields (strings; a null field is
 * left out), with `kind` saying which fields a ref of that kind has. A new kind of ref (workspace sessions) is
 * served by the same op once it is listed in FIELDS.
 */
import type {RoleRef} from '../lib/role-refs.js'
import type {Params} from './protocol.js'

interface Fields {
  /** string fields that may be null (left out of the params when they are) */
  nullable: readonly string[]
  /** string fields every ref of the kind has */
  required: readonly string[]
}

const FIELDS: {[K in RoleRef['kind']]: Fields} = {
  chain: {nullable: ['account', 'source'], required: ['accountId', 'chain', 'role']},
  iam: {nullable: ['account', 'source'], required: ['accountId', 'project', 'role', 'userType']},
  // links: a JSON array (the one field that is no string); accountId and role are empty for an IAM user session
  session: {nullable: ['account', 'accountId', 'role', 'source'], required: ['links', 'name', 'session']},
  sso: {nullable: ['account', 'source'], required: ['accountId', 'role', 'ssoRegion', 'startUrl']},
}

const IAM_USER_TYPES = new Set(['bootstrap', 'management', 'security'])

/** The params of a `credentials` request for ref. */
export function refToParams(ref: RoleRef): Params {
  const params: Params = {kind: ref.kind}
  for (const [name, value] of Object.entries(ref)) if (typeof value === 'string') params[name] = value
  if (ref.kind === 'session') params.links = JSON.stringify(ref.links)
  return params
}

/** The ref a `credentials` request names, or the reason it names none (a bad-request answer). */
export function paramsToRef(params: Params | undefined): {error: string} | {ref: RoleRef} {
  const kind = params?.kind
  if (typeof kind !== 'string' || !Object.hasOwn(FIELDS, kind)) {
    return {error: `credentials needs a kind (${Object.keys(FIELDS).join(', ')})`}
  }

  const fields = FIELDS[kind as RoleRef['kind']]
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
  if (kind === 'session') return sessionRefOf(ref)
  return {ref: ref as unknown as RoleRef}
}

const LINK_KINDS = new Set(['assume', 'iam-user', 'sso'])

const isLink = (link: unknown): boolean =>
  typeof link === 'object' &&
  link !== null &&
  typeof (link as {id?: unknown}).id === 'string' &&
  LINK_KINDS.has((link as {kind?: string}).kind ?? '')

/** A session ref's links from their JSON: an array of links, each with an id and a known kind. */
function sessionRefOf(fields: Record<string, null | string>): {error: string} | {ref: RoleRef} {
  let links: unknown
  try {
    links = JSON.parse(fields.links!)
  } catch {
    return {error: 'a session ref needs links as a JSON array'}
  }

  if (!Array.isArray(links) || links.length === 0 || !links.every((link) => isLink(link))) {
    return {error: 'a session ref needs links, each with an id and a kind (sso, iam-user, assume)'}
  }

  return {ref: {...fields, accountId: fields.accountId ?? '', links, role: fields.role ?? ''} as unknown as RoleRef}
}
