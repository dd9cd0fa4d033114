import {existsSync, readdirSync, readFileSync} from 'node:fs'

import {isRunning} from '../../src/agent/process.js'

/** The running processes whose environment holds `NAME=value` (Linux /proc; empty elsewhere). */
export function processesWithEnv(name: string, value: string): number[] {
  if (!existsSync('/proc')) return []
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${name}=${value}`)
      } catch {
        return false
      }
    })
    .filter((pid) => isRunning(pid))
}
