import {existsSync} from 'node:fs'
import {mkdir, writeFile} from 'node:fs/promises'

import type {SecretStore} from './secret-store.js'

import {agentPaths} from '../agent/paths.js'
import {VaultError} from '../lib/errors.js'
import {type PromptInput, promptSecret} from '../lib/prompt.js'
import {terraceEnv} from '../lib/terrace-env.js'
import {type AgentRequest, agentRequester, AgentVaultStore} from './agent-store.js'
import {FileStore, fileVaultNoticeMarker, fileVaultPath, type PassphraseRequest} from './file-store.js'
import {probeKeychain, type ProbeOptions} from './keychain-probe.js'
import {missingPassphraseError} from './missing-passphrase.js'

/** The probe's options (keychain service, keytar loader, timeout) and the vault's own. */
export type OpenVaultOptions = ProbeOptions & {
  /**
   * How the file vault is asked of terrace's agent first (when no TERRACE_VAULT_PASSPHRASE is set): the agent of
   * this TERRACE_HOME by default; false never asks.
   */
  agent?: AgentRequest | false
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME: the file vault lives at <home>/vault.enc */
  home: string
  /** May the passphrase be asked for (see lib/prompt isInteractive)? */
  interactive: boolean
  /**
   * Told which vault is used and why when terrace falls back to the file vault: once per vault (a marker file
   * beside it remembers that it was said).
   */
  notice?: (message: string) => void
  /** Asks for the file vault passphrase; only called when interactive, only when the file vault is first used. */
  promptPassphrase?: (request: PassphraseRequest) => Promise<string>
  /** scrypt cost for a new file vault (tests lower it). */
  scryptLogN?: number
}

const PLAIN_TEXT_NOTE = 'terrace never falls back to storing secrets in plain text.'

/**
 * Pick the secret store: TERRACE_VAULT=keychain|file, or (unset) the OS keychain when a probe answers in time,
 * else the encrypted file vault when a passphrase is available, else VaultError (exit 8) naming both fixes.
 */
export async function openVault(options: OpenVaultOptions): Promise<SecretStore> {
  const mode = terraceEnv(options.env).vault()

  const vaultPath = fileVaultPath(options.home)
  const source = passphraseSource(options)
  const passphrase = source?.ask

  if (mode === 'file') {
    const unlocked = await viaAgent(options, source)
    if (unlocked) return unlocked
    if (!passphrase) {
      throw missingPassphraseError(
        options.home,
        'Set TERRACE_VAULT_PASSPHRASE, or run terrace from a terminal to be asked for it; ' +
          'or unset TERRACE_VAULT (or set TERRACE_VAULT=keychain) to use the OS keychain.',
      )
    }

    return fileStore(options, source)
  }

  const probe = await probeKeychain(options)
  if ('store' in probe) return probe.store

  if (mode === 'keychain') {
    throw new VaultError(`TERRACE_VAULT=keychain, but the OS keychain is unusable: ${probe.reason}`, {
      cause: probe.error,
      suggestion: probe.suggestion,
    })
  }

  const unlocked = await viaAgent(options, source)
  if (unlocked) return unlocked
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

  await noticeOnce(
    options,
    `Using the encrypted file vault ${vaultPath}: the OS keychain is unusable (${probe.reason}). ` +
      'Set TERRACE_VAULT=file to skip the keychain check.',
  )
  return fileStore(options, source!)
}

/**
 * The file vault through the agent, when it holds it unlocked and no TERRACE_VAULT_PASSPHRASE overrides it (that
 * passphrase is used as given); undefined otherwise. Should the agent go away or lock later, the store falls back to
 * the direct path: source (a prompt when allowed), else exit 8 as without an agent.
 */
async function viaAgent(options: OpenVaultOptions, source?: PassphraseSource): Promise<SecretStore | undefined> {
  if (options.agent === false || terraceEnv(options.env).vaultPassphrase) return undefined
  const request = options.agent ?? agentRequester(agentPaths(options.home))
  if (!(await AgentVaultStore.unlocked(request))) return undefined
  const direct = (): SecretStore => {
    if (source) return fileStore(options, source)
    throw missingPassphraseError(
      options.home,
      'The terrace agent no longer holds the file vault unlocked: run `terrace vault unlock`, or set TERRACE_VAULT_PASSPHRASE.',
    )
  }

  return new AgentVaultStore(request, direct, fileVaultPath(options.home))
}

/**
 * For a caller that never prompts and checks the passphrase itself (credential-process): the file vault as the
 * agent holds it unlocked, or undefined (no agent, locked there, or TERRACE_VAULT_PASSPHRASE set). Should the agent
 * lock before a read, the read fails with exit 8 naming `terrace vault unlock`.
 */
export async function fileVaultInAgent(options: {
  agent?: AgentRequest | false
  env: NodeJS.ProcessEnv
  home: string
}): Promise<SecretStore | undefined> {
  return viaAgent({...options, interactive: false})
}

/** The fallback notice, unless the marker beside this vault says it was shown; then the marker is written. */
async function noticeOnce(options: OpenVaultOptions, message: string): Promise<void> {
  if (!options.notice) return
  const marker = fileVaultNoticeMarker(options.home)
  if (existsSync(marker)) return
  options.notice(message)
  try {
    await mkdir(options.home, {mode: 0o700, recursive: true})
    await writeFile(marker, 'the file vault notice was shown\n', {mode: 0o600})
  } catch {
    // an unwritable TERRACE_HOME is reported by the vault itself when it writes
  }
}

/** A typed passphrase may be retried (PASSPHRASE_ATTEMPTS in all); one from the environment may not. */
export const PASSPHRASE_ATTEMPTS = 3

type PassphraseSource = {ask: (request: PassphraseRequest) => Promise<string>; attempts: number}

function passphraseSource(options: OpenVaultOptions): PassphraseSource | undefined {
  const fromEnv = terraceEnv(options.env).vaultPassphrase
  if (fromEnv) return {ask: async () => fromEnv, attempts: 1}
  if (options.interactive && options.promptPassphrase)
    return {ask: options.promptPassphrase, attempts: PASSPHRASE_ATTEMPTS}
  return undefined
}

function fileStore(options: OpenVaultOptions, source: PassphraseSource): FileStore {
  return new FileStore({
    passphrase: source.ask,
    passphraseAttempts: source.attempts,
    path: fileVaultPath(options.home),
    scryptLogN: options.scryptLogN,
  })
}

/**
 * The usual promptPassphrase: a no-echo prompt on the terminal (stderr, so stdout stays clean for --json). A new
 * vault's passphrase is typed twice (asked again when the two differ); after a wrong one it says which attempt
 * this is.
 */
export function terminalPassphrasePrompt(io: {
  env: NodeJS.ProcessEnv
  input: PromptInput
  output: NodeJS.WritableStream
}): (request: PassphraseRequest) => Promise<string> {
  const ask = (question: string) =>
    promptSecret(question, {
      env: io.env,
      input: io.input,
      nonInteractiveError: () =>
        new VaultError('The file vault needs a passphrase, and this run is non-interactive', {
          suggestion: 'Set TERRACE_VAULT_PASSPHRASE.',
        }),
      output: io.output,
    })
  return async (request) => {
    if (!request.create) {
      if (request.attempt > 1)
        io.output.write(`Wrong passphrase; try again (attempt ${request.attempt} of ${PASSPHRASE_ATTEMPTS}).\n`)
      return ask('terrace vault passphrase: ')
    }

    for (let attempt = 1; attempt <= PASSPHRASE_ATTEMPTS; attempt++) {
      const first = await ask('New passphrase for the terrace file vault: ')
      if (!first) return first // refused by the vault (empty), with its own message
      const second = await ask('Type it again: ')
      if (first === second) return first
      io.output.write('The two passphrases differ; try again.\n')
    }

    throw new VaultError(`The passphrases typed for the new file vault differed ${PASSPHRASE_ATTEMPTS} times.`, {
      suggestion: 'Run the command again and type the same passphrase twice; nothing was written.',
    })
  }
}
