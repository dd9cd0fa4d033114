/**
 * One portal request with retries, for listings of hundreds of accounts: a throttled answer (429,
 * TooManyRequestsException) slows the shared pacer down and is retried; a server failure (5xx) or a dropped
 * connection is retried after an exponential backoff with jitter; anything else (a refused token, access denied)
 * fails at once. Every attempt goes through the pacer and is counted.
 */
import type {Pacer} from './pacer.js'

export interface RequestCounts {
  /** requests sent, retries included */
  requests: number
  /** attempts sent again after a throttled or failed answer */
  retries: number
  /** answers that said "too many requests" */
  throttled: number
}

interface SdkLikeError {
  $metadata?: {httpStatusCode?: number}
  code?: string
  name?: string
}

const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException'])
const DROPPED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'RequestTimeout', 'TimeoutError'])

export function failureKind(error: unknown): 'fatal' | 'throttled' | 'transient' {
  const err = error as SdkLikeError
  const status = err?.$metadata?.httpStatusCode
  if (status === 429 || THROTTLED.has(String(err?.name))) return 'throttled'
  if ((status !== undefined && status >= 500) || DROPPED.has(String(err?.code)) || DROPPED.has(String(err?.name)))
    return 'transient'
  return 'fatal'
}

export interface RetryOptions {
  /** attempts per request in all (1: no retry here, the SDK client's own retries only) */
  maxAttempts: number
  random?: () => number
  signal?: AbortSignal
  sleep?: (ms: number) => Promise<void>
}

const defaultSleep = (ms: number) =>
  new Promise<void>((r) => {
    setTimeout(r, ms)
  })

export async function pacedRequest<T>(
  call: () => Promise<T>,
  pacer: Pacer,
  counts: RequestCounts,
  options: RetryOptions,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep
  const random = options.random ?? Math.random
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted()
    await pacer.pace()
    options.signal?.throwIfAborted()
    counts.requests++
    try {
      const result = await call()
      pacer.speedUp()
      return result
    } catch (error) {
      const kind = failureKind(error)
      if (kind === 'throttled') {
        counts.throttled++
        pacer.slowDown()
      }

      if (kind === 'fatal' || attempt >= options.maxAttempts) throw error
      counts.retries++
      // full jitter over an exponential ceiling: 100 ms, 200 ms, … up to 5 s
      await sleep(Math.min(5000, 100 * 2 ** (attempt - 1)) * (0.5 + random() / 2))
    }
  }
}
