/**
 * A request rate: calls to `pace()` are spaced so no more than the current rate start in any second. The rate
 * starts at `perSecond` and adapts once per second to how the server answered in it (`slowDown()`: throttled,
 * `speedUp()`: not): more than a quarter throttled cuts the rate by 30% (never under a twentieth of the target);
 * otherwise it wins back a tenth of the target, up to the target. Scattered throttles (a busy portal, or the
 * sandbox's injected faults) are left to the retries; a limit below the rate is followed down.
 */
export interface Pacer {
  /** resolves when the caller may send its next request */
  pace(): Promise<void>
  /** the current rate, requests per second */
  rate(): number
  slowDown(): void
  speedUp(): void
}

export function createPacer(
  perSecond: number,
  deps: {now?: () => number; sleep?: (ms: number) => Promise<void>} = {},
): Pacer {
  const now = deps.now ?? Date.now
  const sleep =
    deps.sleep ??
    ((ms: number) =>
      new Promise<void>((r) => {
        setTimeout(r, ms)
      }))
  let rate = perSecond
  let next = 0
  let window = {ok: 0, start: now(), throttled: 0}
  const adapt = () => {
    const at = now()
    if (at - window.start < 1000) return
    const answers = window.ok + window.throttled
    rate =
      answers > 0 && window.throttled / answers > 0.25
        ? Math.max(perSecond / 20, rate * 0.7)
        : Math.min(perSecond, rate + perSecond / 10)
    window = {ok: 0, start: at, throttled: 0}
  }

  return {
    // A slot is claimed when it is due, at the rate of that moment: callers waiting while the rate was cut do not
    // keep the slow spacing once it recovers. A caller a little late keeps the grid (no drift from timer lateness).
    async pace() {
      for (;;) {
        const at = now()
        if (at >= next) {
          const gap = 1000 / rate
          next = (at - next < gap ? next : at) + gap
          return
        }

        await sleep(next - at)
      }
    },
    rate: () => rate,
    slowDown() {
      window.throttled++
      adapt()
    },
    speedUp() {
      window.ok++
      adapt()
    },
  }
}
