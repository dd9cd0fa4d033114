import {join} from 'node:path'

/** Where the agent of one TERRACE_HOME lives: its socket in run/ (a private folder), its log in logs/. */
export interface AgentPaths {
  /** the lock taken while an agent checks for another and binds the socket */
  readonly lock: string
  readonly log: string
  readonly runDir: string
  readonly socket: string
}

export function agentPaths(home: string): AgentPaths {
  const runDir = join(home, 'run')
  return {
    lock: join(runDir, 'agent.lock'),
    log: join(home, 'logs', 'agent.log'),
    runDir,
    socket: join(runDir, 'agent.sock'),
  }
}
