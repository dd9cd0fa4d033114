import {Flags} from '@oclif/core'

import {launchAgent} from '../../agent/launch.js'
import {agentPaths} from '../../agent/paths.js'
import {MAX_UNLOCK_MS} from '../../agent/unlocked-vault.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {parseDuration} from '../../lib/duration.js'
import {UsageError, VaultError} from '../../lib/errors.js'
import {homePaths} from '../../lib/paths.js'
import {isInteractive} from '../../lib/prompt.js'
import {FileStore, fileVaultPath} from '../../vault/file-store.js'
import {readFirstLine} from '../../vault/read-stdin-line.js'
import {PASSPHRASE_ATTEMPTS, terminalPassphrasePrompt} from '../../vault/select.js'
import {idleTimeoutFlag} from '../agent/start.js'

export default class VaultUnlock extends TerraceCommand {
  static override description = `Unlock the encrypted file vault once and let terrace's agent hold it, so no command asks for the passphrase again.

Asks for the file vault's passphrase (no echo; 3 attempts), or reads one line from stdin with --passphrase-stdin; a wrong one exits 8 and unlocks nothing. A vault that does not exist yet is created with it. Then starts the agent if it does not run (as terrace agent start) and hands it the passphrase once over its private socket: the agent keeps the unlocked vault in memory only, for --for (default 8h, at most 24h), and every command reads and writes the vault through it. terrace vault lock forgets it at once; so do terrace agent stop and terrace aws sso logout. TERRACE_VAULT_PASSPHRASE, when set, still wins over the agent.`
  static override enableJsonFlag = true
  static override examples = [
    '<%= config.bin %> vault unlock',
    '<%= config.bin %> vault unlock --for 1h30m',
    'pass show terrace | <%= config.bin %> vault unlock --passphrase-stdin',
  ]
  static override flags = {
    for: Flags.string({
      default: '8h',
      description: 'how long the agent holds the vault unlocked: 30m, 8h, 1h30m (at most 24h)',
    }),
    'idle-timeout': idleTimeoutFlag,
    'passphrase-stdin': Flags.boolean({description: 'read the passphrase from the first line of stdin (for scripts)'}),
  }

  async run(): Promise<{path: string; pid: number; unlockedUntil: string}> {
    const {flags} = await this.parse(VaultUnlock)
    const durationMs = parseDuration(flags.for, {flag: '--for', maxMs: MAX_UNLOCK_MS})
    const {env} = process
    const home = homePaths(env).root
    const path = fileVaultPath(home)

    // checked here (one attempt from stdin, three at a prompt), so a wrong passphrase never reaches the agent
    let given: string | undefined
    const ask = await this.passphraseSource(flags['passphrase-stdin'], env)
    const vault = new FileStore({
      async passphrase(request) {
        given = await ask.ask(request)
        return given
      },
      passphraseAttempts: ask.attempts,
      path,
    })
    await vault.open()
    if (!given) throw new VaultError(`No passphrase was given for ${path}.`)

    const paths = agentPaths(home)
    await launchAgent(paths, {idleSeconds: flags['idle-timeout']})
    const {requestAgent} = await import('../../agent/client.js')
    const answer = await requestAgent(paths, 'unlock', {params: {passphrase: given, until: Date.now() + durationMs}})
    given = undefined
    if (!answer) throw new VaultError(`The terrace agent did not answer on ${paths.socket}.`)
    if (!answer.ok) {
      throw new VaultError(`The terrace agent refused to unlock ${path}: ${answer.error.message}`)
    }

    const result = answer.result as {unlockedUntil: string}
    const status = await requestAgent(paths, 'status')
    const pid = status?.ok ? (status.result as {pid: number}).pid : 0
    this.logToStderr(`Unlocked ${path} in the terrace agent (pid ${pid}) until ${result.unlockedUntil}.`)
    return {path, pid, unlockedUntil: result.unlockedUntil}
  }

  private async passphraseSource(
    fromStdin: boolean,
    env: NodeJS.ProcessEnv,
  ): Promise<{ask: ConstructorParameters<typeof FileStore>[0]['passphrase']; attempts: number}> {
    if (fromStdin) {
      const line = await readFirstLine(process.stdin)
      if (!line) throw new VaultError('--passphrase-stdin: stdin gave no passphrase (an empty first line).')
      return {ask: async () => line, attempts: 1}
    }

    if (!isInteractive(env, process.stdin)) {
      throw new UsageError('terrace vault unlock asks for the passphrase, but this run cannot prompt.', {
        suggestion: 'Pipe it in with --passphrase-stdin, or run it from a terminal.',
      })
    }

    return {
      ask: terminalPassphrasePrompt({env, input: process.stdin, output: process.stderr}),
      attempts: PASSPHRASE_ATTEMPTS,
    }
  }
}
