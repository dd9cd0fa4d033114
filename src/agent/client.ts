import {connect, type Socket} from 'node:net'

import {VaultError} from '../lib/errors.js'
import {type AgentPaths} from './paths.js'
import {type AgentStatus, type Answer, encode, type Op, type Params, parseAnswer, PROTOCOL_VERSION} from './protocol.js'
import {checkSocketDir, type SocketDirDeps, socketDirDeps} from './socket-dir.js'

/**
 * How a client tells a slow answer from a hung agent (stopped with SIGSTOP, wedged): while it waits for an answer,
 * it sends a `ping` on the same connection every pingEveryMs; an agent that does not answer a ping within
 * pingTimeoutMs is hung. A cold credential fetch may take long, but the agent answers pings meanwhile (requests are
 * served concurrently), so only an agent that sends nothing at all is given up on.
 */
export interface Liveness {
  pingEveryMs: number
  pingTimeoutMs: number
}

export const LIVENESS: Liveness = {pingEveryMs: 1000, pingTimeoutMs: 5000}

/** The agent accepted the request but answers nothing, not even a ping: the caller takes the direct path. */
export class AgentHungError extends Error {}

/**
 * A timer that resolves after ms, then once more through the poll phase (the answers this process was sent while it
 * got no CPU are read before the time counts as up); cancel() clears it so it keeps no process alive.
 */
function pollAfter(ms: number): {cancel(): void; done: Promise<void>} {
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  const done = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      immediate = setImmediate(resolve)
    }, ms)
  })
  return {
    cancel() {
      clearTimeout(timer)
      if (immediate) clearImmediate(immediate)
    },
    done,
  }
}

/** A connection to a running agent: requests go out with increasing ids, answers are matched back by id. */
export class AgentConnection {
  private buffer = ''
  private nextId = 1
  private readonly pending = new Map<number | string, {reject: (e: Error) => void; resolve: (a: Answer) => void}>()

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => this.onData(chunk))
    socket.on('close', () => this.failAll(new Error('the agent closed the connection')))
    socket.on('error', (error) => this.failAll(error))
  }

  close(): void {
    this.socket.destroy()
  }

  request(op: Op, params?: Params): Promise<Answer> {
    const id = this.nextId++
    return this.sendRaw(encode({id, op, ...(params ? {params} : {}), v: PROTOCOL_VERSION}), id)
  }

  /** request(), giving up with AgentHungError when the agent answers no ping while the answer is awaited. */
  async requestWhileAlive(op: Op, params: Params | undefined, liveness: Liveness): Promise<Answer> {
    const answer = this.request(op, params)
    const answered = answer.then(() => true)
    // given up on (hung), the connection is closed and the request fails with nobody waiting
    answered.catch(() => {})
    for (;;) {
      const quiet = pollAfter(liveness.pingEveryMs)
      try {
        if (await Promise.race([answered, quiet.done.then(() => false)])) return await answer
      } finally {
        quiet.cancel()
      }

      const ping = this.request('ping').then(() => true)
      ping.catch(() => {})
      const limit = pollAfter(liveness.pingTimeoutMs)
      try {
        if (!(await Promise.race([answered, ping, limit.done.then(() => false)]))) {
          throw new AgentHungError(`the agent answered no ping within ${liveness.pingTimeoutMs} ms`)
        }
      } finally {
        limit.cancel()
      }
    }
  }

  /** Sends one request line as it is (tests send malformed ones) and resolves with the next answer. */
  sendRaw(line: string, id: number | string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, {reject, resolve})
      this.socket.write(line.endsWith('\n') ? line : `${line}\n`)
    })
  }

  private failAll(error: Error): void {
    for (const {reject} of this.pending.values()) reject(error)
    this.pending.clear()
  }

  private onData(chunk: string): void {
    this.buffer += chunk
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline)
      this.buffer = this.buffer.slice(newline + 1)
      const answer = parseAnswer(line)
      if (!answer) continue
      // an answer without an id (a line the agent could not parse) goes to the oldest request waiting
      const key = answer.id ?? this.pending.keys().next().value
      const waiter = key === undefined ? undefined : this.pending.get(key)
      if (!waiter || key === undefined) continue
      this.pending.delete(key)
      waiter.resolve(answer)
    }
  }
}

/** Connects to the socket; rejects with the connect error (ENOENT, ECONNREFUSED for a stale socket). */
export function connectSocket(socketPath: string, timeoutMs = 5000): Promise<AgentConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath)
    // a connect the kernel completed is seen in the poll phase, after the timers: on a loaded machine this process
    // may get no CPU for longer than the timeout, so the timeout is taken only once the poll phase had its turn
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (!socket.connecting) return
        socket.destroy()
        reject(Object.assign(new Error(`no answer from ${socketPath} within ${timeoutMs} ms`), {code: 'ETIMEDOUT'}))
      })
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      resolve(new AgentConnection(socket))
    })
    socket.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
  })
}

const NO_AGENT = new Set(['ECONNREFUSED', 'ENOENT', 'ENOTSOCK'])

/**
 * The running agent's status, or null when none answers (no socket, or a stale one left by an agent that was
 * killed). Throws VaultError (exit 8) when the socket folder's owner or mode is wrong: terrace does not talk to a
 * socket others could have put there.
 */
export async function probeAgent(paths: AgentPaths, deps: SocketDirDeps = socketDirDeps): Promise<AgentStatus | null> {
  if (!(await checkSocketDir(paths.runDir, deps))) return null
  let connection: AgentConnection
  try {
    connection = await connectSocket(paths.socket)
  } catch (error) {
    if (NO_AGENT.has((error as NodeJS.ErrnoException).code ?? '')) return null
    throw error
  }

  try {
    const answer = await connection.request('status')
    if (!answer.ok)
      throw new VaultError(`The agent at ${paths.socket} refused a status request: ${answer.error.message}`)
    return answer.result as AgentStatus
  } catch (error) {
    // the agent went away between connect and answer: there is none
    if (error instanceof VaultError) throw error
    return null
  } finally {
    connection.close()
  }
}

/**
 * Sends one request to the running agent; null when no agent answers (none, a stale socket, no connection within
 * connectTimeoutMs, or the agent went away before answering). With liveness, an agent that answers nothing, not
 * even a ping, is given up on with AgentHungError.
 */
export async function requestAgent(
  paths: AgentPaths,
  op: Op,
  options: {connectTimeoutMs?: number; deps?: SocketDirDeps; liveness?: Liveness; params?: Params} = {},
): Promise<Answer | null> {
  if (!(await checkSocketDir(paths.runDir, options.deps ?? socketDirDeps))) return null
  let connection: AgentConnection
  try {
    connection = await connectSocket(paths.socket, options.connectTimeoutMs)
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (NO_AGENT.has(code ?? '') || code === 'ETIMEDOUT') return null
    throw error
  }

  try {
    return options.liveness
      ? await connection.requestWhileAlive(op, options.params, options.liveness)
      : await connection.request(op, options.params)
  } catch (error) {
    if (error instanceof AgentHungError) throw error
    return null
  } finally {
    connection.close()
  }
}
