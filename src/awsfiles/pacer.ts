/** A request rate: calls to `pace()` are spaced so no more than `perSecond` start in any second. */
export interface Pacer {
  /** resolves when the caller may send its next request */
  pace(): Promise<void>
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
  const gap = 1000 / perSecond
  let next = 0
  return {
    async pace() {
      const at = Math.max(now(), next)
      next = at + gap
      const wait = at - now()
      if (wait > 0) await sleep(wait)
    },
  }
}
