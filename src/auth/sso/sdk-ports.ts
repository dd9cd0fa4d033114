import {type ClientOptions, createOidcClient, createSsoClient} from '../aws-clients.js'
import {OidcPort, PortalPort} from './types.js'

/** OidcPort over the real SSO-OIDC client (loaded lazily). SDK exceptions propagate unchanged. */
export async function sdkOidc(region: string): Promise<OidcPort> {
  const client = await createOidcClient({region})
  const sdk = await import('@aws-sdk/client-sso-oidc')
  return {
    async createToken(input) {
      const out = await client.send(new sdk.CreateTokenCommand(input))
      return {accessToken: out.accessToken!, expiresIn: out.expiresIn ?? 3600, refreshToken: out.refreshToken}
    },
    async registerClient(input) {
      const out = await client.send(new sdk.RegisterClientCommand(input))
      return {
        clientId: out.clientId!,
        clientSecret: out.clientSecret!,
        clientSecretExpiresAt: out.clientSecretExpiresAt,
      }
    },
    async startDeviceAuthorization(input) {
      const out = await client.send(new sdk.StartDeviceAuthorizationCommand(input))
      return {
        deviceCode: out.deviceCode!,
        expiresIn: out.expiresIn ?? 600,
        interval: out.interval,
        userCode: out.userCode!,
        verificationUri: out.verificationUri!,
        verificationUriComplete: out.verificationUriComplete,
      }
    },
  }
}

/**
 * PortalPort over the real SSO portal client (loaded lazily). `options` tune the client: a listing that retries
 * and counts on its own (integration sync) passes maxAttempts 1.
 */
export async function sdkPortal(region: string, options: Omit<ClientOptions, 'region'> = {}): Promise<PortalPort> {
  const client = await createSsoClient({...options, region})
  const sdk = await import('@aws-sdk/client-sso')
  return {
    async getRoleCredentials(input) {
      const out = await client.send(new sdk.GetRoleCredentialsCommand(input))
      const creds = out.roleCredentials!
      return {
        accessKeyId: creds.accessKeyId!,
        expiration: Number(creds.expiration),
        secretAccessKey: creds.secretAccessKey!,
        sessionToken: creds.sessionToken!,
      }
    },
    async listAccountRoles(input) {
      const out = await client.send(new sdk.ListAccountRolesCommand(input))
      return {
        nextToken: out.nextToken,
        roles: (out.roleList ?? []).map((r) => ({accountId: r.accountId ?? input.accountId, roleName: r.roleName!})),
      }
    },
    async listAccounts(input) {
      const out = await client.send(new sdk.ListAccountsCommand(input))
      return {
        accounts: (out.accountList ?? []).map((a) => ({accountId: a.accountId!, accountName: a.accountName})),
        nextToken: out.nextToken,
      }
    },
    async logout(input) {
      await client.send(new sdk.LogoutCommand(input))
    },
  }
}
