/** Real AWS SDK v3 clients pointed at a sandbox, and the device flow they drive. */
import {IAMClient} from '@aws-sdk/client-iam'
import {SSOClient} from '@aws-sdk/client-sso'
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc'
import {STSClient} from '@aws-sdk/client-sts'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
export const START_URL = 'https://example.awsapps.com/start'

export interface Keys {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

/** SSO-OIDC and the portal calls are unsigned; the SDK still wants some credentials configured. */
const UNSIGNED: Keys = {accessKeyId: 'unused', secretAccessKey: 'unused'}

export function clients(url: string, keys: Keys = UNSIGNED, maxAttempts?: number) {
  const common = {credentials: keys, endpoint: url, region: 'us-east-1', ...(maxAttempts ? {maxAttempts} : {})}
  return {
    iam: new IAMClient(common),
    oidc: new SSOOIDCClient(common),
    sso: new SSOClient(common),
    sts: new STSClient(common),
  }
}

export async function register(oidc: SSOOIDCClient, refresh = true) {
  return oidc.send(
    new RegisterClientCommand({
      clientName: 'sandbox-test',
      clientType: 'public',
      grantTypes: refresh ? [DEVICE_GRANT, 'refresh_token'] : undefined,
      scopes: ['sso:account:access'],
    }),
  )
}

/** Registers, starts a device authorization and returns what the next steps need. */
export async function startDevice(oidc: SSOOIDCClient, refresh = true) {
  const client = await register(oidc, refresh)
  const device = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      startUrl: START_URL,
    }),
  )
  const poll = () =>
    oidc.send(
      new CreateTokenCommand({
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        deviceCode: device.deviceCode,
        grantType: DEVICE_GRANT,
      }),
    )
  return {client, device, poll}
}

/** A whole device-flow login approved through the control API: returns the tokens. */
export async function login(oidc: SSOOIDCClient, approve: (userCode: string) => Promise<void>) {
  const flow = await startDevice(oidc)
  await approve(flow.device.userCode!)
  return {...flow, token: await flow.poll()}
}

/** Runs `fn` and returns the error it throws (fails the test when it does not throw). */
export async function failure(
  fn: () => Promise<unknown>,
): Promise<Error & {$metadata?: {httpStatusCode?: number}; error?: string}> {
  try {
    await fn()
  } catch (error) {
    return error as Error
  }

  throw new Error('expected the call to fail')
}
