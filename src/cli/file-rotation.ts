/**
 * What `session start --mode file`, `stop` and `remove` ask of terrace's agent about file-mode sessions: register
 * one for rotation (starting the agent when TERRACE_AGENT=auto and none runs), unregister them. With
 * TERRACE_AGENT=off only an agent that already runs is asked.
 */
import {startOnDemand} from '../agent/credentials-client.js'
import {agentPaths} from '../agent/paths.js'
import {homePaths} from '../lib/paths.js'
import {terraceEnv} from '../lib/terrace-env.js'

const CONNECT_TIMEOUT_MS = 1000

export type Registration = {nextAt: string; registered: true} | {reason: string; registered: false}

/** Asks the agent to keep the session's keys fresh in the credentials file; why not, when it cannot. */
export async function registerFileRotation(env: NodeJS.ProcessEnv, session: string): Promise<Registration> {
  const {requestAgent} = await import('../agent/client.js')
  const paths = agentPaths(homePaths(env).root)
  const ask = () => requestAgent(paths, 'rotate-register', {connectTimeoutMs: CONNECT_TIMEOUT_MS, params: {session}})
  let answer = await ask()
  if (!answer && terraceEnv(env).agent() === 'auto') {
    await startOnDemand(paths)
    answer = await ask()
  }

  if (!answer)
    return {
      reason:
        terraceEnv(env).agent() === 'off' ? 'the agent is off (TERRACE_AGENT=off)' : 'the agent could not be started',
      registered: false,
    }
  if (!answer.ok) return {reason: `the agent could not obtain them: ${answer.error.message}`, registered: false}
  const result = answer.result as {delivered: boolean; nextAt?: number}
  if (!result.delivered || result.nextAt === undefined)
    return {reason: 'the session stopped serving its profile meanwhile', registered: false}
  return {nextAt: new Date(result.nextAt).toISOString(), registered: true}
}

/** Tells a running agent to stop rotating these sessions (none runs: nothing to tell). */
export async function unregisterFileRotation(env: NodeJS.ProcessEnv, sessions: string[]): Promise<void> {
  if (sessions.length === 0) return
  const {requestAgent} = await import('../agent/client.js')
  const paths = agentPaths(homePaths(env).root)
  for (const session of sessions) {
    const answer = await requestAgent(paths, 'rotate-unregister', {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      params: {session},
    })
    if (!answer) return
  }
}

/**
 * What `vault lock` (the agent keeps its schedule, but cannot obtain credentials without the vault) or a wipe (`aws
 * sso logout`: the agent forgets its schedule) means for the active file-mode sessions: which ones are no longer
 * renewed and how to resume. undefined when no session is active in file mode.
 */
export async function fileRotationStoppedNotice(
  env: NodeJS.ProcessEnv,
  what: 'lock' | 'wipe',
): Promise<string | undefined> {
  const [{readWorkspace}, {workspaceStore}] = await Promise.all([
    import('../workspace/workspace-file.js'),
    import('../workspace/store.js'),
  ])
  let names: string[]
  try {
    const workspace = await readWorkspace(workspaceStore(env, () => {}))
    names = workspace.sessions.filter((s) => s.status === 'active' && s.mode === 'file').map((s) => s.name)
  } catch {
    return undefined
  }

  if (names.length === 0) return undefined
  const list = names.join(', ')
  const their = `their temporary keys stay in the AWS credentials file until they expire`
  return what === 'lock'
    ? `Warning: terrace's agent can no longer renew the keys of file-mode sessions ${list} while the vault is locked: ${their}. \`terrace vault unlock\` resumes their rotation.`
    : `Warning: terrace's agent no longer renews the keys of file-mode sessions ${list}: ${their}. To resume, log in again (\`terrace login\`) or unlock the vault (\`terrace vault unlock\`) as they need, then start each again: ${names.map((n) => `\`terrace session start ${n} --mode file\``).join(', ')}.`
}
