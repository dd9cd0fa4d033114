/**
 * A request rate: calls to `pace()` are spaced so no more than the current rate start in any second. The rate
 * starts at `perSecond` and adapts: `slowDown()` (the server throttled) cuts it by 30% (at most once per 500 ms, so
 * one burst of throttled answers counts once, and never under a twentieth of the target); each `speedUp()` (an
 * answer that was not throttled) wins back 2% of the target, up to the target.
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
  let lastSlowDown = Number.NEGATIVE_INFINITY
  return {
    async pace() {
      const at = Math.max(now(), next)
      next = at + 1000 / rate
      const wait = at - now()
      if (wait > 0) await sleep(wait)
    },
    rate: () => rate,
    slowDown() {
      if (now() - lastSlowDown < 500) return
      lastSlowDown = now()
      rate = Math.max(perSecond / 20, rate * 0.7)
    },
    speedUp() {
      rate = Math.min(perSecond, rate + perSecond * 0.02)
    },
  }
}
