/**
 * The keychain probe, light to import (no file vault, no prompts): openVault (select.ts) uses it, and so does the
 * credential-process fast path, which must not load the rest. Every keychain read and write goes through keytar.
 */
import type {SecretStore} from './secret-store.js'

import {VaultError} from '../lib/errors.js'
import {KEYCHAIN_SERVICE, keychainFix, KeychainStore, type KeytarApi, loadKeytar, messageOf} from './keychain-store.js'

export const DEFAULT_PROBE_TIMEOUT_MS = 1500
/** The entry the probe reads (it need not exist: a real round trip to the keychain is what counts). */
export const PROBE_ACCOUNT = 'terrace-probe'

export interface ProbeOptions {
  /** Keychain service name; tests use their own. Default "terrace". */
  keychainService?: string
  /** How keytar is loaded; tests pass a fake (and then keytar is always what is probed). Default: the real one. */
  loadKeytar?: () => Promise<KeytarApi>
  /** How long the probe may take before the keychain counts as unusable. Default 1500 ms. */
  probeTimeoutMs?: number
}

type ProbeResult = {error?: unknown; reason: string; suggestion: string} | {store: SecretStore}

/**
 * Is the keychain there? A real read through keytar, bounded by probeTimeoutMs (keytar can hang when no Secret
 * Service answers).
 */
export async function probeKeychain(options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS
  const service = options.keychainService ?? KEYCHAIN_SERVICE
  const load = options.loadKeytar ?? loadKeytar

  const attempt = (async () => {
    const keytar = await load()
    await keytar.getPassword(service, PROBE_ACCOUNT)
    return new KeychainStore(keytar, {service})
  })()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([attempt, timeout])
    if (outcome === 'timeout') {
      attempt.catch(() => {})
      return {
        reason: `it did not answer within ${timeoutMs} ms`,
        suggestion: keychainFix(new Error('Secret Service did not answer')),
      }
    }

    return {store: outcome}
  } catch (error) {
    const suggestion = error instanceof VaultError && error.suggestion ? error.suggestion : keychainFix(error)
    return {error, reason: messageOf(error), suggestion}
  } finally {
    clearTimeout(timer)
  }
}
