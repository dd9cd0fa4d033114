/**
 * Bounded concurrency plus a request rate: at most `concurrency` tasks in flight, and calls to `pace()` spaced
 * so no more than `perSecond` start in any second. The first failure rejects the whole run at once (workers
 * stop taking new items); it never leaves a promise pending.
 */
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

export async function mapPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  onSettled?: (done: number, total: number) => void,
): Promise<R[]> {
  const results: R[] = Array.from({length: items.length})
  let nextIndex = 0
  let done = 0
  let failed = false
  const worker = async () => {
    while (!failed && nextIndex < items.length) {
      const index = nextIndex++
      try {
        results[index] = await task(items[index], index)
      } catch (error) {
        failed = true
        throw error
      }

      onSettled?.(++done, items.length)
    }
  }

  await Promise.all(Array.from({length: Math.max(1, Math.min(concurrency, items.length))}, worker))
  return results
}
