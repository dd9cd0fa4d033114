/**
 * `terrace credentials configure --type <type>`: an IAM user's access key pair, from the console's CSV or typed in
 * (the secret without echo), verified with GetCallerIdentity using exactly those keys, optionally with its MFA
 * device (ListMFADevices, or a given serial), stored in the vault only. Nothing is stored when any step fails.
 */
import type {IamUserType} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AccessKeyPair} from './credentials-csv.js'
import type {StsPort} from './sts-port.js'

import {AwsRefusedError, UsageError} from '../../lib/errors.js'
import {iamUserEntry} from '../../vault/entries.js'
import {awsErrorName, endpointFor, toTerraceError} from '../aws-errors.js'
import {type IamUserKeys, readIamUser, writeIamUser} from './iam-user-store.js'
import {stsRegion, userNameFromArn} from './sts-port.js'

export interface ConfigureIamUserInput {
  /** `--fetch-mfa-device` */
  fetchMfaDevice: boolean
  /** `--mfa-serial` */
  mfaSerial: null | string
  overwrite: boolean
  project: string
  userType: IamUserType
}

export interface ConfigureIamUserDeps {
  env: NodeJS.ProcessEnv
  /** the key pair (from the CSV or the prompts); called only when keys are going to be stored */
  keys(): Promise<AccessKeyPair>
  /** one line to the user (stderr) */
  notice(message: string): void
  now(): number
  store: SecretStore
  sts: StsPort
}

export interface ConfigureIamUserResult {
  /** the access key ID's last four characters (the ID itself is not printed) */
  accessKeyIdEnding: string
  accountId: string
  entry: string
  mfaSerial: null | string
  project: string
  /** stored: new; replaced: --overwrite replaced an entry; kept: an entry existed and was left alone */
  status: 'kept' | 'replaced' | 'stored'
  type: IamUserType
  userArn: string
}

const MFA_SERIAL = /^arn:aws[\w-]*:iam::\d{12}:(mfa|u2f)\/.+$/

export async function configureIamUser(
  deps: ConfigureIamUserDeps,
  input: ConfigureIamUserInput,
): Promise<ConfigureIamUserResult> {
  checkMfaFlags(input)
  const entry = iamUserEntry(input.project, input.userType)
  const existing = await readIamUser(deps.store, input.project, input.userType)
  const base = {entry, project: input.project, type: input.userType}
  if (existing && !input.overwrite) {
    return {
      ...base,
      accessKeyIdEnding: existing.accessKeyId.slice(-4),
      accountId: existing.accountId,
      mfaSerial: existing.mfaSerial,
      status: 'kept',
      userArn: existing.userArn,
    }
  }

  const keys = await verifiedAccessKeys(deps, input)
  await writeIamUser(deps.store, input.project, input.userType, keys)
  return {
    ...base,
    accessKeyIdEnding: keys.accessKeyId.slice(-4),
    accountId: keys.accountId,
    mfaSerial: keys.mfaSerial,
    status: existing ? 'replaced' : 'stored',
    userArn: keys.userArn,
  }
}

/** `--fetch-mfa-device` with `--mfa-serial`, or a serial that is no MFA device ARN: UsageError (exit 2). */
export function checkMfaFlags(input: {fetchMfaDevice: boolean; mfaSerial: null | string}): void {
  if (input.fetchMfaDevice && input.mfaSerial) {
    throw new UsageError('--fetch-mfa-device and --mfa-serial cannot be combined: pick one.')
  }

  if (input.mfaSerial && !MFA_SERIAL.test(input.mfaSerial)) {
    throw new UsageError(`--mfa-serial "${input.mfaSerial}" is not an MFA device ARN.`, {
      suggestion: 'It looks like arn:aws:iam::123456789012:mfa/alice (IAM > Users > Security credentials).',
    })
  }
}

/**
 * The key pair (deps.keys()) verified with GetCallerIdentity using exactly those keys, with its MFA device (given,
 * fetched with ListMFADevices, or none): what the vault stores. Throws AwsRefusedError (exit 6) for keys AWS refuses.
 */
export async function verifiedAccessKeys(
  deps: Omit<ConfigureIamUserDeps, 'store'>,
  input: {fetchMfaDevice: boolean; mfaSerial: null | string},
): Promise<IamUserKeys> {
  const keys = await deps.keys()
  const endpoint = endpointFor('sts', stsRegion(deps.env), deps.env)
  let identity
  try {
    identity = await deps.sts.getCallerIdentity(keys)
  } catch (error) {
    if (/InvalidClientTokenId|SignatureDoesNotMatch|AccessDenied|ExpiredToken/.test(awsErrorName(error))) {
      throw new AwsRefusedError(`AWS refused these keys (${awsErrorName(error)}); nothing was stored.`, {
        cause: error,
        suggestion: 'Check that the access key is active (IAM > Users > Security credentials) and was copied whole.',
      })
    }

    throw toTerraceError(error, {endpoint, what: 'verifying the keys with GetCallerIdentity'})
  }

  let {mfaSerial} = input
  if (input.fetchMfaDevice) mfaSerial = await fetchMfaSerial(deps, keys, identity.arn)
  return {
    accessKeyId: keys.accessKeyId,
    accountId: identity.account,
    mfaSerial,
    secretAccessKey: keys.secretAccessKey,
    storedAt: deps.now(),
    userArn: identity.arn,
  }
}

async function fetchMfaSerial(
  deps: Omit<ConfigureIamUserDeps, 'store'>,
  keys: AccessKeyPair,
  arn: string,
): Promise<null | string> {
  const user = userNameFromArn(arn)
  if (!user) {
    throw new UsageError(`These keys belong to ${arn}, not an IAM user: it has no MFA devices to fetch.`)
  }

  let serials: string[]
  try {
    serials = await deps.sts.listMfaDevices(keys, user)
  } catch (error) {
    if (/AccessDenied/.test(awsErrorName(error))) {
      throw new AwsRefusedError(`AWS refused ListMFADevices for ${user} (AccessDenied); nothing was stored.`, {
        cause: error,
        suggestion: 'Give the device with --mfa-serial arn:aws:iam::<account>:mfa/<name> instead.',
      })
    }

    throw toTerraceError(error, {
      endpoint: endpointFor('iam', stsRegion(deps.env), deps.env),
      what: `listing the MFA devices of ${user}`,
    })
  }

  if (serials.length === 0) {
    deps.notice(
      `No MFA device is registered for ${user}: the keys are stored without one (roles requiring MFA will refuse them).`,
    )
    return null
  }

  if (serials.length > 1) deps.notice(`${user} has ${serials.length} MFA devices; using ${serials[0]}.`)
  return serials[0]
}
