/**
 * Shared set-up of the credential-delivery e2e tests: a sandbox, a temp copy of the sample project with HOME,
 * TERRACE_HOME and TMPDIR inside it, the file vault, and a real `terrace aws sso login` (auto-approved).
 */
import {expect} from 'chai'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SandboxConfigInput} from '../../src/sandbox/index.js'

import {type CliResult, FAKE_BIN_DIR, FAKE_TERRAFORM, runCli} from '../helpers/cli.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

export const STS_IDENTITY = join(FAKE_BIN_DIR, 'sts-identity.mjs')
export const AWS_V2 = '/usr/bin/aws'
export const LAYERS = {
  devstg: join('apps-devstg', 'us-east-1', 'base-network'),
  management: join('management', 'global', 'organizations'),
  shared: join('shared', 'us-east-1', 'base-network'),
}

export interface Scenario {
  dir: string
  env: NodeJS.ProcessEnv
  outputs: CliResult[]
  project: string
  sb: TestSandbox
  /** the TMPDIR terrace and its children get (generated files land here) */
  tmp: string
}

export async function setUp(
  sandboxOverrides: SandboxConfigInput = {},
  sandboxOptions: Parameters<typeof startTestSandbox>[1] = {},
): Promise<Scenario> {
  const sb = await startTestSandbox(
    {
      autoApprove: true,
      ...sandboxOverrides,
      sso: {pollInterval: 1, ...sandboxOverrides.sso},
    },
    sandboxOptions,
  )
  const dir = mkdtempSync(join(tmpdir(), 'terrace-delivery-'))
  const project = join(dir, 'project')
  cpSync(join(import.meta.dirname, '..', '..', 'templates', 'sample-project'), project, {recursive: true})
  const tmp = join(dir, 'tmp')
  mkdirSync(tmp)
  mkdirSync(join(dir, 'home'))
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    AWS_EC2_METADATA_DISABLED: 'true',
    HOME: join(dir, 'home'),
    // as cliEnv: the AWS CLI and SDK a test runs directly (credential_process → terrace) start no agent unless asked
    TERRACE_AGENT: 'off',
    TERRACE_AWS_BIN: AWS_V2,
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_TF_BIN: FAKE_TERRAFORM,
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
    TMPDIR: tmp,
  }
  return {dir, env, outputs: [], project, sb, tmp}
}

export async function tearDown(s: Scenario | undefined): Promise<void> {
  if (!s) return
  await s.sb.stop()
  rmSync(s.dir, {force: true, recursive: true})
}

export async function cli(s: Scenario, args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}) {
  const result = await runCli(args, {cwd: options.cwd ?? s.project, env: {...s.env, ...options.env}})
  s.outputs.push(result)
  return result
}

export async function login(s: Scenario): Promise<void> {
  const result = await cli(s, ['aws', 'sso', 'login', '--no-browser'], {cwd: join(s.project, LAYERS.devstg)})
  expect(result.code, result.stderr).to.equal(0)
}

/** The JSON lines sts-identity.mjs printed. */
export function stsLines(
  stdout: string,
): Array<{accessKeyId?: string; arn?: string; error?: string; profile: null | string}> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
}

export const ssoArn = (account: string, role: string) =>
  new RegExp(`^arn:aws:sts::${account}:assumed-role/AWSReservedSSO_${role}_[0-9a-f]{16}/alice$`)

/** Folders terrace generated for child runs and did not delete. */
export const leftovers = (s: Scenario): string[] => readdirSync(s.tmp).filter((name) => name.startsWith('terrace-'))

export const readJsonLines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
