/**
 * A project's IAM user keys in the vault (entry `iam-user:<project>/<type>`), written by
 * `terrace credentials configure --type <type>`. The vault is the only place they are kept.
 */
import type {IamUserType} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'

import {NotLoggedInError} from '../../lib/errors.js'
import {iamUserEntry} from '../../vault/entries.js'
import {neededForSentence} from '../needed-for.js'

export const IAM_USER_TYPES: readonly IamUserType[] = ['bootstrap', 'management', 'security']

export const isIamUserType = (value: unknown): value is IamUserType =>
  typeof value === 'string' && (IAM_USER_TYPES as readonly string[]).includes(value)

export interface IamUserKeys {
  accessKeyId: string
  /** the account the keys belong to (GetCallerIdentity) */
  accountId: string
  /** the MFA device's serial (ARN), or null when none is configured */
  mfaSerial: null | string
  secretAccessKey: string
  /** when the keys were stored (epoch ms) */
  storedAt: number
  /** arn:aws:iam::<account>:user/<name> (GetCallerIdentity) */
  userArn: string
}

/** Pure: a stored entry back into keys; undefined unless every field has the right type. */
export function parseIamUserKeys(raw: string): IamUserKeys | undefined {
  let v: Partial<IamUserKeys>
  try {
    v = JSON.parse(raw) as Partial<IamUserKeys>
  } catch {
    return undefined
  }

  if (
    typeof v !== 'object' ||
    v === null ||
    typeof v.accessKeyId !== 'string' ||
    typeof v.secretAccessKey !== 'string' ||
    typeof v.userArn !== 'string' ||
    typeof v.accountId !== 'string' ||
    typeof v.storedAt !== 'number' ||
    (v.mfaSerial !== null && typeof v.mfaSerial !== 'string')
  ) {
    return undefined
  }

  return v as IamUserKeys
}

export async function readIamUser(
  store: SecretStore,
  project: string,
  userType: IamUserType,
): Promise<IamUserKeys | undefined> {
  const raw = await store.get(iamUserEntry(project, userType))
  return raw === undefined ? undefined : parseIamUserKeys(raw)
}

export async function writeIamUser(
  store: SecretStore,
  project: string,
  userType: IamUserType,
  keys: IamUserKeys,
): Promise<void> {
  await store.set(iamUserEntry(project, userType), iamUserKeysJson(keys))
}

/** The vault entry's JSON of IAM user keys: exactly their fields, nothing else the object may carry. */
export function iamUserKeysJson(keys: IamUserKeys): string {
  const body: IamUserKeys = {
    accessKeyId: keys.accessKeyId,
    accountId: keys.accountId,
    mfaSerial: keys.mfaSerial,
    secretAccessKey: keys.secretAccessKey,
    storedAt: keys.storedAt,
    userArn: keys.userArn,
  }
  return JSON.stringify(body)
}

export async function deleteIamUser(store: SecretStore, project: string, userType: IamUserType): Promise<boolean> {
  return store.delete(iamUserEntry(project, userType))
}

/** The command that stores the keys, as error messages name it. */
export const configureCommand = (userType: IamUserType): string => `terrace credentials configure --type ${userType}`

/**
 * The stored keys, or NotLoggedInError (exit 5): having no keys is the IAM-user equivalent of not being logged in,
 * and the message names the exact command that fixes it.
 */
export async function requireIamUser(
  store: SecretStore,
  project: string,
  userType: IamUserType,
  /** what the keys are for (CredentialRequest.neededFor) */
  neededFor?: string,
): Promise<IamUserKeys> {
  const keys = await readIamUser(store, project, userType)
  if (keys) return keys
  throw new NotLoggedInError(
    neededForSentence(`No ${userType} IAM user keys are stored for project ${project}.`, neededFor),
    {
      suggestion: `Run \`${configureCommand(userType)}\` inside the project (keys from the console's CSV or typed in).`,
    },
  )
}
