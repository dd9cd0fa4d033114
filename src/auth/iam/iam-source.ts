/**
 * Role credentials reached from a project's IAM user (IamRoleRef): AssumeRole into
 * arn:aws:iam::<accountId>:role/<role> with the user's MFA session (mfa-session.ts), cached in the vault as SSO
 * role credentials are (same TTL rules), one refresh per role at a time across every terrace process.
 */
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {Clock} from '../../lib/clock.js'
import type {IamRoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials, CredentialRequest, CredentialSource} from '../credentials/types.js'
import type {MfaSessions} from './mfa-session.js'
import type {StsPort} from './sts-port.js'

import {AwsRefusedError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {awsErrorName, endpointFor, toTerraceError} from '../aws-errors.js'
import {readCachedCredentials, writeCachedCredentials} from '../credentials/credential-cache.js'
import {singleFlightSource, usableAfterLock} from '../credentials/single-flight.js'
import {configureCommand} from './iam-user-store.js'
import {stsRegion, userNameFromArn} from './sts-port.js'

/** AWS's limit for roles assumed with temporary credentials (and well above terrace's 30-minute hand-out TTL). */
export const ASSUME_ROLE_SECONDS = 3600

export interface IamCredentialSourceDeps {
  clock: Clock
  env: NodeJS.ProcessEnv
  lockDir: string
  sessions: MfaSessions
  store: SecretStore
  sts: StsPort
  ttlMs: number
}

export const roleArn = (ref: Pick<IamRoleRef, 'accountId' | 'role'>): string =>
  `arn:aws:iam::${ref.accountId}:role/${ref.role}`

/** `terrace-<user>` with only the characters RoleSessionName allows ([\w+=,.@-]), at most 64 long. */
export function roleSessionName(userArn: string): string {
  const user = (userNameFromArn(userArn) ?? 'user').replaceAll(/[^\w+=,.@-]/g, '-')
  return `terrace-${user}`.slice(0, 64)
}

export function iamRoleLockPath(lockDir: string, ref: IamRoleRef): string {
  const key = `iam|${ref.project}|${ref.userType}|${ref.accountId}|${ref.role}`
  return join(lockDir, `role-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`)
}

const describeAccount = (ref: IamRoleRef): string => (ref.account ? `${ref.account} (${ref.accountId})` : ref.accountId)

export function createIamCredentialSource(deps: IamCredentialSourceDeps): CredentialSource<IamRoleRef> {
  async function refresh(
    ref: IamRoleRef,
    force: boolean,
    seen: AwsCredentials | undefined,
    {neededFor}: CredentialRequest,
  ): Promise<AwsCredentials> {
    // The session first, outside the role's lock: it may wait on an MFA prompt (its own lock waits long).
    const request = {neededFor, project: ref.project, userType: ref.userType}
    let caller = await deps.sessions.session(request)
    return withLock(iamRoleLockPath(deps.lockDir, ref), async () => {
      const cached = await readCachedCredentials(deps.store, ref)
      if (usableAfterLock(cached, seen, force, deps)) return cached

      let creds: AwsCredentials
      try {
        creds = await assume(ref, caller)
      } catch (error) {
        // A cached MFA session AWS no longer accepts (revoked, expired early): one new session, then once more.
        if (!caller.mfa || !/ExpiredToken|InvalidClientTokenId/.test(awsErrorName(error)))
          throw translate(ref, error, neededFor)
        caller = await deps.sessions.session(request, {forceRefresh: true})
        try {
          creds = await assume(ref, caller)
        } catch (retryError) {
          throw translate(ref, retryError, neededFor)
        }
      }

      await writeCachedCredentials(deps.store, ref, creds)
      return creds
    })
  }

  async function assume(ref: IamRoleRef, caller: Awaited<ReturnType<MfaSessions['session']>>) {
    const out = await deps.sts.assumeRole(caller.credentials, {
      durationSeconds: ASSUME_ROLE_SECONDS,
      roleArn: roleArn(ref),
      roleSessionName: roleSessionName(caller.keys.userArn),
    })
    return {...out, obtainedAt: deps.clock.now()}
  }

  function translate(ref: IamRoleRef, error: unknown, neededFor: string | undefined): Error {
    const name = awsErrorName(error)
    if (/AccessDenied|NoSuchEntity|ValidationError/.test(name)) {
      const from = ref.source ? ` The role comes from ${ref.source}.` : ''
      return new AwsRefusedError(
        `AWS refused AssumeRole into ${roleArn(ref)} (role ${ref.role} in account ${describeAccount(ref)}) for the ${ref.userType} IAM user (${name}).${from}`,
        {
          cause: error,
          suggestion:
            `Check that role ${ref.role} exists in account ${ref.accountId} and trusts the ${ref.userType} IAM user` +
            `${ref.source ? `, or set the role in ${ref.source} or terrace.json "roles"` : ''}.`,
        },
      )
    }

    if (/InvalidClientTokenId|SignatureDoesNotMatch/.test(name)) {
      return new AwsRefusedError(`AWS does not accept the stored ${ref.userType} IAM user keys (${name}).`, {
        cause: error,
        suggestion: `Store working keys with \`${configureCommand(ref.userType)} --overwrite\`.`,
      })
    }

    return toTerraceError(error, {
      endpoint: endpointFor('sts', stsRegion(deps.env), deps.env),
      neededFor,
      what: `assuming role ${ref.role} in account ${describeAccount(ref)}`,
    })
  }

  return singleFlightSource(deps, {
    key: (ref) => iamRoleLockPath('', ref),
    read: (ref) => readCachedCredentials(deps.store, ref),
    refresh,
  })
}
