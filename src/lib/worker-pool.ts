/**
 * Bounded concurrency: at most `concurrency` tasks in flight over `items`, results in the items' order. The first
 * failure rejects the whole run at once (workers stop taking new items); it never leaves a promise pending. A
 * task that must not stop the others catches its own errors.
 */
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
