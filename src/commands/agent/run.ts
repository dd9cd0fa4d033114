import {AgentLog} from '../../agent/log.js'
import {agentPaths} from '../../agent/paths.js'
import {startAgent} from '../../agent/server.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {homePaths} from '../../lib/paths.js'
import {idleTimeoutFlag} from './start.js'

export default class AgentRun extends TerraceCommand {
  static override description = `Run terrace's agent in the foreground, for debugging.

The same agent terrace agent start runs in the background, attached to this terminal: Ctrl-C (or SIGTERM) stops it and removes its socket. When an agent already runs for this TERRACE_HOME, says so and exits. Its events go to TERRACE_HOME/logs/agent.log.`
  static override examples = ['<%= config.bin %> agent run', '<%= config.bin %> agent run --idle-timeout 60']
  static override flags = {'idle-timeout': idleTimeoutFlag}

  async run(): Promise<void> {
    const {flags} = await this.parse(AgentRun)
    // started detached, nobody may read stderr any more: a failed write must not end the agent
    process.stderr.on('error', () => {})
    const paths = agentPaths(homePaths().root)
    const log = new AgentLog(paths.log)
    const result = await startAgent({idleMs: flags['idle-timeout'] * 1000, log, paths})
    if (result.kind === 'already-running') {
      this.logToStderr(`terrace agent already running, pid ${result.status.pid} (${result.status.socket})`)
      return
    }

    const {agent} = result
    const onSignal = (signal: NodeJS.Signals) => {
      agent.stop(`signal ${signal}`).catch(() => {})
    }

    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    process.on('SIGHUP', onSignal)
    this.logToStderr(`terrace agent running, pid ${process.pid} (${paths.socket}); Ctrl-C stops it`)
    const reason = await agent.closed
    process.removeListener('SIGTERM', onSignal)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGHUP', onSignal)
    this.logToStderr(`terrace agent stopped: ${reason}`)
  }
}
