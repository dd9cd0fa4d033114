import {probeAgent} from '../../agent/client.js'
import {agentPaths} from '../../agent/paths.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'
import {fileVaultPath} from '../../vault/file-store.js'
import {probeKeychain} from '../../vault/keychain-probe.js'

type VaultStatus = {
  agent: {pid: null | number; running: boolean}
  path: string
  unlocked: boolean
  unlockedUntil: null | string
  vault: 'file' | 'keychain'
}

export default class VaultStatusCommand extends TerraceCommand {
  static override description = `Show which vault terrace uses and whether the agent holds the file vault unlocked.

With --json: {vault: "file"|"keychain", path, unlocked, unlockedUntil, agent: {running, pid}}. vault follows TERRACE_VAULT; unset, the OS keychain when it answers, else the file vault. path is the file vault's path.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> vault status', '<%= config.bin %> vault status --json']

  async run(): Promise<VaultStatus> {
    await this.parse(VaultStatusCommand)
    const {env, settings} = this.invocation()
    const home = homePaths(env).root
    const mode = settings.vault() ?? ('store' in (await probeKeychain()) ? 'keychain' : 'file')
    const agent = await probeAgent(agentPaths(home))
    const status: VaultStatus = {
      agent: {pid: agent?.pid ?? null, running: agent !== null},
      path: fileVaultPath(home),
      unlocked: agent?.unlocked ?? false,
      unlockedUntil: agent?.unlockedUntil ?? null,
      vault: mode,
    }
    this.log(`vault: ${mode === 'file' ? `encrypted file ${status.path}` : 'OS keychain'}`)
    this.log(
      `agent: ${agent ? `running, pid ${agent.pid}` : 'not running'}; file vault ${status.unlocked ? `unlocked until ${status.unlockedUntil}` : 'locked'}`,
    )
    return status
  }
}
