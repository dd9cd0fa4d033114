/**
 * Mocha root hooks (loaded by .mocharc.json for every run): a test run leaves no terrace agent running. Agents that
 * ran before the run started are not this run's; any other `… agent run …` process still there at the end (after a
 * grace period for agents told to stop) fails the run under CI=true, naming it, and is killed so it does not outlive
 * the run. Elsewhere several runs may share the machine (their agents are not this run's): a warning names them.
 */
import type {Context} from 'mocha'

import {readdirSync, readFileSync} from 'node:fs'

import {isRunning, waitUntil} from '../../src/agent/process.js'

/** The pids of terrace agents running now (`node …/run.js agent run …`), with their command lines. */
function runningAgents(): Map<number, string> {
  const agents = new Map<number, string>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let cmdline: string
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
    } catch {
      continue
    }

    if (cmdline.includes('\0agent\0run\0') || cmdline.endsWith('\0agent\0run')) {
      agents.set(Number(entry), cmdline.replaceAll('\0', ' ').trim())
    }
  }

  return agents
}

let before = new Set<number>()

/** The agents started since the run began. */
const startedSince = (): Array<[number, string]> => [...runningAgents()].filter(([pid]) => !before.has(pid))

export const mochaHooks = {
  async afterAll(this: Context): Promise<void> {
    this.timeout(30_000)
    await waitUntil(() => startedSince().length === 0, 10_000)
    const leftover = startedSince()
    if (leftover.length === 0) return
    const list = leftover.map(([pid, cmd]) => `  ${pid} ${cmd}`).join('\n')
    if (process.env.CI !== 'true') {
      console.warn(
        `warning: terrace agents started during this run are still running (this run's or another's):\n${list}`,
      )
      return
    }

    for (const [pid] of leftover) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
    throw new Error(`the test run left ${leftover.length} terrace agent(s) running (killed now):\n${list}`)
  },
  beforeAll(): void {
    before = new Set(runningAgents().keys())
  },
}
