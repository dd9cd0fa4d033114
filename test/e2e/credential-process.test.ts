/**
 * Issue 5 items 5-7 end to end: `terrace credential-process` and `terrace aws sso refresh` through the built CLI
 * against the sandbox, with profiles registered as `aws configure sso` would (the registry is written directly).
 */
import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type ManagedProfile, updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {projectBindings} from '../../src/layers/profile-bindings.js'
import {loadProject} from '../../src/layers/project.js'
import {assertBuilt, CLI, type CliResult, collect, REPO, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {runRecordingModules} from '../helpers/module-record.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const LAYER = join('apps-devstg', 'us-east-1', 'base-network')
const AWS_V2 = '/usr/bin/aws'

interface Scenario {
  dir: string
  env: NodeJS.ProcessEnv
  layer: string
  outputs: CliResult[]
  project: string
  sb: TestSandbox
}

async function setUp(): Promise<Scenario> {
  const sb = await startTestSandbox({autoApprove: true})
  const dir = mkdtempSync(join(tmpdir(), 'terrace-cp-'))
  const project = join(dir, 'project')
  cpSync(join(REPO, 'templates', 'sample-project'), project, {recursive: true})
  mkdirSync(join(dir, 'elsewhere'))
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
  }
  const s = {dir, env, layer: join(project, LAYER), outputs: [] as CliResult[], project, sb}
  // the profiles `aws configure sso` registers for the project, plus one for a role the user is not assigned
  const bindings = projectBindings(await loadProject(project, {env}))
  const set: Record<string, ManagedProfile> = {}
  for (const {name, ref} of bindings) set[name] = {ref, region: 'us-east-1'}
  const devstg = set['bb-apps-devstg-devops'].ref
  set['bb-apps-devstg-readonly'] = {ref: {...devstg, role: 'ReadOnly'}, region: 'us-east-1'}
  await updateProfileRegistry(join(env.TERRACE_HOME!, 'config'), {set})
  return s
}

async function cli(
  s: Scenario,
  args: string[],
  options: {cwd?: string; env?: NodeJS.ProcessEnv} = {},
): Promise<CliResult> {
  const result = await runCli(args, {cwd: options.cwd ?? join(s.dir, 'elsewhere'), env: {...s.env, ...options.env}})
  s.outputs.push(result)
  return result
}

async function login(s: Scenario): Promise<void> {
  const result = await cli(s, ['aws', 'sso', 'login', '--no-browser'], {cwd: s.layer})
  expect(result.code, result.stderr).to.equal(0)
}

/**
 * A test's own copy of a logged-in scenario: the same sandbox and project, a copy of its TERRACE_HOME (the login,
 * no role credentials cached unless the original had them), outputs kept in the original's list for the leak scan.
 */
function fork(s: Scenario, name: string): Scenario {
  const dir = join(s.dir, 'runs', name)
  mkdirSync(dir, {recursive: true})
  const home = join(dir, 'terrace-home')
  cpSync(s.env.TERRACE_HOME!, home, {recursive: true})
  return {...s, env: {...s.env, TERRACE_HOME: home}}
}

const count = async (s: Scenario, operation: string) =>
  (await s.sb.control.requestLog()).filter((e) => e.operation === operation).length

async function loadedModules(s: Scenario, args: string[]): Promise<{modules: string[]; result: CliResult}> {
  const recorded = await runRecordingModules(args, {cwd: join(s.dir, 'elsewhere'), env: {HOME: s.env.HOME, ...s.env}})
  s.outputs.push(recorded.result)
  return recorded
}

describe('e2e: terrace credential-process and aws sso refresh', function () {
  this.timeout(120_000)

  describe('logged out', () => {
    let s: Scenario

    before(async () => {
      assertBuilt()
      s = await setUp()
    })

    after(async () => {
      await s?.sb.stop()
      if (s) rmSync(s.dir, {force: true, recursive: true})
    })

    it('an unknown profile: exit 4 naming `terrace aws configure sso`', async () => {
      const result = await cli(s, ['credential-process', '--profile', 'bb-nope-devops'])
      expect(result.code).to.equal(4)
      expect(result.stderr).to.include('bb-nope-devops').and.include('terrace aws configure sso')
      expect(result.stdout).to.equal('')
    })

    it('bad arguments: exit 2', async () => {
      const result = await cli(s, ['credential-process'])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.include('--profile')
    })

    it('logged out: exit 5 naming `terrace aws sso login`, no AWS call, no prompt', async () => {
      const result = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'])
      expect(result.code, result.stderr).to.equal(5)
      expect(result.stderr).to.include('terrace aws sso login')
      expect(await count(s, 'GetRoleCredentials')).to.equal(0)
    })

    it('a file vault without TERRACE_VAULT_PASSPHRASE: exit 8 (vault) instead of a prompt, like every command', async () => {
      const result = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'], {
        env: {TERRACE_VAULT_PASSPHRASE: ''},
      })
      expect(result.code, result.stderr).to.equal(8)
      expect(result.stderr).to.include('TERRACE_VAULT_PASSPHRASE').and.include('never prompts')
    })

    it('aws sso refresh while logged out: exit 5', async () => {
      const result = await cli(s, ['aws', 'sso', 'refresh'], {cwd: s.layer})
      expect(result.code, result.stderr).to.equal(5)
      expect(result.stderr).to.include('terrace aws sso login')
    })
  })

  // every test starts from its own copy of one login, with no role credentials cached
  describe('logged in', () => {
    let loggedIn: Scenario
    let s: Scenario
    let runs = 0

    before(async () => {
      assertBuilt()
      loggedIn = await setUp()
      await login(loggedIn)
    })

    beforeEach(() => {
      s = fork(loggedIn, `run-${++runs}`)
    })

    after(async () => {
      await loggedIn?.sb.stop()
      if (loggedIn) rmSync(loggedIn.dir, {force: true, recursive: true})
    })

    it('after login, prints the Version 1 JSON from any folder; the second call comes from the cache', async () => {
      const fetched = await count(s, 'GetRoleCredentials')
      const first = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'])
      expect(first.code, first.stderr).to.equal(0)
      const json = JSON.parse(first.stdout)
      expect(Object.keys(json).sort()).to.deep.equal([
        'AccessKeyId',
        'Expiration',
        'SecretAccessKey',
        'SessionToken',
        'Version',
      ])
      expect(json.Version).to.equal(1)
      const issued = (await s.sb.control.secrets()).map((x) => x.value)
      expect(issued).to.include(json.SecretAccessKey).and.include(json.SessionToken)
      const expiresIn = Date.parse(json.Expiration) - Date.now()
      expect(expiresIn, 'handed out for at most the 30-minute TTL').to.be.within(25 * 60_000, 30 * 60_000)
      expect(await count(s, 'GetRoleCredentials')).to.equal(fetched + 1)

      const second = await cli(s, ['credential-process', '--profile=bb-apps-devstg-devops'])
      expect(second.code, second.stderr).to.equal(0)
      expect(JSON.parse(second.stdout)).to.deep.equal(json)
      expect(await count(s, 'GetRoleCredentials')).to.equal(fetched + 1)
    })

    it('TERRACE_CREDENTIAL_TTL bounds the reported Expiration', async () => {
      const result = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'], {
        env: {TERRACE_CREDENTIAL_TTL: '600'},
      })
      expect(result.code, result.stderr).to.equal(0)
      const expiresIn = Date.parse(JSON.parse(result.stdout).Expiration) - Date.now()
      expect(expiresIn).to.be.within(5 * 60_000, 10 * 60_000)
      const bad = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'], {
        env: {TERRACE_CREDENTIAL_TTL: 'soon'},
      })
      expect(bad.code).to.equal(4)
    })

    it('the real AWS CLI v2 uses it as credential_process and gets the role in its account', async function () {
      requireOrSkip(
        this,
        spawnSync(AWS_V2, ['--version']).status === 0,
        `the real AWS CLI v2 at ${AWS_V2} does not run`,
      )
      const config = join(s.dir, 'aws-config')
      const command = `${process.execPath} ${CLI} credential-process --profile bb-shared-devops`
      writeFileSync(config, `[profile bb-shared-devops]\ncredential_process = ${command}\nregion = us-east-1\n`)
      const out = await collect(
        spawn(
          AWS_V2,
          [
            '--profile',
            'bb-shared-devops',
            'sts',
            'get-caller-identity',
            '--endpoint-url',
            s.sb.url,
            '--output',
            'json',
          ],
          {
            cwd: join(s.dir, 'elsewhere'),
            env: {
              ...s.env,
              AWS_CONFIG_FILE: config,
              AWS_EC2_METADATA_DISABLED: 'true',
              AWS_SHARED_CREDENTIALS_FILE: join(s.dir, 'none'),
              PATH: process.env.PATH,
              // the credential_process the AWS CLI runs starts no agent
              TERRACE_AGENT: 'off',
            },
          },
        ),
      )
      s.outputs.push(out)
      expect(out.code, out.stderr).to.equal(0)
      const identity = JSON.parse(out.stdout)
      expect(identity.Account).to.equal('333333333333')
      expect(identity.Arn).to.include('DevOps')
    })

    it('a role the user is not assigned: exit 6 naming account, role and the file it came from', async () => {
      const result = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-readonly'])
      expect(result.code, result.stderr).to.equal(6)
      expect(result.stderr)
        .to.include('ReadOnly')
        .and.include('apps-devstg (555555555555)')
        .and.include(join('apps-devstg', 'config', 'account.tfvars'))
        .and.include('permission set')
      expect(result.stdout).to.equal('')
    })

    it('the warm path loads neither oclif nor the AWS SDK; a miss does load the SDK', async () => {
      const warming = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'])
      expect(warming.code, warming.stderr).to.equal(0)
      const warm = await loadedModules(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'])
      expect(warm.result.code, warm.result.stderr).to.equal(0)
      expect(
        warm.modules.some((url) => url.endsWith('/dist/credential-process/fast-path.cjs')),
        'the hook saw terrace',
      ).to.equal(true)
      expect(warm.modules.filter((url) => /@oclif|@aws-sdk|\/dist\/commands\//.test(url))).to.deep.equal([])

      // a profile not cached yet: the cold path must (and the hook can) see the SDK
      const cold = await loadedModules(s, ['credential-process', '--profile', 'bb-network-devops'])
      expect(cold.result.code, cold.result.stderr).to.equal(0)
      expect(cold.modules.some((url) => url.includes('@aws-sdk/client-sso'))).to.equal(true)
      expect(cold.modules.filter((url) => url.includes('@oclif'))).to.deep.equal([])
    })

    it('--help goes to oclif and describes the command', async () => {
      const result = await cli(s, ['credential-process', '--help'])
      expect(result.code).to.equal(0)
      expect(result.stdout).to.include('--profile').and.include('credential_process')
    })

    it('aws sso refresh fetches only stale roles, reports times but never keys; --force renews every role', async () => {
      for (const profile of ['bb-apps-devstg-devops', 'bb-shared-devops', 'bb-network-devops']) {
        const cached = await cli(s, ['credential-process', '--profile', profile])
        expect(cached.code, cached.stderr).to.equal(0)
      }

      const before = await count(s, 'GetRoleCredentials')
      const first = await cli(s, ['aws', 'sso', 'refresh', '--json'], {cwd: s.layer})
      expect(first.code, first.stderr).to.equal(0)
      const report = JSON.parse(first.stdout)
      expect(report.roles.map((r: {profile: string}) => r.profile)).to.deep.equal([
        'bb-apps-devstg-devops',
        'bb-apps-prd-devops',
        'bb-management-administrator',
        'bb-network-devops',
        'bb-security-devops',
        'bb-shared-devops',
      ])
      // apps-devstg, shared and network were cached just now
      const renewed = report.roles.filter((r: {renewed: boolean}) => r.renewed).map((r: {account: string}) => r.account)
      expect(renewed.sort()).to.deep.equal(['apps-prd', 'management', 'security'])
      expect(await count(s, 'GetRoleCredentials')).to.equal(before + 3)
      for (const role of report.roles) {
        expect(Object.keys(role).sort()).to.deep.equal([
          'account',
          'accountId',
          'expiresAt',
          'obtainedAt',
          'profile',
          'renewed',
          'role',
        ])
        expect(Date.parse(role.expiresAt)).to.be.greaterThan(Date.now())
      }

      expect(first.stderr)
        .to.match(/Refreshing credentials/)
        .and.match(/Renewed 3 of 6 roles/)

      const again = await cli(s, ['aws', 'sso', 'refresh'], {cwd: s.layer})
      expect(again.code, again.stderr).to.equal(0)
      expect(again.stdout).to.match(/fresh +DevOps in apps-devstg \(555555555555\)/)
      expect(await count(s, 'GetRoleCredentials')).to.equal(before + 3)

      const forced = await cli(s, ['sso', 'refresh', '--force', '--json'], {cwd: s.layer})
      expect(forced.code, forced.stderr).to.equal(0)
      expect(JSON.parse(forced.stdout).roles.every((r: {renewed: boolean}) => r.renewed)).to.equal(true)
      expect(await count(s, 'GetRoleCredentials')).to.equal(before + 9)
    })

    it('AWS unreachable on a cache miss: exit 9 naming the endpoint, within a bounded time, cache untouched', async () => {
      // a sandbox of its own: this test stops it
      const own = await setUp()
      try {
        await unreachable(own)
      } finally {
        await own.sb.stop()
        rmSync(own.dir, {force: true, recursive: true})
      }
    })

    async function unreachable(s: Scenario): Promise<void> {
      await login(s)
      const cached = await cli(s, ['credential-process', '--profile', 'bb-security-devops'])
      expect(cached.code, cached.stderr).to.equal(0)
      await s.sb.stop()
      await new Promise((resolve) => {
        setTimeout(resolve, 1100) // older than a 1-second TTL
      })
      const started = Date.now()
      const result = await cli(s, ['credential-process', '--profile', 'bb-security-devops'], {
        env: {TERRACE_CREDENTIAL_TTL: '1'},
      })
      expect(result.code, result.stderr).to.equal(9)
      expect(result.stderr).to.include(s.sb.url)
      expect(Date.now() - started).to.be.lessThan(30_000)
      const warm = await cli(s, ['credential-process', '--profile', 'bb-security-devops'])
      expect(warm.code, 'the cached credentials still answer').to.equal(0)
      expect(JSON.parse(warm.stdout)).to.deep.equal(JSON.parse(cached.stdout))
    }

    it('leaves no sandbox-issued secret in any file, and none on stderr', async () => {
      // role credentials of its own, so the scan has them to look for even when this test runs alone
      const fetched = await cli(s, ['credential-process', '--profile', 'bb-apps-devstg-devops'])
      expect(fetched.code, fetched.stderr).to.equal(0)
      const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
      expect(secrets.map((x) => x.kind)).to.include.members(['access-token', 'secret-access-key', 'session-token'])
      const texts: Record<string, string> = {}
      for (const [i, out] of s.outputs.entries()) texts[`run ${i} stderr`] = out.stderr
      const {filesScanned, findings} = scanForSecrets({dirs: [s.dir], secrets, texts})
      expect(filesScanned).to.be.greaterThan(10)
      expect(findings).to.deep.equal([])
    })
  })
})
