import {rm, stat} from 'node:fs/promises'

import {VaultError} from '../lib/errors.js'
import {LockTimeoutError, withLock} from '../lib/lock.js'
import {fileVaultNoticeMarker, fileVaultPath} from './file-store.js'

/**
 * Deletes the encrypted file vault (and its notice marker) under the vault's lock, so no writer is cut in half.
 * The way out of a forgotten passphrase: every secret in it is lost, and the user logs in again. Returns whether
 * there was a vault to delete.
 */
export async function resetFileVault(home: string, options: {lockTimeoutMs?: number} = {}): Promise<boolean> {
  const path = fileVaultPath(home)
  const exists = await stat(path).then(
    () => true,
    () => false,
  )
  if (!exists) {
    await rm(fileVaultNoticeMarker(home), {force: true})
    return false
  }

  try {
    await withLock(
      `${path}.lock`,
      async () => {
        await rm(path, {force: true})
        await rm(fileVaultNoticeMarker(home), {force: true})
      },
      {timeoutMs: options.lockTimeoutMs ?? 30_000},
    )
  } catch (error) {
    if (error instanceof LockTimeoutError) {
      throw new VaultError(`The file vault ${path} stayed locked by another terrace process; nothing was deleted.`, {
        cause: error,
        suggestion: error.suggestion,
      })
    }

    throw new VaultError(`Cannot delete the file vault ${path}: ${(error as Error).message}`, {cause: error})
  }

  return true
}
