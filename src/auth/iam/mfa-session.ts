/**
 * The GetSessionToken-with-MFA session of a project's IAM user, cached in the vault (entry
 * `mfa-session:<project>/<type>`) for its lifetime (10 h by default). It is what assumes the project's roles, so
 * the MFA code is asked only when the session is missing or expired, at most once per terrace process (an
 * in-process promise), and once across concurrent processes (a lock; the others wait and read the session).
 * A wrong code is asked again, up to 3 attempts; then MfaError (exit 7) and nothing is cached.
 */
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {Clock} from '../../lib/clock.js'
import type {IamUserType} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials} from '../credentials/types.js'
import type {IamUserKeys} from './iam-user-store.js'
import type {MfaCodeSource} from './mfa-code.js'
import type {StsPort} from './sts-port.js'

import {AwsRefusedError, MfaError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {DEFAULT_MFA_SESSION_SECONDS, terraceEnv} from '../../lib/terrace-env.js'
import {mfaSessionEntry} from '../../vault/entries.js'
import {awsErrorName, endpointFor, toTerraceError} from '../aws-errors.js'
import {parseCachedCredentials} from '../credentials/credential-cache.js'
import {configureCommand, requireIamUser} from './iam-user-store.js'
import {stsRegion} from './sts-port.js'

export {DEFAULT_MFA_SESSION_SECONDS, MAX_MFA_SESSION_SECONDS, MIN_MFA_SESSION_SECONDS} from '../../lib/terrace-env.js'
export const MFA_ATTEMPTS = 3
/** A session closer than this to its end is renewed (an AssumeRole made with it must still succeed). */
export const SESSION_MARGIN_MS = 5 * 60 * 1000
/** A process waiting for another one's MFA prompt waits this long for the lock. */
const PROMPT_LOCK_TIMEOUT_MS = 10 * 60 * 1000

/**
 * The session lifetime: TERRACE_MFA_SESSION_DURATION (seconds), else terrace.json's mfaSessionDurationSeconds, else
 * 10 h. Outside 900..129600 → ConfigError (exit 4).
 */
export function mfaSessionDurationSeconds(env: NodeJS.ProcessEnv, fromSettings: null | number | undefined): number {
  return terraceEnv(env).mfaSessionSeconds() ?? fromSettings ?? DEFAULT_MFA_SESSION_SECONDS
}

export interface MfaSessionDeps {
  clock: Clock
  codes: MfaCodeSource
  /** GetSessionToken's DurationSeconds (see mfaSessionDurationSeconds) */
  durationSeconds: number
  env: NodeJS.ProcessEnv
  lockDir: string
  /** one line to the user (stderr): "wrong code, try again" */
  notice(message: string): void
  store: SecretStore
  sts: StsPort
}

export interface MfaSessionRequest {
  /** what the session is for, named when the user's keys are missing (CredentialRequest.neededFor) */
  neededFor?: string
  project: string
  userType: IamUserType
}

/** What assumes the project's roles for one IAM user. */
export interface CallerCredentials {
  /** the MFA session, or the long-term keys when the user has no MFA device configured */
  credentials: AwsCredentials
  keys: IamUserKeys
  /** true: an MFA session (the roles see MFA); false: the user's long-term keys */
  mfa: boolean
}

export interface MfaSessions {
  /** the caller credentials; forceRefresh drops a cached session AWS no longer accepts (asks for a new code) */
  session(request: MfaSessionRequest, options?: {forceRefresh?: boolean}): Promise<CallerCredentials>
}

export function mfaSessionLockPath(lockDir: string, request: MfaSessionRequest): string {
  const key = `${request.project}|${request.userType}`
  return join(lockDir, `mfa-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`)
}

const sessionFresh = (creds: AwsCredentials, now: number): boolean => creds.expiration - now > SESSION_MARGIN_MS

async function readSession(store: SecretStore, request: MfaSessionRequest): Promise<AwsCredentials | undefined> {
  const raw = await store.get(mfaSessionEntry(request.project, request.userType))
  return raw === undefined ? undefined : parseCachedCredentials(raw)
}

const sessions = new WeakMap<MfaSessionDeps, MfaSessions>()

/** mfaSession(deps, request): the in-process state lives with deps, so one deps object = one process's sessions. */
export function mfaSession(
  deps: MfaSessionDeps,
  request: MfaSessionRequest,
  options?: {forceRefresh?: boolean},
): Promise<CallerCredentials> {
  let s = sessions.get(deps)
  if (!s) {
    s = createMfaSessions(deps)
    sessions.set(deps, s)
  }

  return s.session(request, options)
}

export function createMfaSessions(deps: MfaSessionDeps): MfaSessions {
  const inFlight = new Map<string, Promise<CallerCredentials>>()
  /** an MFA failure is final for this process: nobody is asked three more times by the next profile */
  const failed = new Map<string, unknown>()

  async function obtain(request: MfaSessionRequest, force: boolean): Promise<CallerCredentials> {
    const keys = await requireIamUser(deps.store, request.project, request.userType, request.neededFor)
    const longTerm: AwsCredentials = {
      accessKeyId: keys.accessKeyId,
      expiration: Number.MAX_SAFE_INTEGER,
      obtainedAt: keys.storedAt,
      secretAccessKey: keys.secretAccessKey,
    }
    // Without an MFA device a session from plain GetSessionToken adds nothing (roles that require MFA refuse it
    // as they refuse the keys, and GetSessionToken credentials cannot call IAM): the long-term keys assume the
    // roles directly.
    if (!keys.mfaSerial) return {credentials: longTerm, keys, mfa: false}
    const serial = keys.mfaSerial

    const seen = await readSession(deps.store, request)
    if (!force && seen && sessionFresh(seen, deps.clock.now())) return {credentials: seen, keys, mfa: true}

    return withLock(
      mfaSessionLockPath(deps.lockDir, request),
      async () => {
        const cached = await readSession(deps.store, request)
        const renewedMeanwhile = cached !== undefined && cached.accessKeyId !== seen?.accessKeyId
        if (cached && sessionFresh(cached, deps.clock.now()) && (!force || renewedMeanwhile)) {
          return {credentials: cached, keys, mfa: true}
        }

        const creds = await sessionTokenWithMfa(deps, keys, serial, {
          keysFix: `${configureCommand(request.userType)} --overwrite`,
          neededFor: request.neededFor,
          whose: `the stored ${request.userType} IAM user keys of project ${request.project}`,
        })
        await deps.store.set(mfaSessionEntry(request.project, request.userType), JSON.stringify(creds))
        return {credentials: creds, keys, mfa: true}
      },
      {timeoutMs: PROMPT_LOCK_TIMEOUT_MS},
    )
  }

  return {
    session(request, options = {}) {
      const force = Boolean(options.forceRefresh)
      const key = `${request.project}|${request.userType}`
      if (failed.has(key)) return Promise.reject(failed.get(key))
      const running = inFlight.get(key)
      if (running) return running
      const pending = obtain(request, force)
        .catch((error: unknown) => {
          if (error instanceof MfaError) failed.set(key, error)
          throw error
        })
        .finally(() => inFlight.delete(key))
      inFlight.set(key, pending)
      return pending
    },
  }
}

/** What GetSessionToken's errors name: whose keys, and the command that stores working ones. */
export interface SessionTokenLabels {
  /** the command that replaces refused keys */
  keysFix: string
  /** what the session is for, named in a network error (CredentialRequest.neededFor) */
  neededFor?: string
  /** `the security IAM user keys of project bb` */
  whose: string
}

/**
 * GetSessionToken with an MFA code from deps.codes (asked again after a refused code, up to MFA_ATTEMPTS; then
 * MfaError, exit 7); keys AWS refuses: AwsRefusedError (exit 6) naming labels.keysFix.
 */
export async function sessionTokenWithMfa(
  deps: Pick<MfaSessionDeps, 'clock' | 'codes' | 'durationSeconds' | 'env' | 'notice' | 'sts'>,
  keys: IamUserKeys,
  serial: string,
  labels: SessionTokenLabels,
): Promise<AwsCredentials> {
  const what = `getting an MFA session with ${labels.whose}`
  const endpoint = endpointFor('sts', stsRegion(deps.env), deps.env)
  for (let attempt = 1; attempt <= MFA_ATTEMPTS; attempt++) {
    const tokenCode = await deps.codes.code(serial, attempt)
    try {
      const out = await deps.sts.getSessionToken(keys, {
        durationSeconds: deps.durationSeconds,
        mfa: {serialNumber: serial, tokenCode},
      })
      return {...out, obtainedAt: deps.clock.now()}
    } catch (error) {
      const name = awsErrorName(error)
      if (/AccessDenied/.test(name)) {
        if (attempt < MFA_ATTEMPTS) {
          deps.notice(`That MFA code was not accepted; try again (attempt ${attempt + 1} of ${MFA_ATTEMPTS}).`)
          continue
        }

        throw new MfaError(`MFA failed: AWS refused ${MFA_ATTEMPTS} codes for ${serial}.`, {
          cause: error,
          suggestion: `Check the device's clock and that ${serial} is the device of ${keys.userArn}; then run the command again.`,
        })
      }

      if (/InvalidClientTokenId|SignatureDoesNotMatch/.test(name)) {
        throw new AwsRefusedError(`AWS does not accept ${labels.whose} (${name}).`, {
          cause: error,
          suggestion: `Store working keys with \`${labels.keysFix}\`.`,
        })
      }

      throw toTerraceError(error, {endpoint, neededFor: labels.neededFor, what})
    }
  }

  throw new MfaError('MFA failed.') // not reached: the loop returns or throws
}
