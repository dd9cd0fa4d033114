import {chmod, lstat, rm, stat} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import {dirname, join} from 'node:path'

import type {WorkspaceStore} from '../workspace/workspace-file.js'

import {credentialTtlMs} from '../auth/credentials/ttl.js'
import {VaultError} from '../lib/errors.js'
import {withLock} from '../lib/lock.js'
import {fileVaultPath} from '../vault/file-store.js'
import {probeAgent} from './client.js'
import {FileRotation, type FileRotationDeps} from './file-rotation.js'
import {type AgentLog} from './log.js'
import {AgentNamedRefs} from './named-refs.js'
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
  stringParam,
} from './protocol.js'
import {AgentRoleCredentials} from './role-credentials.js'
import {paramsToRef} from './role-ref-params.js'
import {Schedule, type Timers} from './schedule.js'
import {checkSocketPath, ensureSocketDir, type SocketDirDeps, socketDirDeps} from './socket-dir.js'
import {MemoryStore} from './store.js'
import {MAX_UNLOCK_MS, UnlockedVault} from './unlocked-vault.js'

/** An agent exits by itself after this long without a request (and with nothing held or scheduled). */
export const DEFAULT_IDLE_MS = 15 * 60 * 1000

export interface AgentOptions {
  dirDeps?: SocketDirDeps
  /** the environment role credentials are obtained with (the vault mode, AWS endpoints, the TTL): the agent's own */
  env?: NodeJS.ProcessEnv
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
      await agent.fileRotation.restore().catch(() => options.log.write('rotation-restore-failed', {}))
      return {agent, kind: 'started'}
    },
    {timeoutMs: 15_000},
  )
}

export class AgentServer {
  /** Resolves with the reason once the agent has stopped and removed its socket. */
  readonly closed: Promise<string>
  /** the file-mode sessions it keeps fresh in the credentials file */
  readonly fileRotation: FileRotation
  /** the rotations the agent wakes for */
  readonly schedule: Schedule
  /** what the agent holds in memory */
  readonly store: MemoryStore
  private readonly connections = new Set<Socket>()
  private readonly credentials: AgentRoleCredentials
  private readonly idleMs: number
  private idleTimer: NodeJS.Timeout | undefined
  private readonly log: AgentLog
  /** workspace sessions and managed profiles named by a request, resolved at request time */
  private readonly named: AgentNamedRefs
  private readonly now: () => Date
  private readonly paths: AgentPaths
  private resolveClosed!: (reason: string) => void
  private readonly server: Server
  private socketIno: number | undefined
  private readonly startedAt: Date
  private stopping = false
  private vault: undefined | UnlockedVault
  private readonly vaultPath: string
  private vaultTimer: NodeJS.Timeout | undefined

  constructor(options: AgentOptions) {
    this.paths = options.paths
    this.log = options.log
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS
    this.now = options.now ?? (() => new Date())
    this.startedAt = this.now()
    // the file vault of this agent's TERRACE_HOME (the socket folder is TERRACE_HOME/run)
    this.vaultPath = fileVaultPath(dirname(options.paths.runDir))
    this.server = createServer((socket) => this.serve(socket))
    const {timers} = options
    this.store = new MemoryStore(timers ? () => timers.now() : Date.now)
    this.schedule = new Schedule(
      async (entry) => {
        this.log.write('due', {what: entry.what})
        if (this.fileRotation.owns(entry.what)) await this.fileRotation.onDue(entry)
      },
      timers,
      (entry) => this.log.write('rotation-failed', {what: entry.what}),
    )
    this.credentials = new AgentRoleCredentials({
      env: options.env ?? process.env,
      home: dirname(options.paths.runDir),
      log: this.log,
      now: () => this.now().getTime(),
      store: this.store,
      unlocked: () => this.unlocked()?.store,
    })
    this.fileRotation = fileRotationOf({
      env: options.env ?? process.env,
      home: dirname(options.paths.runDir),
      log: this.log,
      now: timers ? () => timers.now() : Date.now,
      obtain: (ref) => this.credentials.get(ref, false),
      schedule: this.schedule,
    })
    this.named = new AgentNamedRefs(dirname(options.paths.runDir), this.log)
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
      rotating: this.fileRotation.count + this.schedule.list().filter((e) => !this.fileRotation.owns(e.what)).length,
      socket: this.paths.socket,
      startedAt: this.startedAt.toISOString(),
      unlocked: this.unlocked() !== undefined,
      unlockedUntil: this.vault ? new Date(this.vault.until).toISOString() : null,
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
  wipe(): {locked: boolean; unscheduled: number; wiped: number} {
    this.fileRotation.clear()
    const counts = {locked: this.lock(), unscheduled: this.schedule.clear(), wiped: this.forgetCredentials()}
    this.log.write('wiped', counts)
    return counts
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer)
    if (this.stopping) return
    this.idleTimer = setTimeout(async () => {
      // holding something or having something to rotate is not idle: look again later
      if (this.store.size > 0 || this.schedule.size > 0 || this.fileRotation.count > 0 || this.unlocked()) {
        this.armIdle()
        return
      }

      await this.stop(`idle for ${Math.round(this.idleMs / 1000)} s`)
    }, this.idleMs)
  }

  /** Forgets every role credential held (zeroed) and the vault the credential source had open; how many were held. */
  private forgetCredentials(): number {
    this.credentials.wipe()
    return this.store.wipe()
  }

  private async handle(request: Request): Promise<Answer> {
    switch (request.op) {
      case 'credentials': {
        return this.roleCredentials(request)
      }

      case 'lock': {
        // what was obtained with the vault goes with it
        const locked = this.lock()
        const wiped = this.forgetCredentials()
        this.log.write('locked', {held: locked, wiped})
        return okAnswer(request.id, {locked, wiped})
      }

      case 'ping': {
        return okAnswer(request.id, {pid: process.pid})
      }

      case 'rotate-register': {
        const session = stringParam(request, 'session')
        if (!session) return errorAnswer(request.id, 'bad-request', 'rotate-register needs a session (its id)')
        return okAnswer(request.id, await this.fileRotation.register(session))
      }

      case 'rotate-unregister': {
        const session = stringParam(request, 'session')
        if (!session) return errorAnswer(request.id, 'bad-request', 'rotate-unregister needs a session (its id)')
        return okAnswer(request.id, {unregistered: this.fileRotation.unregister(session)})
      }

      case 'sso-login': {
        const startUrl = stringParam(request, 'startUrl')
        if (!startUrl) return errorAnswer(request.id, 'bad-request', 'sso-login needs a startUrl')
        return okAnswer(request.id, {expiresAt: await this.credentials.loginExpiry(startUrl)})
      }

      case 'status': {
        return okAnswer(request.id, this.status())
      }

      case 'stop': {
        setImmediate(async () => this.stop('stop request'))
        return okAnswer(request.id, {stopping: true})
      }

      case 'unlock': {
        return this.unlock(request)
      }

      case 'vault-delete': {
        return this.vaultOp(request)
      }

      case 'vault-get': {
        return this.vaultOp(request)
      }

      case 'vault-list': {
        return this.vaultOp(request)
      }

      case 'vault-set': {
        return this.vaultOp(request)
      }

      case 'wipe': {
        return okAnswer(request.id, this.wipe())
      }

      default: {
        return errorAnswer(request.id, 'unknown-op', `op ${String(request.op)} is not served`)
      }
    }
  }

  /** Forgets the unlocked file vault (and its key); whether one was held. */
  private lock(): boolean {
    const held = this.vault !== undefined
    this.vault?.close()
    this.vault = undefined
    clearTimeout(this.vaultTimer)
    return held
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

  /**
   * params: a role ref, a workspace session by id or a managed profile by name (role-ref-params.ts), forceRefresh: 1 to obtain new ones. Never
   * logs what it answers.
   */
  private async roleCredentials(request: Request): Promise<Answer> {
    const parsed = paramsToRef(request.params)
    if ('error' in parsed) return errorAnswer(request.id, 'bad-request', parsed.error)
    const force = request.params?.forceRefresh === 1
    const {ref} = parsed
    const role =
      ref.kind === 'session'
        ? await this.named.session(ref.session)
        : ref.kind === 'profile'
          ? await this.named.profile(ref.profile)
          : ref
    const creds = await this.credentials.get(role, force)
    return okAnswer(request.id, {credentials: creds})
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

  /** params: passphrase (never logged), until (epoch ms, at most 24 h ahead). */
  private async unlock(request: Request): Promise<Answer> {
    const passphrase = stringParam(request, 'passphrase')
    const until = request.params?.until
    const now = this.now().getTime()
    if (!passphrase || typeof until !== 'number' || until <= now || until > now + MAX_UNLOCK_MS + 60_000) {
      return errorAnswer(request.id, 'bad-request', 'unlock needs a passphrase and until (epoch ms, within 24 h)')
    }

    let vault: UnlockedVault
    try {
      vault = await UnlockedVault.open({passphrase, path: this.vaultPath, until})
    } catch (error) {
      this.log.write('unlock-refused', {})
      if (error instanceof VaultError && error.message.startsWith('Wrong passphrase'))
        return errorAnswer(request.id, 'wrong-passphrase', error.message)
      throw error
    }

    this.lock()
    this.vault = vault
    this.vaultTimer = setTimeout(() => this.unlocked(), Math.max(0, until - now) + 10)
    this.vaultTimer.unref()
    this.log.write('unlocked', {until: new Date(until).toISOString()})
    return okAnswer(request.id, {path: this.vaultPath, unlockedUntil: new Date(until).toISOString()})
  }

  /** The unlocked vault, unless none is held or its time is up (then it is forgotten). */
  private unlocked(): undefined | UnlockedVault {
    if (this.vault?.expired(this.now().getTime())) {
      this.lock()
      this.log.write('unlock-expired', {})
    }

    return this.vault
  }

  private async vaultOp(request: Request): Promise<Answer> {
    const vault = this.unlocked()
    if (!vault)
      return errorAnswer(request.id, 'locked', `the file vault ${this.vaultPath} is not unlocked in the agent`)
    const account = stringParam(request, 'account')
    if (request.op === 'vault-list') {
      return okAnswer(request.id, {accounts: await vault.store.list(stringParam(request, 'prefix') ?? '')})
    }

    if (account === undefined) return errorAnswer(request.id, 'bad-request', `${request.op} needs an account`)
    if (request.op === 'vault-get') return okAnswer(request.id, {value: (await vault.store.get(account)) ?? null})
    if (request.op === 'vault-delete') return okAnswer(request.id, {deleted: await vault.store.delete(account)})
    const secret = stringParam(request, 'secret')
    if (secret === undefined) return errorAnswer(request.id, 'bad-request', 'vault-set needs a secret')
    await vault.store.set(account, secret)
    return okAnswer(request.id, {})
  }
}

const delivery = () => import('../workspace/file-delivery.js')

/** The file rotation of an agent: the workspace and registry of its TERRACE_HOME, loaded when first used. */
function fileRotationOf(
  agent: Pick<FileRotationDeps, 'log' | 'now' | 'obtain' | 'schedule'> & {env: NodeJS.ProcessEnv; home: string},
): FileRotation {
  const deps = async () => {
    const {workspaceFiles} = await import('../workspace/workspace-file.js')
    const workspace: WorkspaceStore = {
      files: workspaceFiles(agent.home),
      warn: () => agent.log.write('workspace-notice', {}),
    }
    return {configDir: join(agent.home, 'config'), workspace}
  }

  const records = join(agent.home, 'cache', 'sessions')
  return new FileRotation({
    ...agent,
    deliver: async (id, creds) => (await delivery()).deliverFileCredentials(await deps(), id, creds),
    renewal: async (id, problem) =>
      (await import('../lib/session-records.js')).recordSessionRenewal(records, id, problem, agent.now()),
    sessions: async () => (await delivery()).fileModeSessions((await deps()).workspace),
    target: async (id) => (await delivery()).fileModeRef((await deps()).workspace, id),
    ttlMs: credentialTtlMs(agent.env),
  })
}
