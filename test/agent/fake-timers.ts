import {type Timers} from '../../src/agent/schedule.js'

/** Timers driven by the test: nothing fires until advance() moves the clock past it. */
export class FakeTimers implements Timers {
  time: number
  private nextId = 1
  private readonly pending = new Map<number, {at: number; callback: () => void}>()

  constructor(start = 1_000_000) {
    this.time = start
  }

  get armed(): number {
    return this.pending.size
  }

  /** Moves the clock forward, firing each timer in order at its time and letting its async work settle. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms
    for (;;) {
      const next = [...this.pending].sort(([, a], [, b]) => a.at - b.at)[0]
      if (!next || next[1].at > target) break
      this.pending.delete(next[0])
      this.time = next[1].at
      next[1].callback()
      await settle()
    }

    this.time = target
    await settle()
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number)
  }

  now(): number {
    return this.time
  }

  set(callback: () => void, ms: number): unknown {
    // node's setTimeout fires at once for a longer delay (with a warning): a schedule must never ask for one
    if (ms > 2_147_483_647) throw new RangeError(`a timer of ${ms} ms`)
    const id = this.nextId++
    this.pending.set(id, {at: this.time + ms, callback})
    return id
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await new Promise<void>((resolve) => {
      setImmediate(resolve)
    })
  }
}
