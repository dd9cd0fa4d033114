/** What the vault holds for one SSO start URL. Timestamps are epoch milliseconds. */
export interface SsoToken {
  accessToken: string
  expiresAt: number
  obtainedAt: number
  refreshToken?: string
  region: string
  startUrl: string
}

export interface ClientRegistration {
  clientId: string
  clientSecret: string
  expiresAt: number
  region: string
  scopes: string[]
}

export interface DeviceAuthorization {
  deviceCode: string
  expiresIn: number
  interval?: number
  userCode: string
  verificationUri: string
  verificationUriComplete?: string
}

export interface TokenGrant {
  accessToken: string
  expiresIn: number
  refreshToken?: string
}

/** The SSO-OIDC operations terrace uses: a port, so the device flow is tested without the SDK. */
export interface OidcPort {
  createToken(input: {
    clientId: string
    clientSecret: string
    deviceCode?: string
    grantType: string
    refreshToken?: string
  }): Promise<TokenGrant>
  registerClient(input: {
    clientName: string
    clientType: string
    grantTypes: string[]
    scopes: string[]
  }): Promise<{clientId: string; clientSecret: string; clientSecretExpiresAt?: number}>
  startDeviceAuthorization(input: {
    clientId: string
    clientSecret: string
    startUrl: string
  }): Promise<DeviceAuthorization>
}

/** The SSO portal operations terrace uses. */
export interface PortalPort {
  getRoleCredentials(input: {accessToken: string; accountId: string; roleName: string}): Promise<{
    accessKeyId: string
    expiration: number
    secretAccessKey: string
    sessionToken: string
  }>
  /** one page of the roles the token may take in one account (`aws configure sso --all`) */
  listAccountRoles(input: {accessToken: string; accountId: string; maxResults?: number; nextToken?: string}): Promise<{
    nextToken?: string
    roles: Array<{accountId: string; roleName: string}>
  }>
  /** one page of the accounts the token reaches (also the cheapest way to check a token server-side) */
  listAccounts(input: {accessToken: string; maxResults?: number; nextToken?: string}): Promise<{
    accounts: Array<{accountId: string; accountName?: string}>
    nextToken?: string
  }>
  logout(input: {accessToken: string}): Promise<void>
}

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
export const REFRESH_GRANT = 'refresh_token'
export const SSO_SCOPES = ['sso:account:access']
