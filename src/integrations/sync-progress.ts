/**
 * What a sync shows while it reads its source: a bar on a terminal, a line every few seconds otherwise (CI logs).
 */
import type {SourceProgress} from './driver.js'

import {type Progress, startProgress} from '../lib/progress.js'

const WIDTH = 24

export function progressText(progress: SourceProgress, elapsedMs: number, bar: boolean): string {
  const {done, requests, retries, throttled, total, unit} = progress
  const rate = elapsedMs > 0 ? (requests / elapsedMs) * 1000 : 0
  const figures = `${requests} requests, ${rate.toFixed(1)}/s, ${throttled} throttled, ${retries} retries`
  if (total === null) return `reading the ${unit} list… (${figures})`
  const share = total === 0 ? 1 : done / total
  const filled = Math.round(share * WIDTH)
  const gauge = bar ? `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ` : ''
  return `${gauge}${done}/${total} ${unit} (${Math.round(share * 100)}%; ${figures})`
}

export function syncProgress(
  alias: string,
  options: {everyMs?: number; stream?: NodeJS.WriteStream} = {},
): {stop(): void; update(progress: SourceProgress): void} {
  const stream = options.stream ?? process.stderr
  const bar = Boolean(stream.isTTY)
  const started = Date.now()
  const progress: Progress = startProgress(`${alias}: starting the sync…`, {
    plainEveryMs: options.everyMs ?? 3000,
    stream,
  })
  return {
    stop: () => progress.stop(),
    update: (p) => progress.update(`${alias}: ${progressText(p, Date.now() - started, bar)}`),
  }
}
