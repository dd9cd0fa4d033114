import type {SecretStore} from './secret-store.js'

import {VaultError} from '../lib/errors.js'

/** The part of keytar terrace uses (keytar is an optional dependency, loaded lazily). */
export type KeytarApi = {
  deletePassword(service: string, account: string): Promise<boolean>
  findCredentials(service: string): Promise<Array<{account: string; password: string}>>
  getPassword(service: string, account: string): Promise<null | string>
  setPassword(service: string, account: string, password: string): Promise<void>
}

export const KEYCHAIN_SERVICE = 'terrace'

const INSTALL_HINT =
  'On Linux the OS keychain needs libsecret and a running Secret Service (GNOME Keyring, KWallet): ' +
  'install libsecret-1-0 (and libsecret-1-dev + build tools to rebuild keytar: npm rebuild keytar), ' +
  'or use the encrypted file vault: TERRACE_VAULT=file with TERRACE_VAULT_PASSPHRASE.'

/** Import keytar; a missing or unbuildable native module becomes a VaultError (exit 8) that says how to fix it. */
export async function loadKeytar(): Promise<KeytarApi> {
  try {
    // a variable specifier: a build without the optional keytar package must still type-check and bundle
    const specifier = 'keytar'
    const mod = (await import(specifier)) as KeytarApi & {default?: KeytarApi}
    const api = mod.default ?? mod
    if (typeof api.getPassword !== 'function') throw new TypeError('keytar has no getPassword export')
    return api
  } catch (error) {
    throw new VaultError(`The OS keychain is unavailable: keytar/libsecret could not be loaded (${messageOf(error)})`, {
      cause: error,
      suggestion: INSTALL_HINT,
    })
  }
}

export function keychainDescription(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'OS keychain (macOS Keychain)'
  if (platform === 'win32') return 'OS keychain (Windows Credential Manager)'
  return 'OS keychain (Secret Service)'
}

/** SecretStore over the OS keychain; every entry lives under one service name ("terrace"). */
export class KeychainStore implements SecretStore {
  readonly description: string
  readonly kind = 'keychain' as const
  private readonly keytar: KeytarApi
  private readonly service: string

  constructor(keytar: KeytarApi, options: {description?: string; service?: string} = {}) {
    this.keytar = keytar
    this.service = options.service ?? KEYCHAIN_SERVICE
    this.description = options.description ?? keychainDescription()
  }

  async delete(account: string): Promise<boolean> {
    return this.call('delete', account, () => this.keytar.deletePassword(this.service, account))
  }

  async get(account: string): Promise<string | undefined> {
    const secret = await this.call('read', account, () => this.keytar.getPassword(this.service, account))
    return secret ?? undefined
  }

  async list(prefix = ''): Promise<string[]> {
    const found = await this.call('list', prefix, () => this.keytar.findCredentials(this.service))
    return found
      .map((c) => c.account)
      .filter((account) => account.startsWith(prefix))
      .sort()
  }

  async set(account: string, secret: string): Promise<void> {
    await this.call('write', account, () => this.keytar.setPassword(this.service, account, secret))
  }

  private async call<T>(what: string, account: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (error) {
      throw new VaultError(`The OS keychain failed to ${what} "${account}": ${messageOf(error)}`, {
        cause: error,
        suggestion: keychainFix(error),
      })
    }
  }
}

/** The fix for a keychain failure, from its message ("Cannot autolaunch D-Bus without X11 $DISPLAY", …). */
export function keychainFix(error: unknown): string {
  const message = messageOf(error)
  if (/d-bus|dbus|could not connect|secret service|org\.freedesktop/i.test(message)) {
    return (
      'No Secret Service answers on this session bus: start one (e.g. gnome-keyring-daemon under a D-Bus session), ' +
      'or use the encrypted file vault: TERRACE_VAULT=file with TERRACE_VAULT_PASSPHRASE.'
    )
  }

  if (/locked|cancel|dismiss|denied/i.test(message)) {
    return 'Unlock the keychain (or allow terrace to use it) and retry, or use TERRACE_VAULT=file with TERRACE_VAULT_PASSPHRASE.'
  }

  return 'Check the OS keychain, or use the encrypted file vault: TERRACE_VAULT=file with TERRACE_VAULT_PASSPHRASE.'
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
