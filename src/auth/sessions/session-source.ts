/**
 * Credentials of a workspace session (a CredentialSource<SessionRef>), link by link from its root:
 *   sso       the SSO role's credentials (the SSO source: the same login, cache and renewal a project uses)
 *   iam-user  a GetSessionToken session made with the session's keys from the vault (with the MFA code when the
 *             session has an MFA device), cached in the vault for its life: one MFA prompt per expiry
 *   assume    AssumeRole with the previous link's credentials (a chained session stacked on its parent's source,
 *             at any depth), cached in the vault under the TTL rules; a hop is shown as `[i/n] <arn>` when called
 * The MFA code is asked at most once, at the start of the chain (the IAM user's session carries MFA to every hop).
 * Every link has its own cross-process lock and cache entry keyed by its session id, so a parent's credentials are
 * shared by its chained children and by the parent served on its own.
 */
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {Clock} from '../../lib/clock.js'
import type {SessionLink, SessionRef, SsoRoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials, CredentialSource} from '../credentials/types.js'
import type {MfaCodeSource} from '../iam/mfa-code.js'
import type {StsPort} from '../iam/sts-port.js'

import {AwsRefusedError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {sessionCredentialsEntry} from '../../vault/entries.js'
import {awsErrorName, endpointFor, isUnreachable, toTerraceError} from '../aws-errors.js'
import {CHAINED_DURATION_SECONDS} from '../chains/chain-source.js'
import {parseCachedCredentials, readCachedCredentials, writeCachedCredentials} from '../credentials/credential-cache.js'
import {singleFlightSource, usableAfterLock} from '../credentials/single-flight.js'
import {SESSION_MARGIN_MS, sessionTokenWithMfa} from '../iam/mfa-session.js'
import {stsRegion} from '../iam/sts-port.js'
import {requireSessionKeys} from './session-keys.js'

export interface SessionSourceDeps {
  clock: Clock
  /** MFA codes by the run's policy (asked at most once per process: see credential-root.ts) */
  codes: MfaCodeSource
  env: NodeJS.ProcessEnv
  lockDir: string
  /** GetSessionToken's DurationSeconds for IAM user sessions (mfaSessionDurationSeconds) */
  mfaSessionSeconds: number
  /** one line to the user (stderr): "wrong code, try again" */
  notice(message: string): void
  /** a progress line (`[2/3] arn:aws:iam::…`); called only when a hop is actually called */
  progress(line: string): void
  /** records when the credentials just obtained for a session expire (lib/session-records.ts); never throws */
  recordExpiry?(sessionId: string, expiresAt: number): Promise<void>
  /** the SSO role source of the run */
  sso: CredentialSource<SsoRoleRef>
  store: SecretStore
  sts: StsPort
  ttlMs: number
}

/** A process waiting for another one's MFA prompt waits this long for the lock. */
const PROMPT_LOCK_TIMEOUT_MS = 10 * 60 * 1000

export function sessionLockPath(lockDir: string, sessionId: string): string {
  return join(lockDir, `session-${createHash('sha256').update(sessionId).digest('hex').slice(0, 16)}.lock`)
}

/** The SSO role an SSO link stands for, as the SSO source takes it. Pure. */
export function ssoRefOfLink(link: Extract<SessionLink, {kind: 'sso'}>, name: string): SsoRoleRef {
  return {
    account: link.accountName,
    accountId: link.accountId,
    kind: 'sso',
    role: link.role,
    source: `session ${name}`,
    ssoRegion: link.ssoRegion,
    startUrl: link.startUrl,
  }
}

/** A ref being walked: `hops` is the AssumeRole count of the session asked for (the `n` of `[i/n]`). */
type Walk = SessionRef & {hops?: number}

/** The ref of the session whose last link is links[index] (the chain up to it). Pure. */
const prefix = (ref: Walk, index: number): Walk => ({
  ...ref,
  hops: ref.hops ?? ref.links.length - 1,
  links: ref.links.slice(0, index + 1),
})

export function createSessionSource(deps: SessionSourceDeps): CredentialSource<SessionRef> {
  const inFlight = new Map<string, Promise<AwsCredentials>>()

  /** An IAM user link: the cached GetSessionToken session while it has more than a few minutes left. */
  function iamUserSession(ref: SessionRef, link: Extract<SessionLink, {kind: 'iam-user'}>, force: boolean) {
    const key = `${force}|${link.id}`
    let running = inFlight.get(key)
    if (!running) {
      running = obtainIamUserSession(ref, link, force).finally(() => inFlight.delete(key))
      inFlight.set(key, running)
    }

    return running
  }

  /** Handed out now: whoever asks gets at most the TTL before asking again (the session itself lives longer). */
  const handedOut = (creds: AwsCredentials): AwsCredentials => ({...creds, obtainedAt: deps.clock.now()})
  const usable = (creds: AwsCredentials | undefined): creds is AwsCredentials =>
    creds !== undefined && creds.expiration - deps.clock.now() > SESSION_MARGIN_MS
  const readSession = async (id: string) => {
    const raw = await deps.store.get(sessionCredentialsEntry(id))
    return raw === undefined ? undefined : parseCachedCredentials(raw)
  }

  async function obtainIamUserSession(
    ref: SessionRef,
    link: Extract<SessionLink, {kind: 'iam-user'}>,
    force: boolean,
  ): Promise<AwsCredentials> {
    const seen = await readSession(link.id)
    if (!force && usable(seen)) return handedOut(seen)
    return withLock(
      sessionLockPath(deps.lockDir, link.id),
      async () => {
        const cached = await readSession(link.id)
        const renewedMeanwhile = cached !== undefined && cached.accessKeyId !== seen?.accessKeyId
        if (usable(cached) && (!force || renewedMeanwhile)) return handedOut(cached)
        const name = ref.links.length === 1 ? ref.name : `${ref.name}'s root`
        const keys = await requireSessionKeys(deps.store, link.id, name)
        const labels = {
          keysFix: `terrace session remove ${ref.name}\` and \`terrace session add iam-user`,
          whose: `the access keys of session ${name}`,
        }
        let creds: AwsCredentials
        if (link.mfaSerial) {
          creds = await sessionTokenWithMfa(
            {...deps, durationSeconds: deps.mfaSessionSeconds},
            {...keys, mfaSerial: link.mfaSerial},
            link.mfaSerial,
            labels,
          )
        } else {
          try {
            const out = await deps.sts.getSessionToken(keys, {durationSeconds: deps.mfaSessionSeconds})
            creds = {...out, obtainedAt: deps.clock.now()}
          } catch (error) {
            throw refused(
              error,
              `getting a session token with ${labels.whose}`,
              `Check that the access key is still active, or run \`${labels.keysFix}\` to store working keys.`,
            )
          }
        }

        await deps.store.set(sessionCredentialsEntry(link.id), JSON.stringify(creds))
        return handedOut(creds)
      },
      {timeoutMs: PROMPT_LOCK_TIMEOUT_MS},
    )
  }

  function refused(error: unknown, what: string, suggestion: string): Error {
    if (isUnreachable(error)) return toTerraceError(error, {endpoint: stsEndpoint(), what})
    const name = awsErrorName(error)
    return new AwsRefusedError(`AWS refused ${what}: ${name || 'error'}: ${(error as Error)?.message ?? error}`, {
      cause: error,
      suggestion,
    })
  }

  const stsEndpoint = () => endpointFor('sts', stsRegion(deps.env), deps.env)

  /** An assume link: AssumeRole with the previous link's credentials, cached under the TTL rules. */
  const assumed = singleFlightSource<SessionRef>(deps, {
    key: (ref) => ref.links.at(-1)!.id,
    read: (ref) => readCachedCredentials(deps.store, ref),
    async refresh(ref, force, seen) {
      const index = ref.links.length - 1
      const link = ref.links[index] as Extract<SessionLink, {kind: 'assume'}>
      return withLock(
        sessionLockPath(deps.lockDir, link.id),
        async () => {
          const cached = await readCachedCredentials(deps.store, ref)
          if (usableAfterLock(cached, seen, force, deps)) return cached
          const caller = await linkCredentials(ref, index - 1, false)
          // the root is never an AssumeRole: link i is hop i
          const [hop, hops] = [index, (ref as Walk).hops ?? index]
          deps.progress(`[${hop}/${hops}] ${link.roleArn}`)
          let creds: AwsCredentials
          try {
            const out = await deps.sts.assumeRole(caller, {
              durationSeconds: CHAINED_DURATION_SECONDS,
              ...(link.externalId ? {externalId: link.externalId} : {}),
              roleArn: link.roleArn,
              roleSessionName: link.roleSessionName,
            })
            creds = {...out, obtainedAt: deps.clock.now()}
          } catch (error) {
            throw refused(
              error,
              `hop ${hop}/${hops} (${link.roleArn}) of session ${ref.name}`,
              `Check that the ${hop === 1 ? "root session's identity" : 'previous hop'} may assume ${link.roleArn} (its trust policy, its external id, MFA if the role requires it).`,
            )
          }

          await writeCachedCredentials(deps.store, ref, creds)
          return creds
        },
        {timeoutMs: PROMPT_LOCK_TIMEOUT_MS},
      )
    },
  })

  /** The credentials of the session ending at links[index]. */
  function linkCredentials(ref: Walk, index: number, force: boolean): Promise<AwsCredentials> {
    const link = ref.links[index]
    switch (link.kind) {
      case 'assume': {
        return assumed.get(prefix(ref, index), {forceRefresh: force})
      }

      case 'iam-user': {
        return iamUserSession(prefix(ref, index), link, force)
      }

      case 'sso': {
        return deps.sso.get(ssoRefOfLink(link, ref.name), {forceRefresh: force})
      }
    }
  }

  return {
    async get(ref, options = {}) {
      const creds = await linkCredentials(ref, ref.links.length - 1, Boolean(options.forceRefresh))
      await deps.recordExpiry?.(ref.links.at(-1)!.id, creds.expiration)
      return creds
    },
  }
}
