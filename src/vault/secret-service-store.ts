/**
 * The OS keychain on Linux, read without keytar: reads go straight to the Secret Service over D-Bus
 * (secret-service/secret-service-reader.ts), everything else (writes, deletes, listing) and any read the reader
 * cannot answer (a locked item, a D-Bus failure) goes to keytar, loaded on first need. The entries are keytar's
 * own, so both clients see the same keychain. This keeps keytar (slow to import and slower on its first
 * call) off the warm paths of `terrace exec` and `terrace credential-process`.
 */
import type {SecretStore} from './secret-store.js'

import {terraceEnv} from '../lib/terrace-env.js'
import {KEYCHAIN_SERVICE, keychainDescription, KeychainStore, loadKeytar} from './keychain-store.js'
import {type LookupResult, SecretServiceReader} from './secret-service/secret-service-reader.js'

/** The schema keytar's libsecret backend stores its passwords under (libsecret adds it as `xdg:schema`). */
const KEYTAR_SCHEMA = 'org.freedesktop.Secret.Generic'

export interface SecretLookup {
  lookup(attributes: Record<string, string>): Promise<LookupResult>
}

export class SecretServiceStore implements SecretStore {
  readonly description = keychainDescription('linux')
  readonly kind = 'keychain' as const
  private fallback: Promise<SecretStore> | undefined
  private readonly openFallback: () => Promise<SecretStore>
  private readonly reader: SecretLookup
  private readonly service: string

  constructor(reader: SecretLookup, options: {openFallback?: () => Promise<SecretStore>; service?: string} = {}) {
    this.reader = reader
    this.service = options.service ?? KEYCHAIN_SERVICE
    const {service} = this
    this.openFallback = options.openFallback ?? (async () => new KeychainStore(await loadKeytar(), {service}))
  }

  async delete(account: string): Promise<boolean> {
    return (await this.keytarStore()).delete(account)
  }

  async get(account: string): Promise<string | undefined> {
    let found: LookupResult | undefined
    try {
      found = await this.reader.lookup({account, service: this.service, 'xdg:schema': KEYTAR_SCHEMA})
    } catch {
      found = undefined // the reader failed: keytar reports what is wrong, or answers
    }

    if (found?.state === 'found') return found.secret
    if (found?.state === 'missing') return undefined
    return (await this.keytarStore()).get(account)
  }

  async list(prefix?: string): Promise<string[]> {
    return (await this.keytarStore()).list(prefix)
  }

  async set(account: string, secret: string): Promise<void> {
    await (await this.keytarStore()).set(account, secret)
  }

  private async keytarStore(): Promise<SecretStore> {
    this.fallback ??= this.openFallback()
    return this.fallback
  }
}

/**
 * How secrets cross the session bus: plain (the default) or, with TERRACE_KEYCHAIN_TRANSFER=encrypted,
 * Diffie-Hellman + AES-128 as libsecret does. Plain is what go-keyring (the GitHub CLI's keychain client) uses: the
 * bus is the user's own, and any process that could watch it could ask the Secret Service for the item anyway.
 * Encryption adds node:crypto and two 1024-bit exponentiations (plus the service's own) to every
 * credential_process call.
 */
export function transferEncrypted(env: NodeJS.ProcessEnv): boolean {
  return terraceEnv(env).keychainTransfer === 'encrypted'
}

/** Is the direct reader to be tried here? Linux (and other Secret Service systems), unless TERRACE_KEYCHAIN_DIRECT=0. */
export function directReadsEnabled(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return false
  return terraceEnv(env).keychainDirect
}

/**
 * The keychain through the direct reader, or undefined when the session bus or the Secret Service is not there
 * (or does not answer within timeoutMs): the caller then tries keytar, which reports why.
 */
export async function openSecretServiceStore(
  env: NodeJS.ProcessEnv,
  options: {service?: string; timeoutMs: number},
): Promise<SecretServiceStore | undefined> {
  try {
    const reader = await SecretServiceReader.connect(env, {
      encrypted: transferEncrypted(env),
      timeoutMs: options.timeoutMs,
    })
    return new SecretServiceStore(reader, {service: options.service})
  } catch {
    return undefined
  }
}
