/**
 * An IAM Identity Center world for the integration tests: an in-process sandbox with only generated accounts
 * (`count` × `rolesPerAccount`, from `firstIndex`), the portal limited to 20 requests/s, auto-approve, and a
 * terrace home with the file vault. `cli` runs the built CLI in it.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SandboxConfigInput} from '../../src/sandbox/index.js'

import {type CliResult, runCli} from '../helpers/cli.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

export const START_URL = 'https://corp.awsapps.com/start'

export interface World {
  accounts: number
  firstIndex?: number
  latencyMs?: number
  requestsPerSecond?: number
  rolesPerAccount: number
}

export function worldConfig(world: World): (template: SandboxConfigInput) => SandboxConfigInput {
  return (template) => ({
    ...template,
    accounts: {},
    autoApprove: true,
    generateAccounts: {
      count: world.accounts,
      firstIndex: world.firstIndex ?? 1,
      rolesPerAccount: world.rolesPerAccount,
    },
    iamUsers: [],
    latencyMs: world.latencyMs ?? 0,
    rateLimit: {portal: {burst: world.requestsPerSecond ?? 20, requestsPerSecond: world.requestsPerSecond ?? 20}},
  })
}

export interface Scenario {
  cli(...args: string[]): Promise<CliResult>
  dir: string
  env(): NodeJS.ProcessEnv
  home: string
  /** a new sandbox with another world (tokens are gone with the old one: log in again) */
  restart(world: World): Promise<void>
  sb(): TestSandbox
  stop(): Promise<void>
  workspaceFile: string
}

export async function scenario(world: World): Promise<Scenario> {
  let sb = await startTestSandbox(worldConfig(world))
  const dir = mkdtempSync(join(tmpdir(), 'terrace-integration-'))
  const home = join(dir, 'terrace-home')
  const env = (): NodeJS.ProcessEnv => ({
    ...sb.env,
    HOME: dir,
    TERRACE_HOME: home,
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'integration tests passphrase',
  })
  return {
    cli: (...args) => runCli(args, {cwd: dir, env: env()}),
    dir,
    env,
    home,
    async restart(next) {
      await sb.stop()
      sb = await startTestSandbox(worldConfig(next))
    },
    sb: () => sb,
    async stop() {
      await sb.stop()
      rmSync(dir, {force: true, recursive: true})
    },
    workspaceFile: join(home, 'workspace.json'),
  }
}

/** Runs the CLI and fails the test with its output unless it exits 0. */
export async function ok(s: Scenario, ...args: string[]): Promise<CliResult> {
  const result = await s.cli(...args)
  if (result.code !== 0) throw new Error(`terrace ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  return result
}

export interface SyncJson {
  added: Array<{id: string; key: string; name: string}>
  counts: {added: number; removed: number; unchanged: number; updated: number}
  removed: Array<{id: string; key: null | string; name: string; reason: string; stopped: boolean}>
  requests: {elapsedMs: number; ratePerSecond: number; requests: number; retries: number; throttled: number}
  updated: Array<{id: string; key: string; name: string}>
  written: boolean
}

export async function sync(s: Scenario, alias = 'corp', ...flags: string[]): Promise<SyncJson> {
  return JSON.parse((await ok(s, 'integration', 'sync', alias, '--json', ...flags)).stdout) as SyncJson
}

export interface Listed {
  sessions: Array<{
    id: string
    mode: null | string
    name: string
    profile: string
    region: null | string
    source: null | {integration: string; key: string}
    status: string
  }>
}

export async function sessions(s: Scenario): Promise<Listed['sessions']> {
  return (JSON.parse((await ok(s, 'session', 'list', '--json')).stdout) as Listed).sessions
}

/** `n` accounts' keys (`<id>/Role<r>`) from generated index `first`. */
export function keys(first: number, n: number, roles: number): string[] {
  return Array.from({length: n}, (_, i) =>
    Array.from({length: roles}, (_, r) => `${900_000_000_000 + first + i}/Role${r + 1}`),
  ).flat()
}
