/**
 * The agent's rotation schedule: a set of (what, when) entries, at most one per what, that the agent wakes for.
 * One timer is armed for the earliest entry; when it fires, every entry that is due leaves the schedule and is
 * handed to onDue, one after the other (onDue may add the next turn of the same what). Time comes from an injected
 * Timers, so tests drive it without sleeping.
 */
export interface Timers {
  clear(handle: unknown): void
  now(): number
  set(callback: () => void, ms: number): unknown
}

export const systemTimers: Timers = {
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
  set(callback, ms) {
    const handle = setTimeout(callback, ms)
    handle.unref() // the schedule alone does not keep the agent alive: its socket does
    return handle
  },
}

export interface ScheduleEntry {
  what: string
  /** epoch ms */
  when: number
}

/** setTimeout's longest delay; a later entry is reached by re-arming on the way. */
const MAX_DELAY_MS = 2_147_483_647

export class Schedule {
  private readonly entries = new Map<string, number>()
  private firing = false
  private handle: unknown = undefined

  constructor(
    private readonly onDue: (entry: ScheduleEntry) => Promise<void> | void,
    private readonly timers: Timers = systemTimers,
    private readonly onError: (entry: ScheduleEntry, error: unknown) => void = () => {},
  ) {}

  get size(): number {
    return this.entries.size
  }

  /** Schedules what at when (epoch ms), replacing an earlier entry for the same what. */
  add(what: string, when: number): void {
    this.entries.set(what, when)
    this.arm()
  }

  /** Removes every entry; returns how many there were. */
  clear(): number {
    const count = this.entries.size
    this.entries.clear()
    this.arm()
    return count
  }

  list(): ScheduleEntry[] {
    return [...this.entries].map(([what, when]) => ({what, when})).sort((a, b) => a.when - b.when)
  }

  /** When the schedule next wakes, null when empty. */
  nextAt(): null | number {
    return this.list()[0]?.when ?? null
  }

  remove(what: string): boolean {
    const removed = this.entries.delete(what)
    this.arm()
    return removed
  }

  private arm(): void {
    if (this.handle !== undefined) this.timers.clear(this.handle)
    this.handle = undefined
    if (this.firing) return // re-armed once the due entries are handled
    const next = this.nextAt()
    if (next === null) return
    const delay = Math.min(Math.max(0, next - this.timers.now()), MAX_DELAY_MS)
    this.handle = this.timers.set(async () => this.fire(), delay)
  }

  private async fire(): Promise<void> {
    this.handle = undefined
    this.firing = true
    try {
      const now = this.timers.now()
      const due = this.list().filter((entry) => entry.when <= now)
      for (const entry of due) this.entries.delete(entry.what)
      for (const entry of due) {
        try {
          await this.onDue(entry)
        } catch (error) {
          this.onError(entry, error)
        }
      }
    } finally {
      this.firing = false
      this.arm()
    }
  }
}
