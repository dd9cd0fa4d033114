import {chmod, lstat, rm, stat} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'

import {withLock} from '../lib/lock.js'
import {probeAgent} from './client.js'
import {type AgentLog} from './log.js'
import {type AgentPaths} from './paths.js'
import {
  type AgentStatus,
  type Answer,
  encode,
  errorAnswer,
  MAX_LINE_BYTES,
  okAnswer,
  parseRequest,
  type Request,
} from './protocol.js'
import {Schedule, type Timers} from './schedule.js'
import {checkSocketPath, ensureSocketDir, type SocketDirDeps, socketDirDeps} from './socket-dir.js'
import {MemoryStore} from './store.js'

/** An agent exits by itself after this long without a request (and with nothing held or scheduled). */
export const DEFAULT_IDLE_MS = 15 * 60 * 1000

export interface AgentOptions {
  dirDeps?: SocketDirDeps
  idleMs?: number
  log: AgentLog
  now?: () => Date
  paths: AgentPaths
  /** the schedule's clock and timer (tests drive it) */
  timers?: Timers
}

export type StartResult = {agent: AgentServer; kind: 'started'} | {kind: 'already-running'; status: AgentStatus}

/**
 * Starts the agent of paths.runDir unless one already answers there: under a lock, so two starting at once make one
 * agent. A socket nobody answers on (its agent was killed) is removed and bound again.
 */
export async function startAgent(options: AgentOptions): Promise<StartResult> {
  const {paths} = options
  const deps = options.dirDeps ?? socketDirDeps
  checkSocketPath(paths.socket)
  await ensureSocketDir(paths.runDir, deps)
  return withLock(
    paths.lock,
    async (): Promise<StartResult> => {
      const running = await probeAgent(paths, deps)
      if (running) return {kind: 'already-running', status: running}
      // a socket nobody answers on: its agent was killed (kill -9 leaves the file behind)
      const stale = await lstat(paths.socket).then(
        () => true,
        () => false,
      )
      if (stale) await rm(paths.socket, {force: true})
      const agent = new AgentServer(options)
      await agent.listen()
      options.log.write('started', {pid: process.pid, replacedStale: stale || undefined})
      return {agent, kind: 'started'}
    },
    {timeoutMs: 15_000},
  )
}

export class AgentServer {
  /** Resolves with the reason once the agent has stopped and removed its socket. */
  readonly closed: Promise<string>
  /** the rotations the agent wakes for */
  readonly schedule: Schedule
  /** what the agent holds in memory */
  readonly store: MemoryStore
  private readonly connections = new Set<Socket>()
  private readonly idleMs: number
  private idleTimer: NodeJS.Timeout | undefined
  private readonly log: AgentLog
  private readonly paths: AgentPaths
  private resolveClosed!: (reason: string) => void
  private readonly server: Server
  private socketIno: number | undefined
  private readonly startedAt: Date
  private stopping = false

  constructor(options: AgentOptions) {
    this.paths = options.paths
    this.log = options.log
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS
    this.startedAt = (options.now ?? (() => new Date()))()
    this.server = createServer((socket) => this.serve(socket))
    const {timers} = options
    this.store = new MemoryStore(timers ? () => timers.now() : Date.now)
    this.schedule = new Schedule(
      (entry) => this.log.write('due', {what: entry.what}),
      timers,
      (entry) => this.log.write('rotation-failed', {what: entry.what}),
    )
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve
    })
  }

  /** Binds the socket, closes it to everyone but the user (0600) and starts the idle countdown. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.paths.socket, () => {
        this.server.removeListener('error', reject)
        resolve()
      })
    })
    await chmod(this.paths.socket, 0o600)
    this.socketIno = (await stat(this.paths.socket)).ino
    this.armIdle()
  }

  status(): AgentStatus {
    return {
      cachedCredentials: this.store.size,
      pid: process.pid,
      rotating: this.schedule.size,
      socket: this.paths.socket,
      startedAt: this.startedAt.toISOString(),
      unlocked: false,
      unlockedUntil: null,
    }
  }

  /** Stops answering, closes every connection and removes the socket (only its own: never a newer agent's). */
  async stop(reason: string): Promise<void> {
    if (this.stopping) {
      await this.closed
      return
    }

    this.stopping = true
    clearTimeout(this.idleTimer)
    this.wipe()
    const serverClosed = new Promise<void>((resolve) => {
      this.server.close(() => resolve())
    })
    for (const socket of this.connections) socket.destroy()
    await serverClosed
    try {
      if ((await stat(this.paths.socket)).ino === this.socketIno) await rm(this.paths.socket, {force: true})
    } catch {
      // already gone
    }

    this.log.write('stopped', {pid: process.pid, reason})
    this.resolveClosed(reason)
  }

  /** Forgets everything held in memory and every scheduled rotation (vault lock, sso logout, agent stop). */
  wipe(): {unscheduled: number; wiped: number} {
    const counts = {unscheduled: this.schedule.clear(), wiped: this.store.wipe()}
    this.log.write('wiped', counts)
    return counts
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer)
    if (this.stopping) return
    this.idleTimer = setTimeout(async () => {
      // holding something or having something to rotate is not idle: look again later
      if (this.store.size > 0 || this.schedule.size > 0) {
        this.armIdle()
        return
      }

      await this.stop(`idle for ${Math.round(this.idleMs / 1000)} s`)
    }, this.idleMs)
  }

  private async handle(request: Request): Promise<Answer> {
    switch (request.op) {
      case 'ping': {
        return okAnswer(request.id, {pid: process.pid})
      }

      case 'status': {
        return okAnswer(request.id, this.status())
      }

      case 'stop': {
        setImmediate(async () => this.stop('stop request'))
        return okAnswer(request.id, {stopping: true})
      }

      case 'wipe': {
        return okAnswer(request.id, this.wipe())
      }

      default: {
        return errorAnswer(request.id, 'unknown-op', `op ${String(request.op)} is not served`)
      }
    }
  }

  private onLine(socket: Socket, line: string): void {
    if (line.trim() === '') return
    this.armIdle()
    const parsed = parseRequest(line)
    if (!parsed.ok) {
      this.log.write('bad-request', {code: parsed.answer.ok ? undefined : parsed.answer.error.code})
      socket.write(encode(parsed.answer))
      return
    }

    const {request} = parsed
    this.log.write('request', {op: request.op})
    this.handle(request).then(
      (answer) => socket.writable && socket.write(encode(answer)),
      (error: unknown) => {
        this.log.write('failed', {op: request.op})
        if (socket.writable) {
          socket.write(encode(errorAnswer(request.id, 'failed', error instanceof Error ? error.message : 'failed')))
        }
      },
    )
  }

  private serve(socket: Socket): void {
    if (this.stopping) {
      socket.destroy()
      return
    }

    this.connections.add(socket)
    socket.setEncoding('utf8')
    let buffer = ''
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 1)
        this.onLine(socket, line)
      }

      if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) {
        buffer = ''
        socket.end(encode(errorAnswer(null, 'line-too-long', `a request line is at most ${MAX_LINE_BYTES} bytes`)))
      }
    })
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.connections.delete(socket))
  }
}
