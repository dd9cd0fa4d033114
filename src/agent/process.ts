import {readFileSync} from 'node:fs'

import {isProcessAlive} from '../lib/lock.js'

/**
 * Whether a process runs: it exists and is not a zombie (an agent started detached is reparented, and where
 * nothing reaps it, its exit leaves a zombie entry until then).
 */
export function isRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false

  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no /proc (macOS): kill(0) is the answer
  }
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  for (;;) {
    if (await condition()) return true
    if (Date.now() > until) return false
    await new Promise((resolve) => {
      setTimeout(resolve, 20)
    })
  }
}
