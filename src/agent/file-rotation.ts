/**
 * The agent's rotation of file-mode sessions (`session start --mode file`): their short-lived keys sit in the AWS
 * credentials file, where no tool renews them, so the agent writes fresh ones before the held ones stop being fresh
 * (the TTL rule: never older than TERRACE_CREDENTIAL_TTL, at most 30 minutes, nor close to AWS's expiry). Each
 * session is one entry of the agent's schedule (`file:<id>`); a turn obtains credentials (held ones while fresh,
 * else new), delivers them, and schedules the next turn at heldUntil. A session no longer active in file mode is
 * dropped at its next turn; a turn that fails is retried shortly. A turn that needs an MFA code (the cached MFA
 * session of an IAM user at the chain's root has ended; held and cached sessions are reused while valid) cannot be
 * done here: the agent log says so plainly and the session's renewal record (shown by `session list` and `current`)
 * names the fix, until a turn delivers again. A starting agent re-registers every active
 * file-mode session of the workspace (restore), so a restarted agent keeps rotating.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {SessionRef} from '../lib/role-refs.js'
import type {Schedule, ScheduleEntry} from './schedule.js'

import {handedOutExpiration, renewMarginMs} from '../auth/credentials/ttl.js'
import {heldUntil} from './role-credentials.js'

export const FILE_ROTATION_PREFIX = 'file:'

export interface FileRotationDeps {
  /** writes the session's credentials into its credentials file; false when it no longer serves them there */
  deliver(id: string, creds: AwsCredentials): Promise<boolean>
  log: {write(event: string, fields?: Record<string, boolean | number | string | undefined>): void}
  now(): number
  /** the session's credentials: held ones while fresh, else obtained */
  obtain(ref: SessionRef): Promise<AwsCredentials>
  /**
   * records why the session's keys cannot be renewed (null: they were again), for `session list` and `current`
   * (lib/session-records.ts); never throws
   */
  renewal?(id: string, problem: null | string): Promise<void>
  schedule: Pick<Schedule, 'add' | 'list' | 'remove'>
  /** the ids of the sessions active in file mode */
  sessions(): Promise<string[]>
  /** what to obtain for the session, null when it is not active in file mode */
  target(id: string): Promise<null | SessionRef>
  ttlMs: number
}

export type TurnResult = {delivered: false} | {delivered: true; expiresAt: number; nextAt: number}

export class FileRotation {
  /** credentials written by turns of this agent */
  deliveries = 0
  /** session names by id, for messages (from the refs of their turns) */
  private readonly names = new Map<string, string>()
  /** the sessions it rotates: scheduled, or with a turn under way (out of the schedule while it runs) */
  private readonly registered = new Set<string>()

  constructor(private readonly deps: FileRotationDeps) {}

  /** How many sessions it rotates. */
  get count(): number {
    return this.registered.size
  }

  /** Forgets every session (the agent's wipe clears the schedule). */
  clear(): void {
    this.registered.clear()
  }

  /** A due entry of the schedule: one turn, its failure retried shortly. */
  async onDue(entry: ScheduleEntry): Promise<void> {
    const id = entry.what.slice(FILE_ROTATION_PREFIX.length)
    if (!this.registered.has(id)) return
    try {
      await this.turn(id)
    } catch (error) {
      if (!this.registered.has(id)) return
      const retryAt = this.deps.now() + this.retryMs()
      this.deps.schedule.add(entry.what, retryAt)
      const name = error instanceof Error ? error.name : 'failed'
      if (name === 'MfaError') {
        // the cached MFA session ended and a new one needs a code: nobody can type it here
        const who = this.names.get(id) ?? id
        const problem = `its MFA session expired and a new one needs a code, which the agent cannot ask for. Run \`terrace session rotate ${who}\` on a terminal (it asks the code once; the agent then renews the keys again).`
        this.deps.log.write('rotation-needs-mfa', {
          message: `session ${who}: ${problem}`,
          retryAt: new Date(retryAt).toISOString(),
          session: id,
        })
        await this.deps.renewal?.(id, problem)
        return
      }

      this.deps.log.write('rotation-failed', {error: name, retryAt: new Date(retryAt).toISOString(), session: id})
    }
  }

  owns(what: string): boolean {
    return what.startsWith(FILE_ROTATION_PREFIX)
  }

  /**
   * `rotate-register`: a turn now, so the answer says whether the agent can obtain and deliver the session's
   * credentials. A failed turn is still retried shortly (the vault may be unlocked later), and rethrown.
   */
  async register(id: string): Promise<TurnResult> {
    this.registered.add(id)
    try {
      return await this.turn(id)
    } catch (error) {
      if (this.registered.has(id)) this.deps.schedule.add(FILE_ROTATION_PREFIX + id, this.deps.now() + this.retryMs())
      throw error
    }
  }

  /** Schedules a turn now for every session active in file mode; how many. */
  async restore(): Promise<number> {
    const ids = await this.deps.sessions()
    for (const id of ids) {
      this.registered.add(id)
      this.deps.schedule.add(FILE_ROTATION_PREFIX + id, this.deps.now())
    }

    if (ids.length > 0) this.deps.log.write('rotation-restored', {sessions: ids.length})
    return ids.length
  }

  /** `rotate-unregister`: no more turns for the session; whether it had one scheduled. */
  unregister(id: string): boolean {
    this.deps.schedule.remove(FILE_ROTATION_PREFIX + id)
    return this.registered.delete(id)
  }

  private retryMs(): number {
    return Math.max(1000, Math.min(30_000, renewMarginMs(this.deps.ttlMs)))
  }

  /** Obtains and delivers the session's credentials, and schedules the next turn before they stop being fresh. */
  private async turn(id: string): Promise<TurnResult> {
    const what = FILE_ROTATION_PREFIX + id
    const ref = await this.deps.target(id)
    if (ref) this.names.set(id, ref.name)
    const creds = ref ? await this.deps.obtain(ref) : undefined
    if (!creds || !(await this.deps.deliver(id, creds))) {
      this.registered.delete(id)
      this.deps.schedule.remove(what)
      this.deps.log.write('rotation-dropped', {session: id})
      return {delivered: false}
    }

    this.deliveries++
    await this.deps.renewal?.(id, null)
    const nextAt = heldUntil(creds, this.deps.ttlMs)
    // unregistered while this turn was under way: no next turn
    if (this.registered.has(id)) this.deps.schedule.add(what, nextAt)
    this.deps.log.write('rotated', {next: new Date(nextAt).toISOString(), session: id})
    return {delivered: true, expiresAt: handedOutExpiration(creds, this.deps.ttlMs), nextAt}
  }
}
