import {randomBytes} from 'node:crypto'
import {link, mkdir, readFile, rm, stat, utimes, writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import {dirname} from 'node:path'

import {TerraceError} from './errors.js'

/**
 * A cross-process exclusive lock on a path. The lock file is created atomically (a private temp file hard-linked
 * to the lock path, which fails with EEXIST while someone else holds it) and holds the owner's pid, hostname and
 * start time. Waiters retry with small jittered delays. A lock whose owner died (same host, pid gone) or whose file
 * has not been touched for staleMs is broken. The owner touches the file while it works, so a long but live holder
 * is never taken for stale.
 */
export type LockOptions = {
  /** Called once, when the lock is found held by someone else and this process starts waiting. */
  onWait?: () => void
  /** A lock file untouched for this long is stale (its owner refreshes it every staleMs / 4). Default 60 s. */
  staleMs?: number
  /** How long to wait before giving up with LockTimeoutError. Default 60 s. */
  timeoutMs?: number
}

export type LockOwner = {host: string; pid: number; time: string; token: string}

export class LockTimeoutError extends TerraceError {
  readonly lockPath: string

  constructor(lockPath: string, waitedMs: number, owner?: LockOwner) {
    const holder = owner ? ` (held by pid ${owner.pid} on ${owner.host} since ${owner.time})` : ''
    super(`Timed out after ${Math.round(waitedMs / 1000)} s waiting for the lock ${lockPath}${holder}`, {
      suggestion: `If no other terrace process is running, delete ${lockPath} and retry.`,
    })
    this.lockPath = lockPath
  }
}

const DEFAULT_TIMEOUT_MS = 60_000
const DEFAULT_STALE_MS = 60_000
/** A break-marker (see breakStale) older than this belongs to a process that died while breaking. */
const BREAK_MARKER_STALE_MS = 5000

export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS
  const owner = await acquire(lockPath, {...options, staleMs})
  const heartbeat = setInterval(() => touch(lockPath), Math.max(50, Math.floor(staleMs / 4)))
  heartbeat.unref()
  try {
    return await fn()
  } finally {
    clearInterval(heartbeat)
    await release(lockPath, owner)
  }
}

async function acquire(lockPath: string, options: LockOptions & {staleMs: number}): Promise<LockOwner> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const started = Date.now()
  await mkdir(dirname(lockPath), {mode: 0o700, recursive: true})
  const owner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    time: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  }
  let attempt = 0
  let waiting = false
  for (;;) {
    if (await tryCreate(lockPath, owner)) return owner
    const current = await readOwner(lockPath)
    if (current === undefined && (await ageMs(lockPath)) === undefined) continue // released meanwhile
    if (await isStale(lockPath, current, options.staleMs)) {
      await breakStale(lockPath, current, options.staleMs)
      continue
    }

    if (!waiting) {
      waiting = true
      options.onWait?.()
    }

    const waited = Date.now() - started
    if (waited >= timeoutMs) throw new LockTimeoutError(lockPath, waited, current)
    attempt++
    await sleep(Math.min(retryDelay(attempt), Math.max(1, timeoutMs - waited)))
  }
}

/** 5 ms growing to 100 ms, each with up to 50 % random jitter so waiters do not retry in lockstep. */
function retryDelay(attempt: number): number {
  const base = Math.min(100, 5 * 1.5 ** Math.min(attempt, 10))
  return Math.round(base * (0.5 + Math.random() * 0.5))
}

async function tryCreate(lockPath: string, owner: LockOwner): Promise<boolean> {
  const temporary = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temporary, JSON.stringify(owner), {flag: 'wx', mode: 0o600})
  try {
    await link(temporary, lockPath)
    return true
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false
    throw error
  } finally {
    await rm(temporary, {force: true})
  }
}

async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockOwner>
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') return parsed as LockOwner
  } catch {
    // gone (released meanwhile) or unreadable: the age check decides
  }

  return undefined
}

/** True when the owner is a dead process on this host, or the lock file has not been touched for staleMs. */
export async function isStale(lockPath: string, owner: LockOwner | undefined, staleMs: number): Promise<boolean> {
  if (owner && owner.host === hostname() && !isProcessAlive(owner.pid)) return true
  const age = await ageMs(lockPath)
  return age !== undefined && age > staleMs
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return errorCode(error) !== 'ESRCH'
  }
}

/**
 * Remove a stale lock without racing other breakers: only the holder of `<lock>.break` may remove it, and only
 * after checking the lock is still the same stale one (another waiter may already have broken it and taken a
 * fresh lock, which must not be removed).
 */
async function breakStale(lockPath: string, seen: LockOwner | undefined, staleMs: number): Promise<void> {
  const marker = `${lockPath}.break`
  const markerOwner: LockOwner = {
    host: hostname(),
    pid: process.pid,
    time: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
  }
  if (!(await tryCreate(marker, markerOwner))) {
    const markerAge = await ageMs(marker)
    const other = await readOwner(marker)
    const deadBreaker = other && other.host === hostname() && !isProcessAlive(other.pid)
    await (deadBreaker || (markerAge !== undefined && markerAge > BREAK_MARKER_STALE_MS)
      ? rm(marker, {force: true})
      : sleep(5 + Math.random() * 10))
    return
  }

  try {
    const current = await readOwner(lockPath)
    const same = current?.token === seen?.token
    if (same && (await isStale(lockPath, current, staleMs))) await rm(lockPath, {force: true})
  } finally {
    await rm(marker, {force: true})
  }
}

async function release(lockPath: string, owner: LockOwner): Promise<void> {
  const current = await readOwner(lockPath)
  // Someone broke our lock (we looked stale) and took it: theirs now, leave it.
  if (current && current.token !== owner.token) return
  await rm(lockPath, {force: true})
}

function touch(lockPath: string): void {
  const now = new Date()
  utimes(lockPath, now, now).catch(() => {})
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs
  } catch {
    return undefined
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
}
