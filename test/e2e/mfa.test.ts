/**
 * Issue 6, MFA projects end to end: the built CLI against the sandbox, the IAM user's keys stored by
 * `terrace credentials configure`, the MFA code typed under a pseudo-terminal (CI unset) or given by
 * TERRACE_MFA_CODE / --mfa-code, AWS CLI v2 (/usr/bin/aws) as the child.
 */
import {expect} from 'chai'
import {appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {openVault} from '../../src/vault/select.js'
import {assertBuilt, type CliResult, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {type PtyResult, runOnPty} from '../helpers/pty.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, TEMPLATE, type TestSandbox, totp} from '../helpers/sandbox.js'

const LAYER = join('apps-devstg', 'us-east-1', 'base-network')
const AWS_V2 = '/usr/bin/aws'
const PASSPHRASE = 'correct horse battery staple'

interface Scenario {
  dir: string
  env: NodeJS.ProcessEnv
  layer: string
  outputs: string[]
  project: string
  sb: TestSandbox
}

/** The keychain vault needs the D-Bus session the test script (scripts/with-keyring.sh) started. */
const keychainEnv = (): NodeJS.ProcessEnv => ({
  TERRACE_VAULT: 'keychain',
  TERRACE_VAULT_PASSPHRASE: undefined,
  ...Object.fromEntries(
    ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  ),
})

async function setUp(edit: (project: string) => void, vaultEnv: NodeJS.ProcessEnv = {}): Promise<Scenario> {
  const sb = await startTestSandbox()
  const dir = mkdtempSync(join(tmpdir(), 'terrace-mfa-'))
  const project = join(dir, 'project')
  cpSync(join(REPO_TEMPLATE), project, {recursive: true})
  edit(project)
  // the key CSV lives outside every folder the leak scan reads
  mkdirSync(join(dir, 'downloads'))
  writeFileSync(
    join(dir, 'downloads', 'alice_accessKeys.csv'),
    `Access key ID,Secret access key\r\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\r\n`,
  )
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    AWS_EC2_METADATA_DISABLED: 'true',
    // the AWS CLI would page its output through less on a terminal
    AWS_PAGER: '',
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: PASSPHRASE,
    ...vaultEnv,
  }
  mkdirSync(join(dir, 'home'))
  mkdirSync(join(dir, 'scratch'))
  const s = {dir, env, layer: join(project, LAYER), outputs: [], project, sb}
  const configured = await configureAlice(s)
  expect(configured.code, configured.stderr).to.equal(0)
  return s
}

const REPO_TEMPLATE = join(import.meta.dirname, '..', '..', 'templates', 'sample-project')

const ssoDisabled = (project: string) => {
  const file = join(project, 'config', 'common.tfvars')
  writeFileSync(file, readFileSync(file, 'utf8').replace(/sso_enabled\s*=\s*true/, 'sso_enabled   = false'))
}

async function cli(s: Scenario, args: string[], extra: NodeJS.ProcessEnv = {}, cwd = s.layer): Promise<CliResult> {
  const result = await runCli(args, {cwd, env: {...s.env, ...extra}})
  s.outputs.push(result.stdout, result.stderr)
  return result
}

/** Runs terrace under a pseudo-terminal, typing the next answer each time "MFA code for " shows. */
async function ptyCli(s: Scenario, args: string[], answers: string[]): Promise<PtyResult> {
  const result = await runOnPty({answers, args, cwd: s.layer, dir: s.dir, env: s.env, prompts: ['MFA code for ']})
  s.outputs.push(result.output)
  return result
}

/** alice's keys from her console CSV as project bb's security user (`credentials configure`), with her MFA device. */
const configureAlice = (s: Scenario, device: string[] = ['--fetch-mfa-device']): Promise<CliResult> =>
  cli(s, [
    'credentials',
    'configure',
    '--type',
    'security',
    '--credentials-file',
    join(s.dir, 'downloads', 'alice_accessKeys.csv'),
    ...device,
  ])

/** A new vault file holding alice's keys only (no MFA session, no role credentials). */
async function freshVault(s: Scenario): Promise<void> {
  rmSync(join(s.env.TERRACE_HOME!, 'vault.enc'), {force: true})
  await configureAlice(s)
}

const getCallerIdentity = (s: Scenario, more: string[] = []) => [
  'exec',
  ...more,
  '--',
  AWS_V2,
  'sts',
  'get-caller-identity',
  '--endpoint-url',
  s.sb.url,
  '--output',
  'json',
]

const count = async (s: Scenario, operation: string) =>
  (await s.sb.control.requestLog()).filter((e) => e.operation === operation).length

/** Codes the device would not accept now (neither this step's nor its neighbours'). */
function wrongCodes(n: number): string[] {
  const now = Date.now()
  const valid = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((d) => totp(TEMPLATE.mfaSecret, now + d)))
  const out: string[] = []
  for (let i = 0; out.length < n; i++) {
    const code = String(100_000 + i * 111_111).slice(-6)
    if (!valid.has(code)) out.push(code)
  }

  return out
}

function testVault(s: Scenario) {
  return openVault({
    env: s.env,
    home: s.env.TERRACE_HOME!,
    interactive: false,
    notice() {},
    promptPassphrase: () => Promise.reject(new Error('no prompt in tests')),
  })
}

async function vaultEntries(s: Scenario): Promise<string[]> {
  return (await testVault(s)).list()
}

describe('e2e: MFA projects (IAM user + MFA session, AWS CLI v2)', function () {
  this.timeout(120_000)
  let s: Scenario

  before(assertBuilt)

  afterEach(async () => {
    await s?.sb.stop()
    if (s) rmSync(s.dir, {force: true, recursive: true})
  })

  it('asks once under a terminal, then not again; a layer with three profiles asks once; leaks nothing', async () => {
    s = await setUp((project) => {
      ssoDisabled(project)
      // a third profile: the network account, beside the layer's own and the shared one
      appendFileSync(
        join(project, LAYER, 'config.tf'),
        [
          '',
          'provider "aws" {',
          '  alias   = "network"',
          '  region  = var.region',
          `  profile = "$\{var.project}-network-devops"`,
          '}',
          '',
        ].join('\n'),
      )
    })
    const first = await ptyCli(s, getCallerIdentity(s), [totp(TEMPLATE.mfaSecret)])
    expect(first.exit, first.output).to.equal(0)
    expect(first.asked).to.equal(1)
    expect(first.output).to.include(`MFA code for ${TEMPLATE.mfaSerial}`)
    expect(first.output).to.include('arn:aws:sts::555555555555:assumed-role/DevOps/terrace-alice')
    expect(await count(s, 'GetSessionToken')).to.equal(1)

    // second run: the MFA session (and the role) come from the vault, no question, no GetSessionToken
    const second = await ptyCli(s, getCallerIdentity(s), [])
    expect(second.exit, second.output).to.equal(0)
    expect(second.asked).to.equal(0)
    expect(await count(s, 'GetSessionToken')).to.equal(1)

    // a fresh vault: three profiles in one child, one question, one GetSessionToken
    rmSync(s.env.TERRACE_HOME!, {force: true, recursive: true})
    const configured = await configureAlice(s, ['--mfa-serial', TEMPLATE.mfaSerial])
    expect(configured.code, configured.stderr).to.equal(0)
    const before = await count(s, 'GetSessionToken')
    const proof = join(s.dir, 'scratch')
    const script = [
      `cat /proc/$PPID/cmdline > ${proof}/terrace-cmdline`,
      `cat /proc/$$/environ > ${proof}/child-environ`,
      ...['bb-apps-devstg-devops', 'bb-shared-devops', 'bb-network-devops'].map(
        (p) => `${AWS_V2} sts get-caller-identity --endpoint-url ${s.sb.url} --output text --query Arn --profile ${p}`,
      ),
    ].join(' && ')
    const three = await ptyCli(s, ['exec', '--', 'sh', '-c', script], [totp(TEMPLATE.mfaSecret)])
    expect(three.exit, three.output).to.equal(0)
    expect(three.asked).to.equal(1)
    for (const id of ['555555555555', '333333333333', '444444444444'])
      expect(three.output).to.include(`arn:aws:sts::${id}:assumed-role/DevOps/terrace-alice`)
    expect((await count(s, 'GetSessionToken')) - before).to.equal(1)
    const assumes = (await s.sb.control.requestLog()).filter((e) => e.operation === 'AssumeRole' && e.outcome === 'ok')
    expect(assumes.every((e) => e.caller.includes('222222222222'))).to.equal(true)

    const environ = readFileSync(join(proof, 'child-environ'), 'utf8')
    expect(environ).not.to.include('TERRACE_MFA_CODE')
    expect(environ).not.to.include('TERRACE_VAULT_PASSPHRASE')
    const secrets = await s.sb.control.secrets()
    expect(secrets.some((x) => x.kind === 'iam-user-secret-key')).to.equal(true)
    const texts: Record<string, string> = {
      'child environ': environ,
      'terrace cmdline': readFileSync(join(proof, 'terrace-cmdline'), 'utf8'),
    }
    for (const [i, text] of s.outputs.entries()) texts[`output ${i}`] = text
    const scan = scanForSecrets({
      dirs: [s.env.HOME!, s.env.TERRACE_HOME!, s.project, proof],
      secrets,
      texts,
    })
    expect(scan.findings).to.deep.equal([])
    expect(scan.filesScanned).to.be.greaterThan(5)
  })

  it('TERRACE_MFA_CODE and --mfa-code work without a terminal; without a code: exit 7 at once with the advice', async () => {
    s = await setUp((project) => writeFileSync(join(project, 'terrace.json'), '{"mfa": "on"}\n'))
    const none = await cli(s, getCallerIdentity(s))
    expect(none.code).to.equal(7)
    expect(none.stderr).to.include('--mfa-code').and.include('TERRACE_MFA_CODE')
    expect(await count(s, 'GetSessionToken')).to.equal(0)

    const byEnv = await cli(s, getCallerIdentity(s), {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)})
    expect(byEnv.code, byEnv.stderr).to.equal(0)
    expect(JSON.parse(byEnv.stdout).Arn).to.equal('arn:aws:sts::555555555555:assumed-role/DevOps/terrace-alice')

    // a new session through --mfa-code (the flag never reaches the child's argv or environment)
    await freshVault(s)
    const byFlag = await cli(s, [
      'exec',
      '--mfa-code',
      totp(TEMPLATE.mfaSecret),
      '--',
      'sh',
      '-c',
      `echo "ARGS:$*"; env | grep -c MFA_CODE; ${AWS_V2} sts get-caller-identity --endpoint-url ${s.sb.url} --output text --query Account`,
      'x',
    ])
    expect(byFlag.code, byFlag.stderr).to.equal(0)
    expect(byFlag.stdout).to.include('ARGS:\n').and.include('555555555555')
    expect(byFlag.stdout.split('\n')[1]).to.equal('0')

    // a wrong code given non-interactively is not retried: exit 7, nothing cached
    await freshVault(s)
    const wrong = await cli(s, getCallerIdentity(s), {TERRACE_MFA_CODE: wrongCodes(1)[0]})
    expect(wrong.code).to.equal(7)
    expect((await vaultEntries(s)).filter((e) => e.startsWith('mfa-session:'))).to.deep.equal([])
  })

  it("build.env's MFA_ENABLED=true makes an MFA project; the keychain vault holds the keys and the session", async function () {
    requireOrSkip(
      this,
      Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
      'no D-Bus session: run the suite through scripts/with-keyring.sh',
    )

    // sso_enabled stays true in common.tfvars: the older wrapper's switch alone decides
    s = await setUp((project) => writeFileSync(join(project, 'build.env'), 'MFA_ENABLED=true\n'), keychainEnv())
    const code = {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)}
    const first = await cli(s, getCallerIdentity(s), code)
    expect(first.code, first.stderr).to.equal(0)
    expect(JSON.parse(first.stdout).Arn).to.equal('arn:aws:sts::555555555555:assumed-role/DevOps/terrace-alice')
    expect(await count(s, 'GetSessionToken')).to.equal(1)
    expect(await count(s, 'GetRoleCredentials'), 'no SSO on this path').to.equal(0)
    const second = await cli(s, getCallerIdentity(s))
    expect(second.code, second.stderr).to.equal(0)
    expect(await count(s, 'GetSessionToken'), 'the cached session answers').to.equal(1)
    const entries = await vaultEntries(s)
    expect(entries).to.include.members(['iam-user:bb/security', 'mfa-session:bb/security'])
    const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
    // everything but the downloaded key CSV, which is the user's own file
    const dirs = [join(s.dir, 'home'), s.env.TERRACE_HOME!, s.project, join(s.dir, 'scratch')]
    const {findings} = scanForSecrets({dirs, secrets, texts: {outputs: s.outputs.join('\n')}})
    expect(findings).to.deep.equal([])
    // the keychain outlives this test: leave nothing of it behind
    const store = await testVault(s)
    for (const entry of entries) await store.delete(entry)
  })

  it('a wrong code is asked again; three wrong codes: exit 7 and no MFA session cached', async () => {
    s = await setUp(ssoDisabled)
    const [w1, w2, w3] = wrongCodes(3)
    const retried = await ptyCli(s, getCallerIdentity(s), [w1, totp(TEMPLATE.mfaSecret)])
    expect(retried.exit, retried.output).to.equal(0)
    expect(retried.asked).to.equal(2)
    expect(retried.output).to.include('not accepted')
    expect((await vaultEntries(s)).filter((e) => e.startsWith('mfa-session:'))).to.deep.equal([
      'mfa-session:bb/security',
    ])

    await freshVault(s)
    const before = await count(s, 'GetSessionToken')
    const failed = await ptyCli(s, getCallerIdentity(s), [w1, w2, w3, totp(TEMPLATE.mfaSecret)])
    expect(failed.exit, failed.output).to.equal(7)
    expect(failed.asked).to.equal(3)
    expect(failed.output).to.include('MFA failed')
    expect((await count(s, 'GetSessionToken')) - before).to.equal(3)
    const entries = await vaultEntries(s)
    expect(entries.filter((e) => e.startsWith('mfa-session:') || e.startsWith('iam-role-credentials:'))).to.deep.equal(
      [],
    )
  })
})
