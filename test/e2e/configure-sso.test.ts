/**
 * Issue 5 item 4 end to end: `terrace aws configure sso` writes a managed block into the user's AWS config, the
 * real AWS CLI v2 uses a generated profile from an unrelated folder (through `terrace credential-process`),
 * `--all` lists every reachable SSO role under the portal's rate limit, and `aws sso logout` keeps the profiles
 * (they hold no secret): they say to log in until the next login.
 */
import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BLOCK_BEGIN, BLOCK_END} from '../../src/awsfiles/managed-block.js'
import {assertBuilt, type CliResult, REPO, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const AWS_V2 = '/usr/bin/aws'
const LAYER = join('apps-devstg', 'us-east-1', 'base-network')
const USER_CONFIG = [
  '# my own AWS settings',
  '[default]',
  'region = eu-west-1',
  'output = json',
  '',
  '; a profile of mine, with trailing spaces   ',
  '[profile personal]',
  'region = us-west-2',
  '',
].join('\n')
const PROJECT_PROFILES = [
  'bb-apps-devstg-devops',
  'bb-apps-prd-devops',
  'bb-management-administrator',
  'bb-network-devops',
  'bb-security-devops',
  'bb-shared-devops',
]

interface Scenario {
  configFile: string
  dir: string
  env: NodeJS.ProcessEnv
  layer: string
  outputs: CliResult[]
  sb: TestSandbox
}

async function setUp(overrides: Parameters<typeof startTestSandbox>[0] = {}): Promise<Scenario> {
  const sb = await startTestSandbox({autoApprove: true, ...overrides})
  const dir = mkdtempSync(join(tmpdir(), 'terrace-configure-sso-'))
  cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
  mkdirSync(join(dir, 'home', '.aws'), {recursive: true})
  const configFile = join(dir, 'home', '.aws', 'my-config')
  writeFileSync(configFile, USER_CONFIG, {mode: 0o640})
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    AWS_CONFIG_FILE: configFile,
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
  }
  return {configFile, dir, env, layer: join(dir, 'project', LAYER), outputs: [], sb}
}

async function cli(s: Scenario, args: string[], cwd = s.layer, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const result = await runCli(args, {cwd, env: {...s.env, ...env}})
  s.outputs.push(result)
  return result
}

async function tearDown(s: Scenario | undefined) {
  await s?.sb.stop()
  if (s) rmSync(s.dir, {force: true, recursive: true})
}

/** The file must be the user's bytes followed by exactly one managed block. */
function blockOf(text: string): string {
  expect(text.startsWith(USER_CONFIG), 'the user part is byte-identical').to.equal(true)
  const block = text.slice(USER_CONFIG.length)
  expect(block.startsWith(`${BLOCK_BEGIN}\n`)).to.equal(true)
  expect(block.endsWith(`${BLOCK_END}\n`)).to.equal(true)
  return block
}

function runAws(args: string[], options: {cwd: string; env: NodeJS.ProcessEnv}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(AWS_V2, args, {cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c
    })
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({code, signal, stderr, stdout}))
  })
}

describe('e2e: aws configure sso', () => {
  describe('project profiles, the real AWS CLI, logout', function () {
    this.timeout(120_000)
    let s: Scenario

    before(async () => {
      assertBuilt()
      s = await setUp()
    })

    after(() => tearDown(s))

    /** The project's profiles written (or found unchanged): what the tests that use them start from. */
    async function configured(): Promise<void> {
      const result = await cli(s, ['aws', 'configure', 'sso'])
      expect(result.code, result.stderr).to.equal(0)
    }

    it('outside a project: exit 3, nothing written', async () => {
      const before = readFileSync(s.configFile, 'utf8')
      const result = await cli(s, ['aws', 'configure', 'sso'], s.dir)
      expect(result.code, result.stderr).to.equal(3)
      expect(readFileSync(s.configFile, 'utf8')).to.equal(before)
    })

    it('writes one profile per project (account, role), byte-identical outside the block, mode kept', async () => {
      const result = await cli(s, ['aws', 'configure', 'sso', '--json'], join(s.dir, 'project', 'apps-devstg'))
      expect(result.code, result.stderr).to.equal(0)
      const json = JSON.parse(result.stdout)
      expect(json.configFile).to.equal(s.configFile)
      expect(json.profiles.map((p: {name: string}) => p.name)).to.deep.equal(PROJECT_PROFILES)
      expect(json.profiles[0]).to.deep.equal({
        accountId: '555555555555',
        name: 'bb-apps-devstg-devops',
        region: 'us-east-1',
        role: 'DevOps',
        status: 'written',
      })
      const block = blockOf(readFileSync(s.configFile, 'utf8'))
      expect(block).to.include(
        `[profile bb-apps-devstg-devops]\ncredential_process = "${process.execPath}" "${join(REPO, 'bin', 'run.js')}" credential-process --profile bb-apps-devstg-devops\nregion = us-east-1\n`,
      )
      expect(statSync(s.configFile).mode % 0o1000).to.equal(0o640)
      const registry = JSON.parse(readFileSync(join(s.dir, 'terrace-home', 'config', 'profiles.json'), 'utf8'))
      expect(Object.keys(registry.profiles).sort()).to.deep.equal(PROJECT_PROFILES)
      expect(registry.profiles['bb-management-administrator'].ref).to.include({
        accountId: '111111111111',
        role: 'Administrator',
        startUrl: 'https://bb-sandbox.awsapps.com/start',
      })
    })

    it('a second run changes nothing and says so', async () => {
      await configured()
      const before = readFileSync(s.configFile)
      const mtime = statSync(s.configFile).mtimeMs
      const result = await cli(s, ['aws', 'configure', 'sso'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.match(/unchanged/)
      expect(result.stdout.trim().split('\n')).to.have.length(6)
      expect(result.stdout).to.match(/^unchanged +bb-apps-devstg-devops +555555555555 DevOps us-east-1$/m)
      expect(readFileSync(s.configFile).equals(before)).to.equal(true)
      expect(statSync(s.configFile).mtimeMs).to.equal(mtime)
    })

    it('a user profile with a managed name is skipped, the others written, exit 4 at the end naming it and the file', async () => {
      const clashing = join(s.dir, 'home', '.aws', 'clashing')
      const text = '[profile bb-shared-devops]\r\nregion = eu-central-1\r\n'
      writeFileSync(clashing, text)
      const result = await cli(s, ['aws', 'configure', 'sso'], s.layer, {AWS_CONFIG_FILE: clashing})
      expect(result.code, result.stderr).to.equal(4)
      expect(result.stderr).to.include(`bb-shared-devops (${clashing}:1)`)
      expect(result.stderr).to.match(/wrote 5 profiles, 0 unchanged, 1 skipped/)
      expect(result.stderr).not.to.match(/\n\s+at /)
      expect(result.stdout).to.match(/^skipped +bb-shared-devops /m)
      const written = readFileSync(clashing, 'utf8')
      expect(written.startsWith(text), 'the user bytes are kept').to.equal(true)
      const block = written.slice(text.length)
      expect(block.match(/^\[profile /gm)).to.have.length(5)
      expect(block).to.not.include('bb-shared-devops')
      for (const name of PROJECT_PROFILES.filter((n) => n !== 'bb-shared-devops'))
        expect(block).to.include(`[profile ${name}]\r\n`)
    })

    it('the real AWS CLI v2 uses a generated profile from an unrelated folder', async function () {
      requireOrSkip(this, existsSync(AWS_V2), `the real AWS CLI v2 is not at ${AWS_V2}`)
      await configured()
      const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
      expect(login.code, login.stderr).to.equal(0)
      const elsewhere = mkdtempSync(join(tmpdir(), 'terrace-unrelated-'))
      try {
        writeFileSync(join(elsewhere, 'empty-credentials'), '')
        const result = await runAws(
          [
            '--profile',
            'bb-apps-devstg-devops',
            'sts',
            'get-caller-identity',
            '--endpoint-url',
            s.sb.url,
            '--output',
            'json',
          ],
          {
            cwd: elsewhere,
            env: {
              ...s.env,
              AWS_EC2_METADATA_DISABLED: 'true',
              AWS_SHARED_CREDENTIALS_FILE: join(elsewhere, 'empty-credentials'),
              PATH: '/usr/bin:/bin', // terrace is not on PATH: the profile names node and terrace by absolute path
              TERRACE_AGENT: 'off', // the credential_process the AWS CLI runs starts no agent
            },
          },
        )
        s.outputs.push(result)
        expect(result.code, result.stderr).to.equal(0)
        const identity = JSON.parse(result.stdout)
        expect(identity.Account).to.equal('555555555555')
        expect(identity.Arn).to.match(
          /^arn:aws:sts::555555555555:assumed-role\/AWSReservedSSO_DevOps_[0-9a-f]+\/alice$/,
        )
      } finally {
        rmSync(elsewhere, {force: true, recursive: true})
      }
    })

    it('aws sso logout keeps the profiles (no secret): using one says to log in (exit 5); a new login serves it again', async () => {
      await configured()
      const config = readFileSync(s.configFile)
      const registryFile = join(s.dir, 'terrace-home', 'config', 'profiles.json')
      const registry = readFileSync(registryFile, 'utf8')
      const result = await cli(s, ['aws', 'sso', 'logout', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).awsProfiles).to.deep.include({configFile: s.configFile, removed: []})
      expect(readFileSync(s.configFile).equals(config), 'the profiles stay').to.equal(true)
      expect(readFileSync(registryFile, 'utf8')).to.equal(registry)
      const elsewhere = mkdtempSync(join(tmpdir(), 'terrace-unrelated-'))
      try {
        const loggedOut = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'], elsewhere)
        expect(loggedOut.code, loggedOut.stderr).to.equal(5)
        expect(loggedOut.stderr).to.include('terrace aws sso login')
        const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
        expect(login.code, login.stderr).to.equal(0)
        // its stdout is credentials by design: kept out of the outputs the leak scan reads
        const again = await runCli(['credential-process', '--profile', 'bb-apps-devstg-devops'], {
          cwd: elsewhere,
          env: s.env,
        })
        expect(again.code, again.stderr).to.equal(0)
        expect(JSON.parse(again.stdout)).to.include({Version: 1})
      } finally {
        rmSync(elsewhere, {force: true, recursive: true})
      }

      expect(readFileSync(s.configFile).equals(config)).to.equal(true)
    })

    it('leaves no sandbox-issued secret in any file or output', async () => {
      const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
      const texts = Object.fromEntries(
        s.outputs.flatMap((out, i) => [
          [`run ${i} stdout`, out.stdout],
          [`run ${i} stderr`, out.stderr],
        ]),
      )
      const {findings} = scanForSecrets({dirs: [s.dir], secrets, texts})
      expect(findings).to.deep.equal([])
    })
  })

  describe('--all', function () {
    this.timeout(180_000)
    let s: Scenario

    before(async () => {
      assertBuilt()
      s = await setUp({generateAccounts: 40, rateLimit: {portal: {burst: 5, requestsPerSecond: 10}}})
    })

    after(() => tearDown(s))

    it('without a login: exit 5 naming the login command, nothing written', async () => {
      const result = await cli(s, ['aws', 'configure', 'sso', '--all'])
      expect(result.code, result.stderr).to.equal(5)
      expect(result.stderr).to.include('terrace aws sso login')
      expect(readFileSync(s.configFile, 'utf8')).to.equal(USER_CONFIG)
    })

    it('writes a profile for every account and role the login reaches, under the rate limit, with progress', async () => {
      const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
      expect(login.code, login.stderr).to.equal(0)
      const result = await cli(s, ['aws', 'configure', 'sso', '--all', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.match(/\[46\/46\] accounts: 93 roles/)
      const {profiles} = JSON.parse(result.stdout) as {profiles: Array<{accountId: string; name: string; role: string}>}
      // 5 project accounts x 2 roles + apps-prd's 3 + 40 generated x 2
      expect(profiles).to.have.length(93)
      expect(new Set(profiles.map((p) => `${p.accountId}/${p.role}`)).size).to.equal(93)
      const names = profiles.map((p) => p.name)
      expect(names.slice(0, 6)).to.deep.equal(PROJECT_PROFILES)
      expect(names).to.include.members([
        'bb-apps-prd-readonly',
        'bb-shared-administrator',
        'bb-generated-0001-devops',
        'bb-generated-0040-administrator',
      ])
      const block = blockOf(readFileSync(s.configFile, 'utf8'))
      expect(block.match(/^\[profile /gm)).to.have.length(93)

      const log = await s.sb.control.requestLog()
      const listings = log.filter((e) => e.operation === 'ListAccountRoles')
      expect(listings.filter((e) => e.outcome === 'ok')).to.have.length(46)
      // report how often the portal throttled us (retried by the SDK)
      console.log(
        `      ListAccountRoles: ${listings.length} requests, ${listings.filter((e) => e.status === 429).length} throttled`,
      )
    })

    it('logout --all keeps every profile: they hold no secret and work again after the next login', async () => {
      const before = readFileSync(s.configFile)
      const result = await cli(s, ['aws', 'sso', 'logout', '--all'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.match(/93 terrace-managed profiles stay in/)
      expect(readFileSync(s.configFile).equals(before)).to.equal(true)
    })
  })
})
