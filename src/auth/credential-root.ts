/**
 * The one place a command's credential source is composed (the runner, credential-process, `aws sso refresh`):
 * SSO role credentials; the project's IAM user with a GetSessionToken-with-MFA session on top of it and AssumeRole
 * on top of that; chains, AssumeRole hops stacked on their source; workspace sessions (sessions/session-source.ts:
 * an SSO role, an IAM user's GetSessionToken session, AssumeRole stacked on a parent session). Every kind has the
 * same cache and single-flight (credentials/single-flight.ts) and the SSO token's renew-and-retry (sso/with-sso-token.ts).
 *
 * What differs per command is data passed in: how an MFA code is had (MfaPolicy, built by the command), the MFA
 * session lifetime of this run (terrace.json), and whether a child owns the terminal now (the runner). The IAM-user
 * and chain modules load on the first ref of their kind: runs whose roles are all SSO never import them.
 */
import {dirname} from 'node:path'

import type {Clock} from '../lib/clock.js'
import type {SecretStore} from '../vault/secret-store.js'
import type {AwsCredentials, CredentialSource} from './credentials/types.js'
import type {MfaCodeSource, MfaPolicy} from './iam/mfa-code.js'
import type {MfaSessions} from './iam/mfa-session.js'
import type {StsPort} from './iam/sts-port.js'
import type {SsoLogin} from './sso/sso-login.js'
import type {PortalPort} from './sso/types.js'

import {dispatchingSource, lazySource} from './credentials/dispatch-source.js'
import {createSsoCredentialSource} from './credentials/sso-source.js'
import {credentialTtlMs, handOutTiming} from './credentials/ttl.js'

/** What every command has once the vault is open (services.ts createAuthServices, or credential-process's own). */
export interface CredentialBase {
  clock: Clock
  /** TERRACE_HOME/config (chains.json) */
  configDir: string
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME/cache/locks */
  lockDir: string
  portal(region: string): Promise<PortalPort>
  ssoLogin: SsoLogin
  store: SecretStore
}

/** This run's choices, as data. */
export interface CredentialRun {
  mfa: MfaPolicy
  /** terrace.json's mfaSessionDurationSeconds (null: TERRACE_MFA_SESSION_DURATION or the default) */
  mfaSessionSeconds: null | number
  /** progress lines and MFA notices (stderr) */
  stderr: {write(chunk: string): unknown}
  /** tests: STS without the SDK */
  sts?: StsPort
  /** true while a child owns the terminal (the runner): no MFA prompt, no progress lines; never elsewhere */
  terminalBusy?(): boolean
}

export interface ComposedCredentials {
  /** until when a credential is handed out (the TTL, or sooner when AWS's expiry is sooner) */
  expirationOf(creds: AwsCredentials): number
  /** renewed half a stale-margin before the source would call them stale, well before they are handed out expired */
  renewLeadMs: number
  source: CredentialSource
  ssoLogin: SsoLogin
  ttlMs: number
}

export function composeCredentials(base: CredentialBase, run: CredentialRun): ComposedCredentials {
  const {clock, env, lockDir, store} = base
  const ttlMs = credentialTtlMs(env)
  const busy = run.terminalBusy ?? (() => false)
  const sso = createSsoCredentialSource({
    clock,
    env,
    lockDir,
    portal: base.portal,
    ssoLogin: base.ssoLogin,
    store,
    ttlMs,
  })

  // one MFA code source and one set of MFA sessions for the IAM-user roles and the chains: MFA is asked at most
  // once per process
  let opening: Promise<{codes: MfaCodeSource; sessions: MfaSessions; sts: StsPort}> | undefined
  const mfa = () => {
    opening ??= (async () => {
      const [{guardedCodes, mfaCodeSource}, {createMfaSessions, mfaSessionDurationSeconds}, {sdkSts}] =
        await Promise.all([import('./iam/mfa-code.js'), import('./iam/mfa-session.js'), import('./iam/sts-port.js')])
      const sts = run.sts ?? sdkSts(env)
      const codes = guardedCodes(mfaCodeSource(run.mfa), busy)
      const sessions = createMfaSessions({
        clock,
        codes,
        durationSeconds: mfaSessionDurationSeconds(env, run.mfaSessionSeconds),
        env,
        lockDir,
        notice: (message) => run.stderr.write(`${message}\n`),
        store,
        sts,
      })
      return {codes, sessions, sts}
    })()
    return opening
  }

  const iam = lazySource(async () => {
    const [{createIamCredentialSource}, {sessions, sts}] = await Promise.all([import('./iam/iam-source.js'), mfa()])
    return createIamCredentialSource({clock, env, lockDir, sessions, store, sts, ttlMs})
  })
  const chain = lazySource(async () => {
    const [{chainBase}, {createChainSource}, {readChain}, {codes, sessions, sts}] = await Promise.all([
      import('./chains/chain-base.js'),
      import('./chains/chain-source.js'),
      import('./chains/chain-store.js'),
      mfa(),
    ])
    return createChainSource({
      base: chainBase({sessions, sso, store}),
      clock,
      definition: (ref) => readChain(base.configDir, ref.chain, ref.source),
      env,
      lockDir,
      mfaCode: (serial, attempt) => codes.code(serial, attempt),
      progress(line) {
        if (!busy()) run.stderr.write(`${line}\n`)
      },
      store,
      sts,
      ttlMs,
    })
  })

  const session = lazySource(async () => {
    const [{createSessionSource}, {mfaSessionDurationSeconds}, {codes, sts}, records] = await Promise.all([
      import('./sessions/session-source.js'),
      import('./iam/mfa-session.js'),
      mfa(),
      import('../lib/session-records.js'),
    ])
    // lockDir is TERRACE_HOME/cache/locks: the records live beside it, in cache/sessions
    const recordDir = records.sessionRecordDir(dirname(lockDir))
    return createSessionSource({
      clock,
      codes,
      env,
      lockDir,
      mfaSessionSeconds: mfaSessionDurationSeconds(env, run.mfaSessionSeconds),
      notice: (message) => run.stderr.write(`${message}\n`),
      progress(line) {
        if (!busy()) run.stderr.write(`${line}\n`)
      },
      recordExpiry: (id, expiresAt) => records.recordSessionExpiry(recordDir, id, expiresAt),
      sso,
      store,
      sts,
      ttlMs,
    })
  })

  return {
    ...handOutTiming(ttlMs),
    source: dispatchingSource({chain, iam, session, sso}),
    ssoLogin: base.ssoLogin,
    ttlMs,
  }
}
