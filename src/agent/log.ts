import {appendFileSync, mkdirSync, renameSync, statSync} from 'node:fs'
import {dirname} from 'node:path'

/**
 * The agent's log (TERRACE_HOME/logs/agent.log), one line per event: time, event and plain facts (ops, pids,
 * counts). It never receives a secret: callers pass only the names of things. When a line would take the file past
 * maxBytes, the file becomes agent.log.1 (replacing the older one) and a new file starts.
 */
export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024

export type LogFields = Record<string, boolean | null | number | string | undefined>

export class AgentLog {
  private size: number

  constructor(
    readonly file: string,
    private readonly maxBytes = DEFAULT_LOG_MAX_BYTES,
    private readonly now: () => Date = () => new Date(),
  ) {
    mkdirSync(dirname(file), {mode: 0o700, recursive: true})
    try {
      this.size = statSync(file).size
    } catch {
      this.size = 0
    }
  }

  write(event: string, fields: LogFields = {}): void {
    const facts = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
    const line = `${this.now().toISOString()} ${[event, ...facts].join(' ')}\n`
    const bytes = Buffer.byteLength(line)
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        renameSync(this.file, `${this.file}.1`)
        this.size = 0
      }

      appendFileSync(this.file, line, {mode: 0o600})
      this.size += bytes
    } catch {
      // a log that cannot be written must not stop the agent from answering
    }
  }
}
