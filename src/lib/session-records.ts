/**
 * Small non-secret records per workspace session, for `session list` and `current`, in TERRACE_HOME/cache/sessions/:
 *   <id>.expiry   {"expiresAt": ISO}: when the credentials last obtained for the session expire (AWS's expiry);
 *                 written by whoever obtains them (start, rotate, the agent, credential-process, export) through the
 *                 session source, atomically, and only when it changed
 *   <id>.renewal  {"problem": text, "since": ISO}: why terrace's agent cannot renew the session's file-mode keys (an
 *                 MFA code is needed and nobody can type it); removed by the agent's next delivery
 * Only node:fs, read synchronously: `session list` reads them without loading anything else. A missing or damaged
 * record reads as unknown; failing to write one never fails the credential call that wrote it.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'

/** TERRACE_HOME/cache/sessions */
export const sessionRecordDir = (cacheDir: string): string => join(cacheDir, 'sessions')

/** Session ids are random UUIDs; anything else is never a file name here. */
const SAFE_ID = /^[\w-]{1,100}$/

export interface SessionRecord {
  /** epoch ms; null when unknown */
  expiresAt: null | number
  /** why the agent cannot renew the session's keys; null when nothing is wrong */
  renewal: null | string
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'))
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The records of these sessions (one directory listing, then only the files that exist). */
export function readSessionRecords(dir: string, ids: readonly string[]): Map<string, SessionRecord> {
  const records = new Map<string, SessionRecord>()
  if (ids.length === 0) return records
  let names: Set<string>
  try {
    names = new Set(readdirSync(dir))
  } catch {
    return records
  }

  for (const id of ids) {
    if (!SAFE_ID.test(id)) continue
    const expiry = names.has(`${id}.expiry`) ? readJson(join(dir, `${id}.expiry`)) : undefined
    const renewal = names.has(`${id}.renewal`) ? readJson(join(dir, `${id}.renewal`)) : undefined
    const at = typeof expiry?.expiresAt === 'string' ? Date.parse(expiry.expiresAt) : Number.NaN
    const problem = typeof renewal?.problem === 'string' ? renewal.problem : null
    if (!Number.isNaN(at) || problem !== null)
      records.set(id, {expiresAt: Number.isNaN(at) ? null : at, renewal: problem})
  }

  return records
}

async function write(dir: string, name: string, value: unknown): Promise<void> {
  // loaded only to write: `session list` reads records without it
  const {writeFileAtomic} = await import('./atomic-write.js')
  mkdirSync(dir, {mode: 0o700, recursive: true})
  await writeFileAtomic(join(dir, name), `${JSON.stringify(value)}\n`, {durable: false})
}

/** Records when the session's current credentials expire; unchanged records are not rewritten. Never throws. */
export async function recordSessionExpiry(dir: string, id: string, expiresAt: number): Promise<void> {
  if (!SAFE_ID.test(id)) return
  try {
    const iso = new Date(expiresAt).toISOString()
    if (readJson(join(dir, `${id}.expiry`))?.expiresAt === iso) return
    await write(dir, `${id}.expiry`, {expiresAt: iso})
  } catch {
    // a display aid: the credentials were obtained all the same
  }
}

/** Records why the agent cannot renew the session (null: it can again, the record goes). Never throws. */
export async function recordSessionRenewal(
  dir: string,
  id: string,
  problem: null | string,
  now: number,
): Promise<void> {
  if (!SAFE_ID.test(id)) return
  try {
    const path = join(dir, `${id}.renewal`)
    if (problem === null) {
      rmSync(path, {force: true})
      return
    }

    if (readJson(path)?.problem === problem) return
    await write(dir, `${id}.renewal`, {problem, since: new Date(now).toISOString()})
  } catch {
    // a display aid, as above
  }
}

/** Forgets a removed session's records. */
export function removeSessionRecords(dir: string, id: string): void {
  if (!SAFE_ID.test(id)) return
  for (const suffix of ['expiry', 'renewal']) rmSync(join(dir, `${id}.${suffix}`), {force: true})
}

/** "in 42m", "in 3h 05m", "in 2d 4h", "expired"; "-" when unknown. Pure. */
export function expiresIn(expiresAt: null | number, now: number): string {
  if (expiresAt === null) return '-'
  const seconds = Math.floor((expiresAt - now) / 1000)
  if (seconds <= 0) return 'expired'
  if (seconds < 60) return `in ${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `in ${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `in ${hours}h ${String(minutes % 60).padStart(2, '0')}m`
  return `in ${Math.floor(hours / 24)}d ${hours % 24}h`
}
