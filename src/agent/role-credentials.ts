/**
 * Role credentials as the agent serves them: from its memory while they are fresh (the same rule as everywhere:
 * younger than the TTL, at most 30 minutes, and not close to AWS's expiry), else from the one credential source of
 * the composition root (auth/credential-root.ts), so the vault cache, the per-role lock and single-flight hold for
 * the agent as for every other terrace process. Requests for the same role while one is being obtained wait for
 * it: N clients of a cold agent make one GetRoleCredentials per role.
 *
 * The vault it reads and writes is the file vault unlocked in the agent when it is, else the vault opened as a
 * command would without a terminal (the keychain; a file vault needs `vault unlock`). It never hands out the vault
 * or its key: only credentials.
 */
import {join} from 'node:path'

import type {ComposedCredentials} from '../auth/credential-root.js'
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {RoleRef} from '../lib/role-refs.js'
import type {SecretStore} from '../vault/secret-store.js'
import type {AgentLog} from './log.js'
import type {MemoryStore} from './store.js'

import {cacheEntryFor, parseCachedCredentials} from '../auth/credentials/credential-cache.js'
import {credentialTtlMs, isFresh, renewMarginMs} from '../auth/credentials/ttl.js'

export interface AgentRoleCredentialsDeps {
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME */
  home: string
  log: AgentLog
  now(): number
  /** where held credentials live (counted by `agent status` as cachedCredentials) */
  store: MemoryStore
  /** the file vault unlocked in the agent, when it is */
  unlocked(): SecretStore | undefined
}

/** The MemoryStore name credentials for ref are held under. */
export const heldName = (ref: RoleRef): string => `credentials:${cacheEntryFor(ref)}`

/** Until when held credentials may be handed out: while isFresh says so. */
export function heldUntil(creds: AwsCredentials, ttlMs: number): number {
  const margin = renewMarginMs(ttlMs)
  return Math.min(creds.obtainedAt + ttlMs - margin, creds.expiration - margin)
}

export class AgentRoleCredentials {
  private composing: Promise<ComposedCredentials> | undefined
  /** bumped by wipe: what was being obtained before it is not held after it */
  private generation = 0
  private readonly inFlight = new Map<string, Promise<AwsCredentials>>()
  private opening: Promise<SecretStore> | undefined

  constructor(private readonly deps: AgentRoleCredentialsDeps) {}

  /** Credentials for ref: held ones while fresh (unless force), else obtained once for every request waiting. */
  get(ref: RoleRef, force = false): Promise<AwsCredentials> {
    const name = heldName(ref)
    const ttlMs = credentialTtlMs(this.deps.env)
    if (!force) {
      const held = this.deps.store.get(name)
      const creds = held === undefined ? undefined : parseCachedCredentials(held)
      if (creds && isFresh(creds, this.deps.now(), ttlMs)) return Promise.resolve(creds)
    }

    const key = `${force}|${name}`
    const pending = this.inFlight.get(key)
    if (pending) return pending
    const {generation} = this
    const obtaining = (async () => {
      const {source} = await this.composed()
      const creds = await source.get(ref, force ? {forceRefresh: true} : undefined)
      this.deps.log.write('obtained', {
        account: ref.accountId,
        force: force || undefined,
        kind: ref.kind,
        role: ref.role,
      })
      if (generation === this.generation) this.deps.store.set(name, JSON.stringify(creds), heldUntil(creds, ttlMs))
      return creds
    })().finally(() => this.inFlight.delete(key))
    this.inFlight.set(key, obtaining)
    return obtaining
  }

  /**
   * Until when the IAM Identity Center login of startUrl is usable: the stored token, renewed through the refresh
   * grant when close to its end (as a command checks it before its child starts). NotLoggedInError when there is none.
   */
  async loginExpiry(startUrl: string): Promise<number> {
    const {ssoLogin} = await this.composed()
    return (await ssoLogin.accessToken(startUrl)).expiresAt
  }

  /** Forgets the composed source and the opened vault (held credentials live in the store, wiped with it). */
  wipe(): void {
    this.generation++
    this.composing = undefined
    this.opening = undefined
  }

  private async compose(): Promise<ComposedCredentials> {
    const [{composeCredentials}, {mfaPolicy}, {sdkOidc, sdkPortal}, {SsoLogin}, {systemClock}] = await Promise.all([
      import('../auth/credential-root.js'),
      import('../auth/iam/mfa-code.js'),
      import('../auth/sso/sdk-ports.js'),
      import('../auth/sso/sso-login.js'),
      import('../lib/clock.js'),
    ])
    const {env, log} = this.deps
    const lockDir = join(this.deps.home, 'cache', 'locks')
    const store = this.vault()
    const ssoLogin = new SsoLogin({clock: systemClock, env, lockDir, oidc: sdkOidc, store})
    return composeCredentials(
      {clock: systemClock, configDir: join(this.deps.home, 'config'), env, lockDir, portal: sdkPortal, ssoLogin, store},
      {
        // nobody to ask: a cached MFA session, or TERRACE_MFA_CODE in the agent's environment
        mfa: mfaPolicy({env, prompt: null}),
        mfaSessionSeconds: null,
        stderr: {write: () => log.write('credential-notice', {})},
      },
    )
  }

  private composed(): Promise<ComposedCredentials> {
    this.composing ??= this.compose()
    this.composing.catch(() => {
      this.composing = undefined
    })
    return this.composing
  }

  /** The vault of each request: the one unlocked in the agent, else the one a command would open without a terminal. */
  private vault(): SecretStore {
    const current = async (): Promise<SecretStore> => {
      const unlocked = this.deps.unlocked()
      if (unlocked) return unlocked
      this.opening ??= (async () => {
        const {openVault} = await import('../vault/select.js')
        return openVault({
          agent: false,
          env: this.deps.env,
          home: this.deps.home,
          interactive: false,
          notice: () => this.deps.log.write('vault-notice', {}),
        })
      })()
      this.opening.catch(() => {
        this.opening = undefined
      })
      return this.opening
    }

    return {
      delete: async (account) => (await current()).delete(account),
      description: 'the vault of the terrace agent',
      get: async (account) => (await current()).get(account),
      kind: 'file',
      list: async (prefix) => (await current()).list(prefix),
      set: async (account, secret) => (await current()).set(account, secret),
    }
  }
}
