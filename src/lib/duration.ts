import {UsageError} from './errors.js'

const UNIT_MS = {h: 3_600_000, m: 60_000, s: 1000} as const

/**
 * A duration such as "30m", "8h", "1h30m" or "90s" in milliseconds: hours, minutes and seconds, each at most once,
 * in that order, whole numbers. Anything else, zero, or more than maxMs: UsageError (exit 2) naming flag.
 */
export function parseDuration(text: string, options: {flag: string; maxMs: number}): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim())
  const bad = (why: string) =>
    new UsageError(`${options.flag} ${JSON.stringify(text)}: ${why}`, {
      suggestion: `Give a duration such as 30m, 8h or 1h30m (at most ${formatDuration(options.maxMs)}).`,
    })
  if (!match || text.trim() === '') throw bad('not a duration')
  const [, h, m, s] = match
  const ms = Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m + Number(s ?? 0) * UNIT_MS.s
  if (ms <= 0) throw bad('a duration must be longer than zero')
  if (ms > options.maxMs) throw bad(`longer than the maximum, ${formatDuration(options.maxMs)}`)
  return ms
}

/** 5_400_000 → "1h30m"; 45_000 → "45s". */
export function formatDuration(ms: number): string {
  const h = Math.floor(ms / UNIT_MS.h)
  const m = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m)
  const s = Math.floor((ms % UNIT_MS.m) / UNIT_MS.s)
  const text = `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`
  return text || '0s'
}
