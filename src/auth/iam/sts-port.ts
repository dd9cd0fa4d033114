/**
 * The STS and IAM calls the IAM-user sources make, as a port (tests pass a fake; production uses sdkSts, which loads
 * the SDK lazily). Every call is signed with exactly the credentials passed in: never the environment, never ~/.aws.
 */
import type {StaticClientCredentials} from '../aws-clients.js'

export type {StaticClientCredentials} from '../aws-clients.js'

/** Temporary credentials from STS; expiration in epoch ms. */
export interface StsSessionCredentials {
  accessKeyId: string
  expiration: number
  secretAccessKey: string
  sessionToken: string
}

export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

export interface MfaCodeInput {
  /** the MFA device's serial (ARN) */
  serialNumber: string
  tokenCode: string
}

export interface StsPort {
  assumeRole(
    creds: StaticClientCredentials,
    input: {
      durationSeconds: number
      /** the external id the role's trust policy asks for */
      externalId?: string
      mfa?: MfaCodeInput
      roleArn: string
      roleSessionName: string
    },
  ): Promise<StsSessionCredentials>
  getCallerIdentity(creds: StaticClientCredentials): Promise<CallerIdentity>
  getSessionToken(
    creds: StaticClientCredentials,
    input: {durationSeconds: number; mfa?: MfaCodeInput},
  ): Promise<StsSessionCredentials>
  /** the serials of the MFA devices of userName (IAM ListMFADevices) */
  listMfaDevices(creds: StaticClientCredentials, userName: string): Promise<string[]>
}

/** The region STS/IAM clients are made for: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
export function stsRegion(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1'
}

function session(out: {
  Credentials?: {AccessKeyId?: string; Expiration?: Date; SecretAccessKey?: string; SessionToken?: string}
}): StsSessionCredentials {
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new Error('STS answered without complete credentials')
  }

  return {
    accessKeyId: c.AccessKeyId,
    expiration: c.Expiration.getTime(),
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  }
}

/** The real STS/IAM through the AWS SDK (endpoints from AWS_ENDPOINT_URL_STS / _IAM / AWS_ENDPOINT_URL). */
export function sdkSts(env: NodeJS.ProcessEnv): StsPort {
  const region = stsRegion(env)
  const sts = async (credentials: StaticClientCredentials) => {
    const {createStsClient} = await import('../aws-clients.js')
    return createStsClient({credentials, region})
  }

  return {
    async assumeRole(creds, input) {
      const [client, {AssumeRoleCommand}] = await Promise.all([sts(creds), import('@aws-sdk/client-sts')])
      const out = await client.send(
        new AssumeRoleCommand({
          DurationSeconds: input.durationSeconds,
          ...(input.externalId ? {ExternalId: input.externalId} : {}),
          RoleArn: input.roleArn,
          RoleSessionName: input.roleSessionName,
          ...(input.mfa ? {SerialNumber: input.mfa.serialNumber, TokenCode: input.mfa.tokenCode} : {}),
        }),
      )
      return session(out)
    },
    async getCallerIdentity(creds) {
      const [client, {GetCallerIdentityCommand}] = await Promise.all([sts(creds), import('@aws-sdk/client-sts')])
      const out = await client.send(new GetCallerIdentityCommand({}))
      if (!out.Account || !out.Arn) throw new Error('STS GetCallerIdentity answered without an account or ARN')
      return {account: out.Account, arn: out.Arn, userId: out.UserId ?? ''}
    },
    async getSessionToken(creds, input) {
      const [client, {GetSessionTokenCommand}] = await Promise.all([sts(creds), import('@aws-sdk/client-sts')])
      const out = await client.send(
        new GetSessionTokenCommand({
          DurationSeconds: input.durationSeconds,
          ...(input.mfa ? {SerialNumber: input.mfa.serialNumber, TokenCode: input.mfa.tokenCode} : {}),
        }),
      )
      return session(out)
    },
    async listMfaDevices(creds, userName) {
      const [{createIamClient}, {ListMFADevicesCommand}] = await Promise.all([
        import('../aws-clients.js'),
        import('@aws-sdk/client-iam'),
      ])
      const client = await createIamClient({credentials: creds, region})
      const out = await client.send(new ListMFADevicesCommand({UserName: userName}))
      const serials: string[] = []
      for (const device of out.MFADevices ?? []) if (device.SerialNumber) serials.push(device.SerialNumber)
      return serials
    },
  }
}

/** `arn:aws:iam::222222222222:user/ops/alice` → `alice`; null for anything that is not an IAM user ARN. */
export function userNameFromArn(arn: string): null | string {
  const m = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)
  return m ? m[1] : null
}
