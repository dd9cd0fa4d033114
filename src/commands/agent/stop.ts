import {requestAgent} from '../../agent/client.js'
import {agentPaths} from '../../agent/paths.js'
import {isRunning, waitUntil} from '../../agent/process.js'
import {type AgentStatus} from '../../agent/protocol.js'
import {TerraceCommand} from '../../cli/base-command.js'
import {VaultError} from '../../lib/errors.js'
import {homePaths} from '../../lib/paths.js'

const STOP_TIMEOUT_MS = 10_000

export default class AgentStop extends TerraceCommand {
  static override description = `Stop terrace's agent: it forgets everything it holds and removes its socket.

Returns once the agent's process has ended. Nothing to do when no agent runs.`
  static override enableJsonFlag = true
  static override examples = ['<%= config.bin %> agent stop']

  async run(): Promise<{pid: null | number; stopped: boolean}> {
    await this.parse(AgentStop)
    const paths = agentPaths(homePaths().root)
    const status = await requestAgent(paths, 'status')
    if (!status?.ok) {
      this.logToStderr('No terrace agent is running.')
      return {pid: null, stopped: false}
    }

    const {pid} = status.result as AgentStatus
    await requestAgent(paths, 'stop')
    if (!(await waitUntil(() => !isRunning(pid), STOP_TIMEOUT_MS))) {
      throw new VaultError(`The terrace agent (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s.`, {
        suggestion: `End it: kill ${pid}`,
      })
    }

    this.logToStderr(`terrace agent stopped (pid ${pid}).`)
    return {pid, stopped: true}
  }
}
