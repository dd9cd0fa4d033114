import {spawn} from 'node:child_process'

import {VaultError} from '../lib/errors.js'
import {probeAgent} from './client.js'
import {type AgentPaths} from './paths.js'
import {waitUntil} from './process.js'
import {type AgentStatus} from './protocol.js'
import {checkSocketPath, ensureSocketDir} from './socket-dir.js'

/** How long `terrace agent start` waits for a new agent's socket to answer. */
const START_TIMEOUT_MS = 15_000

export interface LaunchResult {
  alreadyRunning: boolean
  status: AgentStatus
}

/**
 * The agent of these paths, started in the background (`terrace agent run` in a detached process of its own) when
 * none answers. Returns once its socket answers. The socket folder is checked first, so a wrong owner or mode fails
 * here, with exit 8, not in the background.
 */
export async function launchAgent(
  paths: AgentPaths,
  options: {idleSeconds: number; script?: string},
): Promise<LaunchResult> {
  checkSocketPath(paths.socket)
  await ensureSocketDir(paths.runDir)
  const running = await probeAgent(paths)
  if (running) return {alreadyRunning: true, status: running}

  const script = options.script ?? process.argv[1]
  const child = spawn(process.execPath, [script, 'agent', 'run', '--idle-timeout', String(options.idleSeconds)], {
    cwd: '/',
    detached: true,
    // the agent never holds a passphrase in its environment (it gets the unlocked vault over the socket only), nor
    // the endpoint and token of the wrapped run it may have been started from (credential-process inside `exec`),
    // nor the one-time MFA code of the command that started it (used by then; a later renewal would send it again)
    env: {
      ...process.env,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: undefined,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      TERRACE_MFA_CODE: undefined,
      TERRACE_VAULT_PASSPHRASE: undefined,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  let exited: null | number | string = null
  child.once('exit', (code, signal) => {
    exited = code ?? signal ?? 'unknown'
  })
  let status: AgentStatus | null = null
  const answered = await waitUntil(async () => {
    status = await probeAgent(paths)
    return status !== null || exited !== null
  }, START_TIMEOUT_MS)
  // whatever the agent writes from now on goes to its log; it is on its own
  child.stderr.destroy()
  child.unref()
  if (status) return {alreadyRunning: (status as AgentStatus).pid !== child.pid, status}
  if (!answered) child.kill('SIGTERM')
  throw new VaultError(
    answered
      ? `The terrace agent exited (${exited}) before answering${stderr.trim() ? `: ${stderr.trim()}` : ''}`
      : `The terrace agent did not answer on ${paths.socket} within ${START_TIMEOUT_MS / 1000} s.`,
    {suggestion: `Run it in the foreground to see why: terrace agent run (its log: ${paths.log})`},
  )
}
