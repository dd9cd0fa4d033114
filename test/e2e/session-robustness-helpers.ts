/**
 * Shared by the session robustness tests (concurrency, kill -9): a seeded PRNG that prints its seed, the scenario
 * (sandbox, SSO login, a few SSO-role sessions sharing profiles), and the consistency checks of the workspace, the
 * profile registry and the managed blocks of the user's AWS config and credentials files.
 */
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {BLOCK_BEGIN, BLOCK_END} from '../../src/awsfiles/managed-block.js'
import {migrate} from '../../src/workspace/migrate.js'
import {validateWorkspace} from '../../src/workspace/validate.js'
import {AWS_V2, cli, login, type Scenario, setUp, ssoArn} from './delivery-helpers.js'

/** Park–Miller (MINSTD): small and good enough to pick operations; the same seed replays the same choices. */
export function seededRandom(seed: number): () => number {
  const modulus = 2_147_483_647
  let state = (Math.abs(Math.floor(seed)) % (modulus - 1)) + 1
  return () => {
    state = (state * 48_271) % modulus
    return (state - 1) / (modulus - 1)
  }
}

/** The seed from `variable` (to replay a failure), else a random one; printed either way. */
export function testSeed(variable: string): number {
  const given = process.env[variable]
  const seed = given === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(given)
  console.log(`      seed ${seed} (replay: ${variable}=${seed})`)
  return seed
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]

/** The sessions: name, account, role; they share the profiles in PROFILES. */
export const SESSIONS = [
  {account: '111111111111', name: 's-admin', profile: 'pa', role: 'Administrator'},
  {account: '333333333333', name: 's-devops', profile: 'pa', role: 'DevOps'},
  {account: '111111111111', name: 's-admin2', profile: 'pb', role: 'Administrator'},
  {account: '333333333333', name: 's-devops2', profile: 'pb', role: 'DevOps'},
  {account: '111111111111', name: 's-admin3', profile: 'pc', role: 'Administrator'},
] as const
export const PROFILES = ['pa', 'pb', 'pc'] as const

/** The user's own bytes at the start (no block yet): terrace must keep them and everything appended later. */
export const USER_CONFIG_START = '# my own config\n[profile mine]\nregion = eu-west-1\n'
export const USER_CREDS_START =
  '# my own keys\n[mine]\naws_access_key_id = AKIAMINE0000000000\naws_secret_access_key = x\n'

export interface SessionScenario extends Scenario {
  configFile: string
  credentialsFile: string
}

/** Sandbox, SSO login, the AWS files under HOME named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, SESSIONS added. */
export async function setUpSessions(): Promise<SessionScenario> {
  const s = await setUp()
  const aws = join(s.env.HOME!, '.aws')
  mkdirSync(aws, {recursive: true})
  const configFile = join(aws, 'config')
  const credentialsFile = join(aws, 'credentials')
  writeFileSync(configFile, USER_CONFIG_START)
  writeFileSync(credentialsFile, USER_CREDS_START)
  Object.assign(s.env, {AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile})
  await login(s)
  const sso = ['--start-url', 'https://bb-sandbox.awsapps.com/start', '--sso-region', 'us-east-1']
  for (const x of SESSIONS) {
    const added = await cli(s, [
      'session',
      'add',
      'sso-role',
      '--name',
      x.name,
      '--profile',
      x.profile,
      ...sso,
      '--account-id',
      x.account,
      '--role',
      x.role,
    ])
    expect(added.code, added.stderr).to.equal(0)
  }

  return {...s, configFile, credentialsFile}
}

export interface WorkspaceSession {
  id: string
  mode: 'file' | 'process' | null
  name: string
  profile: string
  region: null | string
  status: 'active' | 'inactive' | 'pending'
}

/** workspace.json parsed and validated by terrace's own migrate + validate (throws when it is not valid). */
export function readValidWorkspace(s: Scenario): {defaultRegion: null | string; sessions: WorkspaceSession[]} {
  const text = readFileSync(join(s.env.TERRACE_HOME!, 'workspace.json'), 'utf8')
  return validateWorkspace(migrate(JSON.parse(text))) as unknown as {
    defaultRegion: null | string
    sessions: WorkspaceSession[]
  }
}

/** The registry's session entries: profile → session id (other entries, of `aws configure sso`, left out). */
export function registrySessions(s: Scenario): Map<string, {credentialsFile?: string; session: string}> {
  const file = join(s.env.TERRACE_HOME!, 'config', 'profiles.json')
  if (!existsSync(file)) return new Map()
  const profiles = JSON.parse(readFileSync(file, 'utf8')).profiles as Record<
    string,
    {credentialsFile?: string; ref: {kind: string; session?: string}}
  >
  return new Map(
    Object.entries(profiles).flatMap(([name, entry]) =>
      entry.ref.kind === 'session'
        ? [[name, {credentialsFile: entry.credentialsFile, session: entry.ref.session!}]]
        : [],
    ),
  )
}

export interface SplitFile {
  /** the sections of the managed block, in order: header name and their lines */
  block: Array<{lines: string[]; name: string}>
  /** every byte outside the managed block (the marker lines and what is between them taken out) */
  outside: string
}

/** Splits an AWS file into its managed block's sections and the bytes outside it; at most one block. */
export function splitAwsFile(text: string, style: 'config' | 'credentials'): SplitFile {
  const lines = text.split('\n')
  const begins = lines.flatMap((line, i) => (line === BLOCK_BEGIN ? [i] : []))
  const ends = lines.flatMap((line, i) => (line === BLOCK_END ? [i] : []))
  expect(begins.length, 'one begin marker at most').to.be.at.most(1)
  expect(ends.length, 'as many end markers as begin markers').to.equal(begins.length)
  if (begins.length === 0) return {block: [], outside: text}
  const [begin, end] = [begins[0], ends[0]]
  expect(end).to.be.greaterThan(begin)
  const block: SplitFile['block'] = []
  for (const line of lines.slice(begin + 1, end)) {
    const header = /^\[(.*)\]$/.exec(line)
    if (header) {
      const name = style === 'config' ? header[1].replace(/^profile /, '') : header[1]
      block.push({lines: [], name})
    } else if (line.trim() !== '') {
      expect(block.length, `a setting before any section in the block: ${line}`).to.be.greaterThan(0)
      block.at(-1)!.lines.push(line)
    }
  }

  const outside = [...lines.slice(0, begin), ...lines.slice(end + 1)].join('\n')
  return {block, outside}
}

/**
 * Everything agrees with the workspace: each profile served by at most one session (workspace, config block,
 * credentials block), each active process-mode session's credential_process profile in the config block, each active
 * file-mode session's keys in the credentials block (region-only config section), nothing for other profiles; the
 * registry's session entries are exactly the active sessions. Returns the active sessions.
 */
export function expectFilesServeWorkspace(s: SessionScenario): WorkspaceSession[] {
  const workspace = readValidWorkspace(s)
  const active = workspace.sessions.filter((x) => x.status === 'active')
  const byProfile = new Map<string, WorkspaceSession>()
  for (const session of active) {
    expect(byProfile.has(session.profile), `two active sessions on ${session.profile}`).to.equal(false)
    byProfile.set(session.profile, session)
  }

  const config = splitAwsFile(readFileSync(s.configFile, 'latin1'), 'config')
  const credentials = splitAwsFile(readFileSync(s.credentialsFile, 'latin1'), 'credentials')
  const configNames = config.block.map((x) => x.name)
  const credentialNames = credentials.block.map((x) => x.name)
  expect(new Set(configNames).size, `config block sections: ${configNames}`).to.equal(configNames.length)
  expect(new Set(credentialNames).size, `credentials block sections: ${credentialNames}`).to.equal(
    credentialNames.length,
  )
  const explain = () =>
    `workspace: ${JSON.stringify(workspace.sessions.map((x) => [x.name, x.profile, x.status, x.mode]))}\nconfig block: ${JSON.stringify(config.block)}\ncredentials block: ${JSON.stringify(credentialNames)}`
  expect(configNames.sort(), explain()).to.deep.equal([...byProfile.keys()].sort())
  const fileMode = active.filter((x) => x.mode === 'file').map((x) => x.profile)
  expect(credentialNames.sort(), explain()).to.deep.equal(fileMode.sort())
  for (const section of config.block) {
    const session = byProfile.get(section.name)!
    const process = section.lines.filter((line) => line.startsWith('credential_process = '))
    if (session.mode === 'file') expect(process, explain()).to.deep.equal([])
    else {
      expect(process, explain()).to.have.length(1)
      expect(process[0].endsWith(`credential-process --session ${session.id}`), explain()).to.equal(true)
    }
  }

  for (const section of credentials.block) {
    expect(
      section.lines.map((line) => line.split(' = ')[0]),
      explain(),
    ).to.deep.equal(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'])
  }

  const registry = registrySessions(s)
  expect(
    Object.fromEntries([...registry].map(([profile, entry]) => [profile, entry.session])),
    `registry\n${explain()}`,
  ).to.deep.equal(Object.fromEntries(active.map((x) => [x.profile, x.id])))
  return active
}

/** The plain AWS CLI with the user's files: the identity a profile gives, or the error. */
export function awsIdentity(s: Scenario, profile: string): Promise<{arn?: string; error?: string}> {
  return new Promise((resolve) => {
    execFile(
      AWS_V2,
      ['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json', '--endpoint-url', s.sb.url],
      {cwd: s.dir, env: {...s.env, PATH: process.env.PATH}},
      (error, stdout, stderr) => resolve(error ? {error: stderr} : {arn: JSON.parse(stdout).Arn as string}),
    )
  })
}

/** Each active session's profile gives that session's identity to a plain `aws sts get-caller-identity`. */
export async function expectAwsServes(s: Scenario, active: WorkspaceSession[]): Promise<void> {
  for (const session of active) {
    const expected = SESSIONS.find((x) => x.name === session.name)!
    const identity = await awsIdentity(s, session.profile)
    expect(identity.error, `aws --profile ${session.profile} (${session.name}, ${session.mode})`).to.equal(undefined)
    expect(identity.arn).to.match(ssoArn(expected.account, expected.role))
  }
}

/** A terrace failure a user may see: a typed error's exit code (2 usage, 4 configuration), never 1 or a stack. */
export function expectCleanOutcome(
  label: string,
  result: {code: null | number; signal: null | string; stderr: string},
) {
  expect(result.signal, `${label}: killed\n${result.stderr}`).to.equal(null)
  expect(result.code, `${label}: exit ${result.code}\n${result.stderr}`).to.be.oneOf([0, 2, 4])
  expect(result.stderr, `${label}: a stack trace`).not.to.match(/^\s+at .+:\d+:\d+\)?$/m)
}

/** `outside` is exactly `expected`; on a difference, says where it starts and which user lines are missing or extra. */
export function expectSameBytes(label: string, outside: string, expected: string): void {
  if (outside === expected) return
  let at = 0
  while (at < outside.length && outside[at] === expected[at]) at++
  const actualLines = outside.split('\n')
  const expectedLines = expected.split('\n')
  const missing = expectedLines.filter((line) => !actualLines.includes(line))
  const extra = actualLines.filter((line) => !expectedLines.includes(line))
  expect.fail(
    `${label}: differs from byte ${at}: expected ${JSON.stringify(expected.slice(at, at + 80))}, found ${JSON.stringify(outside.slice(at, at + 80))}; lengths ${outside.length} vs ${expected.length}; missing lines ${JSON.stringify(missing.slice(0, 5))}, extra lines ${JSON.stringify(extra.slice(0, 5))}`,
  )
}
