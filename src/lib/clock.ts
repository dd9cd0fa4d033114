import {InterruptedError} from './errors.js'

/** Time, passed in so tests can drive it. */
export interface Clock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new InterruptedError('Interrupted.'))
        return
      }

      const onAbort = () => {
        clearTimeout(timer)
        reject(new InterruptedError('Interrupted.'))
      }

      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal?.addEventListener('abort', onAbort, {once: true})
    }),
}
