import type {SecretStore} from './secret-store.js'

/**
 * The one place that names vault entries. Names are meant to be read by a person browsing the keychain:
 *   sso-token:<startUrl>                                   SSO access + refresh token, expiry
 *   sso-client:<region>:<startUrl>                         SSO-OIDC client registration
 *   role-credentials:<accountId>/<role>@<startUrl>         cached role credentials
 * Start URLs are normalised first (whitespace, trailing "/", "#/" removed) so every caller agrees on the name.
 */
export const EntryPrefix = {
  roleCredentials: 'role-credentials:',
  ssoClient: 'sso-client:',
  ssoToken: 'sso-token:',
} as const

export type ParsedEntry =
  | {accountId: string; kind: 'role-credentials'; role: string; startUrl: string}
  | {kind: 'sso-client'; region: string; startUrl: string}
  | {kind: 'sso-token'; startUrl: string}

/** `https://x.awsapps.com/start/#/` and `https://x.awsapps.com/start` name the same portal. */
export function normalizeStartUrl(startUrl: string): string {
  let url = startUrl.trim()
  for (;;) {
    const next = url.replace(/#\/?$/, '').replace(/\/+$/, '')
    if (next === url) return url
    url = next
  }
}

export function ssoTokenEntry(startUrl: string): string {
  return `${EntryPrefix.ssoToken}${normalizeStartUrl(startUrl)}`
}

export function ssoClientEntry(startUrl: string, region: string): string {
  return `${EntryPrefix.ssoClient}${region}:${normalizeStartUrl(startUrl)}`
}

export function roleCredentialsEntry(startUrl: string, accountId: string, role: string): string {
  return `${EntryPrefix.roleCredentials}${accountId}/${role}@${normalizeStartUrl(startUrl)}`
}

/** Role credentials reached from a project's IAM user: `iam-role-credentials:<accountId>/<role>@<project>/<type>`. */
export function iamRoleCredentialsEntry(project: string, userType: string, accountId: string, role: string): string {
  return `iam-role-credentials:${accountId}/${role}@${project}/${userType}`
}

/** A project's IAM user keys (`terrace credentials configure --type <type>`): `iam-user:<project>/<type>`. */
export function iamUserEntry(project: string, userType: string): string {
  return `iam-user:${project}/${userType}`
}

/** That IAM user's GetSessionToken-with-MFA session credentials: `mfa-session:<project>/<type>`. */
export function mfaSessionEntry(project: string, userType: string): string {
  return `mfa-session:${project}/${userType}`
}

/** The final hop's credentials of a role chain: `chain-credentials:<chain>`. */
export function chainCredentialsEntry(chain: string): string {
  return `chain-credentials:${chain}`
}

/** A role chain's cached intermediate hop (0-based; never the final one): `chain-hop:<chain>/<index>`. */
export function chainHopEntry(chain: string, index: number): string {
  return `chain-hop:${chain}/${index}`
}

/** A workspace session's IAM user access keys (`terrace session add iam-user`): `session-keys:<session id>`. */
export function sessionKeysEntry(sessionId: string): string {
  return `session-keys:${sessionId}`
}

/**
 * A workspace session's own cached credentials: an IAM user session's GetSessionToken session, a chained session's
 * AssumeRole credentials: `session-credentials:<session id>`.
 */
export function sessionCredentialsEntry(sessionId: string): string {
  return `session-credentials:${sessionId}`
}

/** Every entry among `accounts` that belongs to the session (`session-…:<id>`): what `session remove` deletes. Pure. */
export function filterSessionEntries(accounts: readonly string[], sessionId: string): string[] {
  return accounts.filter((account) => /^session-[a-z]+:/.test(account) && account.endsWith(`:${sessionId}`))
}

const SSO_TOKEN = /^sso-token:(.+)$/
const SSO_CLIENT = /^sso-client:([a-z\d-]+):(.+)$/
// role names may contain "@" but never ":" or "/", so the first "@<scheme>://" starts the URL
const ROLE_CREDENTIALS = /^role-credentials:([^/]+)\/([^/:]+?)@([a-z][\d+.a-z-]*:\/\/.+)$/i

/** What an entry name says, or undefined for names this module does not build. */
export function parseEntry(account: string): ParsedEntry | undefined {
  let m = ROLE_CREDENTIALS.exec(account)
  if (m) return {accountId: m[1], kind: 'role-credentials', role: m[2], startUrl: m[3]}
  m = SSO_CLIENT.exec(account)
  if (m) return {kind: 'sso-client', region: m[1], startUrl: m[2]}
  m = SSO_TOKEN.exec(account)
  if (m) return {kind: 'sso-token', startUrl: m[1]}
  return undefined
}

/** The names among `accounts` that belong to startUrl (token, client registrations, role credentials). Pure. */
export function filterEntriesForStartUrl(accounts: readonly string[], startUrl: string): string[] {
  const url = normalizeStartUrl(startUrl)
  return accounts.filter((account) => parseEntry(account)?.startUrl === url)
}

/** Every start URL that has at least one entry among `accounts`. Pure. */
export function startUrlsIn(accounts: readonly string[]): string[] {
  const urls = new Set<string>()
  for (const account of accounts) {
    const parsed = parseEntry(account)
    if (parsed) urls.add(parsed.startUrl)
  }

  return [...urls].sort()
}

/** The vault entries derived from startUrl: what `sso logout` wipes. */
export async function entriesForStartUrl(store: SecretStore, startUrl: string): Promise<string[]> {
  return filterEntriesForStartUrl(await store.list(), startUrl)
}

/** Every start URL the vault holds anything for (for `sso logout --all`). */
export async function ssoStartUrlsInVault(store: SecretStore): Promise<string[]> {
  return startUrlsIn(await store.list())
}

/** Delete every entry derived from startUrl; returns the names deleted (what logout reports). */
export async function deleteStartUrlEntries(store: SecretStore, startUrl: string): Promise<string[]> {
  const deleted: string[] = []
  for (const account of await entriesForStartUrl(store, startUrl))
    if (await store.delete(account)) deleted.push(account)
  return deleted
}
