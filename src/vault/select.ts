import type {SecretStore} from './secret-store.js'

import {ConfigError, VaultError} from '../lib/errors.js'
import {type PromptInput, promptSecret} from '../lib/prompt.js'
import {FileStore, fileVaultPath} from './file-store.js'
import {probeKeychain, type ProbeOptions} from './keychain-probe.js'

/** The probe's options (keychain service, keytar loader, timeout) and the vault's own. */
export type OpenVaultOptions = ProbeOptions & {
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME: the file vault lives at <home>/vault.enc */
  home: string
  /** May the passphrase be asked for (see lib/prompt isInteractive)? */
  interactive: boolean
  /** Told once which vault is used and why, when terrace falls back to the file vault. */
  notice?: (message: string) => void
  /** Asks for the file vault passphrase; only called when interactive, only when the file vault is first used. */
  promptPassphrase?: () => Promise<string>
  /** scrypt cost for a new file vault (tests lower it). */
  scryptLogN?: number
}

const PLAIN_TEXT_NOTE = 'terrace never falls back to storing secrets in plain text.'

/**
 * Pick the secret store: TERRACE_VAULT=keychain|file, or (unset) the OS keychain when a probe answers in time,
 * else the encrypted file vault when a passphrase is available, else VaultError (exit 8) naming both fixes.
 */
export async function openVault(options: OpenVaultOptions): Promise<SecretStore> {
  const mode = options.env.TERRACE_VAULT?.trim().toLowerCase() || undefined
  if (mode !== undefined && mode !== 'keychain' && mode !== 'file') {
    throw new ConfigError(`TERRACE_VAULT must be "keychain" or "file", not "${options.env.TERRACE_VAULT}"`, {
      suggestion: 'Unset TERRACE_VAULT to let terrace choose, or set it to keychain or file.',
    })
  }

  const vaultPath = fileVaultPath(options.home)
  const passphrase = passphraseSource(options)

  if (mode === 'file') {
    if (!passphrase) {
      throw new VaultError(
        `TERRACE_VAULT=file needs a passphrase for ${vaultPath}, and this run cannot prompt for one (not interactive).`,
        {
          suggestion:
            'Set TERRACE_VAULT_PASSPHRASE, or run terrace from a terminal to be asked for it; ' +
            'or unset TERRACE_VAULT (or set TERRACE_VAULT=keychain) to use the OS keychain.',
        },
      )
    }

    return fileStore(options, passphrase)
  }

  const probe = await probeKeychain(options)
  if ('store' in probe) return probe.store

  if (mode === 'keychain') {
    throw new VaultError(`TERRACE_VAULT=keychain, but the OS keychain is unusable: ${probe.reason}`, {
      cause: probe.error,
      suggestion: probe.suggestion,
    })
  }

  if (!passphrase) {
    throw new VaultError(
      `No secret store is usable: the OS keychain is unusable (${probe.reason}) and no passphrase is set for the encrypted file vault.`,
      {
        cause: probe.error,
        suggestion:
          'Either start a Secret Service (e.g. gnome-keyring-daemon inside a D-Bus session) so terrace can use the OS keychain, ' +
          `or set TERRACE_VAULT_PASSPHRASE (and optionally TERRACE_VAULT=file) to use the encrypted file vault ${vaultPath}. ` +
          PLAIN_TEXT_NOTE,
      },
    )
  }

  options.notice?.(
    `Using the encrypted file vault ${vaultPath}: the OS keychain is unusable (${probe.reason}). ` +
      'Set TERRACE_VAULT=file to skip the keychain check.',
  )
  return fileStore(options, passphrase)
}

function passphraseSource(options: OpenVaultOptions): (() => Promise<string>) | undefined {
  const fromEnv = options.env.TERRACE_VAULT_PASSPHRASE
  if (fromEnv) return async () => fromEnv
  if (options.interactive && options.promptPassphrase) return options.promptPassphrase
  return undefined
}

function fileStore(options: OpenVaultOptions, passphrase: () => Promise<string>): FileStore {
  return new FileStore({passphrase, path: fileVaultPath(options.home), scryptLogN: options.scryptLogN})
}

/** The usual promptPassphrase: a no-echo prompt on the terminal (stderr, so stdout stays clean for --json). */
export function terminalPassphrasePrompt(io: {
  env: NodeJS.ProcessEnv
  input: PromptInput
  output: NodeJS.WritableStream
}): () => Promise<string> {
  return () =>
    promptSecret('terrace vault passphrase: ', {
      env: io.env,
      input: io.input,
      nonInteractiveError: () =>
        new VaultError('The file vault needs a passphrase, and this run is non-interactive', {
          suggestion: 'Set TERRACE_VAULT_PASSPHRASE.',
        }),
      output: io.output,
    })
}
