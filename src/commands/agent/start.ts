import {Flags} from '@oclif/core'

import {launchAgent} from '../../agent/launch.js'
import {agentPaths} from '../../agent/paths.js'
import {type AgentStatus} from '../../agent/protocol.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'

export const idleTimeoutFlag = Flags.integer({
  default: 15 * 60,
  description: 'seconds without a request after which the agent exits by itself (when it holds nothing)',
  min: 1,
})

export default class AgentStart extends TerraceCommand {
  static override description = `Start terrace's agent in the background, unless it already runs.

The agent is a small per-user process, one per TERRACE_HOME, that listens on the Unix socket TERRACE_HOME/run/agent.sock. Only you can reach it: the folder is 0700 and the socket 0600, as with ssh-agent, and terrace refuses (exit 8) a folder with another owner or a wider mode.

Returns once the agent answers. A second start finds the running agent and says so; a socket left by an agent that was killed is replaced. The agent exits by itself after --idle-timeout seconds without a request (15 minutes by default); terrace agent stop ends it at once, terrace agent status shows it. It logs to TERRACE_HOME/logs/agent.log.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> agent start', '<%= config.bin %> agent start --idle-timeout 3600']
  static override flags = {'idle-timeout': idleTimeoutFlag}

  async run(): Promise<AgentStatus & {running: true}> {
    const {flags} = await this.parse(AgentStart)
    const paths = agentPaths(homePaths().root)
    const {alreadyRunning, status} = await launchAgent(paths, {idleSeconds: flags['idle-timeout']})
    this.logToStderr(
      alreadyRunning
        ? `terrace agent already running, pid ${status.pid} (${status.socket})`
        : `terrace agent started, pid ${status.pid} (${status.socket})`,
    )
    return {running: true, ...status}
  }
}
