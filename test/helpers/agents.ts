/**
 * terrace's agent in the e2e tests: the agents a test started (seen through `agent status --json`, or named by
 * `vault unlock`), stopped and killed, should they not stop, before the test ends; and storms of parallel
 * `credential-process` runs from a process of their own (fixtures/bin/credential-process-storm.mjs).
 */
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import {isRunning, waitUntil} from '../../src/agent/process.js'
import {cliEnv, type CliResult, collect, FAKE_BIN_DIR} from './cli.js'

const STORM = join(FAKE_BIN_DIR, 'credential-process-storm.mjs')

/** What the tests read of `agent status --json`. */
export interface AgentStatus {
  cachedCredentials: number
  pid: null | number
  running: boolean
}

export interface AgentTracker {
  /** every agent pid seen so far, in the order first seen */
  agents: Set<number>
  /** `agent status --json` (exit 0 expected); its pid is tracked */
  status(): Promise<AgentStatus>
  /** `agent stop`, then SIGKILL for each tracked agent still running; fails unless all are gone within 10 s */
  stop(): Promise<void>
}

/** `run` runs the built CLI with the test's folder and environment (read at each call). */
export function agentTracker(run: (args: string[]) => Promise<CliResult>): AgentTracker {
  const agents = new Set<number>()
  return {
    agents,
    async status() {
      const result = await run(['agent', 'status', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      const parsed = JSON.parse(result.stdout) as AgentStatus
      if (parsed.pid) agents.add(parsed.pid)
      return parsed
    },
    async stop() {
      await run(['agent', 'stop'])
      for (const pid of agents) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
      expect(await waitUntil(() => [...agents].every((pid) => !isRunning(pid)), 10_000)).to.equal(true)
    },
  }
}

export type StormResult = CliResult & {profile: string}

/**
 * COUNT `credential-process` runs at once from a process of their own, with `env` (COUNT, PROFILES and the storm's
 * other variables included); exit 0 expected. Each run's output is pushed to `outputs` (for the leak scans).
 */
export async function credentialProcessStorm(options: {
  cwd: string
  env: NodeJS.ProcessEnv
  outputs: CliResult[]
}): Promise<{killedAfter: null | number; results: StormResult[]}> {
  const child = spawn(process.execPath, [STORM], {cwd: options.cwd, env: cliEnv(options.env)})
  const out = await collect(child)
  expect(out.code, out.stderr).to.equal(0)
  const parsed = JSON.parse(out.stdout) as {killedAfter: null | number; results: StormResult[]}
  options.outputs.push(...parsed.results)
  return parsed
}
