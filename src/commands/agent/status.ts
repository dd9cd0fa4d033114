import {probeAgent} from '../../agent/client.js'
import {agentPaths} from '../../agent/paths.js'
import {type AgentStatus} from '../../agent/protocol.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'

type StatusOutput = Omit<AgentStatus, 'pid' | 'startedAt'> & {
  pid: null | number
  running: boolean
  startedAt: null | string
}

export default class AgentStatusCommand extends TerraceCommand {
  static override description = `Show whether terrace's agent runs, and what it holds.

With --json: {running, pid, socket, startedAt, unlocked, unlockedUntil, cachedCredentials, rotating}. unlocked tells whether the agent holds the unlocked file vault (until unlockedUntil), cachedCredentials how many credentials it keeps in memory, rotating how many deliveries it renews on schedule. Exit 8 when the socket folder's owner or mode is wrong.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> agent status', '<%= config.bin %> agent status --json']

  async run(): Promise<StatusOutput> {
    await this.parse(AgentStatusCommand)
    const paths = agentPaths(homePaths().root)
    const status = await probeAgent(paths)
    if (!status) {
      this.log(`terrace agent: not running (socket ${paths.socket})`)
      return {
        cachedCredentials: 0,
        pid: null,
        rotating: 0,
        running: false,
        socket: paths.socket,
        startedAt: null,
        unlocked: false,
        unlockedUntil: null,
      }
    }

    this.log(`terrace agent: running, pid ${status.pid}, since ${status.startedAt}`)
    this.log(`  socket: ${status.socket}`)
    this.log(`  vault: ${status.unlocked ? `unlocked until ${status.unlockedUntil}` : 'locked'}`)
    this.log(`  cached credentials: ${status.cachedCredentials}; scheduled rotations: ${status.rotating}`)
    return {running: true, ...status}
  }
}
