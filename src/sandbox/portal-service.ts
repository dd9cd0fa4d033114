/** The SSO portal: ListAccounts, ListAccountRoles, GetRoleCredentials, Logout (bearer access token). */
import type {AccountConfig} from './config.js'
import type {CredentialRecord, SandboxState, TokenRecord} from './state.js'

import {PortalErrors} from './api-error.js'
import {newId, ssoRoleSuffix, stableId} from './ids.js'

const DEFAULT_PAGE_SIZE = 20
const MAX_PAGE_SIZE = 100

export function authenticateBearer(state: SandboxState, token: string | undefined): TokenRecord {
  if (!token) throw PortalErrors.unauthorized('Session token not found or invalid')
  const record = state.accessTokens.get(token)
  if (!record || record.revoked || state.now() >= record.expiresAt)
    throw PortalErrors.unauthorized('Session token not found or invalid')
  return record
}

function pageSize(maxResults: string | undefined): number {
  if (maxResults === undefined || maxResults === '') return DEFAULT_PAGE_SIZE
  const size = Number(maxResults)
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
    throw PortalErrors.invalidRequest(`maxResults must be between 1 and ${MAX_PAGE_SIZE}`)
  return size
}

/** nextToken is opaque to callers: the offset and what it pages, base64url-encoded. */
function decodeNextToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {o: unknown; s: unknown}
    if (parsed.s === scope && Number.isInteger(parsed.o) && (parsed.o as number) > 0) return parsed.o as number
  } catch {}

  throw PortalErrors.invalidRequest('Invalid nextToken')
}

const encodeNextToken = (offset: number, scope: string) =>
  Buffer.from(JSON.stringify({o: offset, s: scope}), 'utf8').toString('base64url')

function page<T>(items: T[], query: URLSearchParams, scope: string): {items: T[]; nextToken?: string} {
  const size = pageSize(query.get('max_result') ?? undefined)
  const offset = decodeNextToken(query.get('next_token') ?? undefined, scope)
  const end = offset + size
  return {items: items.slice(offset, end), ...(end < items.length ? {nextToken: encodeNextToken(end, scope)} : {})}
}

export function listAccounts(state: SandboxState, query: URLSearchParams) {
  const {items, nextToken} = page(state.config.accounts, query, 'accounts')
  return {
    accountList: items.map((account) => ({
      accountId: account.id,
      accountName: account.name,
      emailAddress: account.email,
    })),
    ...(nextToken ? {nextToken} : {}),
  }
}

function findAccount(state: SandboxState, accountId: null | string): AccountConfig | undefined {
  if (!accountId) throw PortalErrors.invalidRequest('account_id is required')
  return state.config.accounts.find((account) => account.id === accountId)
}

export function listAccountRoles(state: SandboxState, query: URLSearchParams) {
  const account = findAccount(state, query.get('account_id'))
  const roles = account?.ssoRoles ?? []
  const {items, nextToken} = page(roles, query, `roles:${account?.id}`)
  return {
    roleList: items.map((roleName) => ({accountId: account!.id, roleName})),
    ...(nextToken ? {nextToken} : {}),
  }
}

export function getRoleCredentials(state: SandboxState, token: TokenRecord, query: URLSearchParams) {
  const roleName = query.get('role_name')
  if (!roleName) throw PortalErrors.invalidRequest('role_name is required')
  const account = findAccount(state, query.get('account_id'))
  if (!account || !account.ssoRoles.includes(roleName)) throw PortalErrors.forbidden('No access')
  const awsRole = `AWSReservedSSO_${roleName}_${ssoRoleSuffix(account.id, roleName)}`
  const expiresAt = state.now() + state.config.lifetimes.roleCredentials * 1000
  const record: CredentialRecord = {
    accessKeyId: newId.temporaryAccessKeyId(),
    expiresAt,
    mfaAuthenticated: false,
    principal: {
      accountId: account.id,
      arn: `arn:aws:sts::${account.id}:assumed-role/${awsRole}/${token.user}`,
      kind: 'assumed-role',
      roleName: awsRole,
      sessionName: token.user,
      userId: `${stableId('AROA', account.id, awsRole)}:${token.user}`,
    },
    secretAccessKey: state.addSecret('secret-access-key', newId.secretAccessKey()),
    sessionToken: state.addSecret('session-token', newId.sessionToken()),
    source: 'sso',
  }
  state.credentials.set(record.accessKeyId, record)
  return {
    roleCredentials: {
      accessKeyId: record.accessKeyId,
      expiration: expiresAt,
      secretAccessKey: record.secretAccessKey,
      sessionToken: record.sessionToken,
    },
  }
}

/** Revokes the access token and every token of its login (its refresh tokens included). */
export function logout(state: SandboxState, token: TokenRecord): Record<string, never> {
  for (const store of [state.accessTokens, state.refreshTokens])
    for (const record of store.values()) if (record.family === token.family) record.revoked = true
  return {}
}
