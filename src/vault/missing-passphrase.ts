import {join} from 'node:path'

import {VaultError} from '../lib/errors.js'

export const VAULT_FILE_NAME = 'vault.enc'

/** Where the encrypted file vault lives under TERRACE_HOME. */
export function fileVaultPath(home: string): string {
  return join(home, VAULT_FILE_NAME)
}

/**
 * A file vault that needs a passphrase no one can give: the same first line from every command (exit 8), with the
 * fix that fits the caller (an interactive command can be run from a terminal; credential-process never prompts).
 */
export function missingPassphraseError(home: string, suggestion: string): InstanceType<typeof VaultError> {
  return new VaultError(
    `TERRACE_VAULT=file needs a passphrase for ${fileVaultPath(home)}, and this run cannot prompt for one.`,
    {suggestion},
  )
}
