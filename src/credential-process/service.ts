/**
 * `terrace credential-process --profile <name>`: the credentials of a terrace-managed profile, for AWS tools'
 * `credential_process`. Called many times at once by parallel tools, so the warm path is lean: the profile
 * registry, the vault and the cached entry, nothing else (no oclif, no AWS SDK). Only a cache miss loads the
 * refresh machinery (cold-path.ts), which loads the SDK. Never prompts. terrace's agent is asked first (and started
 * on demand with TERRACE_AGENT=auto): it answers from memory in one round trip; when it does not, the direct path
 * below gives the same answer.
 */
import {join} from 'node:path'

import type {WireRef} from '../agent/role-ref-params.js'
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {RoleRef} from '../lib/role-refs.js'
import type {SecretStore} from '../vault/secret-store.js'

import {agentCredentialClient} from '../agent/credentials-client.js'
import {readCachedCredentials} from '../auth/credentials/credential-cache.js'
import {type ManagedProfile, readProfileRegistry} from '../auth/credentials/profile-registry.js'
import {credentialTtlMs, isFresh} from '../auth/credentials/ttl.js'
import {ConfigError} from '../lib/errors.js'
import {homePaths} from '../lib/paths.js'
import {terraceEnv} from '../lib/terrace-env.js'
import {missingPassphraseError} from '../vault/missing-passphrase.js'
import {credentialProcessJson} from './output.js'

export interface CredentialProcessOptions {
  env: NodeJS.ProcessEnv
  /** where the vault's one-line notices go (stderr) */
  notice(message: string): void
  /** a terrace-managed profile (`aws configure sso`); or */
  profile?: string
  /** a workspace session, by id or name (`terrace session start` writes profiles that run this) */
  session?: string
  /**
   * opens the vault the caller's way (the fast path's keychain; undefined when it did not answer); else (or when it
   * gives undefined) the vault is opened here, without prompting
   */
  store?: () => Promise<SecretStore | undefined>
}

/** The Version 1 JSON for the profile. Throws ConfigError (4), NotLoggedInError (5), AwsRefusedError (6)… */
export async function credentialProcess(options: CredentialProcessOptions): Promise<string> {
  const {env} = options
  const ttlMs = credentialTtlMs(env)
  const paths = homePaths(env)
  // terrace's agent answers from memory; when it is not asked (TERRACE_AGENT=off and none runs), the keychain is
  // opened while the registry (or the workspace) is read
  const agent = agentCredentialClient({env, home: paths.root})
  const asked = agent.mayAsk()
  const opening = asked ? undefined : options.store?.()
  opening?.catch(() => {})
  // a workspace session (by the id `session start` writes) or a managed profile is named to the agent as given: a
  // running agent reads the workspace or the profile registry, so this process reads nothing before its one round
  // trip. When none answers, the name is looked up here first: a name that names nothing starts no agent.
  const byName: WireRef =
    options.session === undefined
      ? {kind: 'profile', profile: options.profile ?? ''}
      : {kind: 'session', session: options.session}
  const held = async (ref: WireRef, start: boolean) => {
    const served = await agent.credentials(ref, {start})
    return served && isFresh(served, Date.now(), ttlMs) ? served : undefined
  }

  // a running agent only: none is started for a name, which may name nothing
  const fromAgent = asked && agent.running() ? await held(byName, false) : undefined
  if (fromAgent) return credentialProcessJson(fromAgent, ttlMs)
  const ref = await roleRefOf(options, paths.config)
  // the name names something: with TERRACE_AGENT=auto this request starts an agent when none answered (or asks the
  // one that did once more), for the next ones to find warm
  const started = asked ? await held(options.session === undefined ? ref : byName, true) : undefined
  if (started) return credentialProcessJson(started, ttlMs)

  const store =
    (await (opening ?? options.store?.())) ?? (await openNonInteractiveVault(env, paths.root, options.notice))
  let creds: AwsCredentials | undefined = await readCachedCredentials(store, ref)
  if (!creds || !isFresh(creds, Date.now(), ttlMs)) {
    const {refreshCredentials} = await import('./cold-path.js')
    creds = await refreshCredentials({env, lockDir: join(paths.cache, 'locks'), ref, store})
  }

  return credentialProcessJson(creds, ttlMs)
}

/** The role of the managed profile or workspace session the options name; ConfigError (4) when none has it. */
async function roleRefOf(options: CredentialProcessOptions, configDir: string): Promise<RoleRef> {
  if (options.session === undefined) return (await managedProfile(configDir, options.profile ?? '')).ref
  return (await import('../workspace/session-ref-of.js')).sessionRefOf(options.env, options.session)
}

async function managedProfile(configDir: string, name: string): Promise<ManagedProfile> {
  const profiles = await readProfileRegistry(configDir)
  const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined
  if (!profile) {
    throw new ConfigError(`"${name}" is not a terrace-managed profile.`, {
      suggestion: 'Run `terrace aws configure sso` in your project to write its profiles, then use one of those names.',
    })
  }

  return profile
}

/**
 * The vault, without ever prompting: a file vault lacking TERRACE_VAULT_PASSPHRASE is the agent's when it is
 * unlocked there, else exit 8 (vault).
 */
async function openNonInteractiveVault(
  env: NodeJS.ProcessEnv,
  home: string,
  notice: (message: string) => void,
): Promise<SecretStore> {
  const settings = terraceEnv(env)
  if (settings.vault() === 'file' && !settings.vaultPassphrase) {
    // unlocked in the agent (terrace vault unlock): its answers, never a prompt
    const {fileVaultInAgent} = await import('../vault/select.js')
    const unlocked = await fileVaultInAgent({env, home})
    if (unlocked) return unlocked
    throw missingPassphraseError(
      home,
      'terrace credential-process never prompts: set TERRACE_VAULT_PASSPHRASE in the environment of the tool that runs credential_process.',
    )
  }

  const {openVault} = await import('../vault/select.js')
  return openVault({env, home, interactive: false, notice})
}
