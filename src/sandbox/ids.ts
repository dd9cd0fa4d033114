import {createHash, randomBytes, randomInt} from 'node:crypto'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ'

function pick(alphabet: string, length: number): string {
  let out = ''
  for (let index = 0; index < length; index++) out += alphabet[randomInt(alphabet.length)]
  return out
}

const base64url = (bytes: number) => randomBytes(bytes).toString('base64url')

/** Random identifiers and secrets in the shapes AWS uses. */
export const newId = {
  accessToken: () => `aoa${base64url(96)}`,
  clientId: () => base64url(16),
  clientSecret: () => `eyJ${base64url(180)}`,
  deviceCode: () => base64url(64),
  refreshToken: () => `aor${base64url(96)}`,
  requestId() {
    const hex = randomBytes(16).toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  },
  secretAccessKey: () => randomBytes(30).toString('base64'),
  sessionToken: () => `IQoJb3JpZ2luX2VjE${randomBytes(360).toString('base64')}`,
  temporaryAccessKeyId: () => `ASIA${pick(UPPER_ALNUM, 16)}`,
  userCode: () => `${pick(USER_CODE_LETTERS, 4)}-${pick(USER_CODE_LETTERS, 4)}`,
}

/** Stable ids derived from names, so an identity looks the same on every run. */
export function stableId(prefix: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest()
  let out = prefix
  for (let index = 0; out.length < prefix.length + 17; index++) out += UPPER_ALNUM[digest[index] % 32]
  return out
}

/** The 16 hex characters AWS appends to AWSReservedSSO_<PermissionSet>_ role names. */
export function ssoRoleSuffix(accountId: string, roleName: string): string {
  return createHash('sha256').update(`${accountId}/${roleName}`).digest('hex').slice(0, 16)
}
