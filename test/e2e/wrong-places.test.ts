/**
 * Wrong places and wrong states, as a user meets them with the built CLI: a layer of no account, `init` without a
 * backend config, a disabled layer, aws/exec where there is no default role, `--layers all` over a folder it cannot
 * read, hostile tfvars and a bad terrace.json.
 */
import {expect} from 'chai'
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {assertBuilt, CLI, cliEnv, collect, FAKE_AWS, FAKE_TERRAFORM, readRecord, REPO, runCli} from '../helpers/cli.js'
import {type LoggedIn, loggedIn} from '../helpers/login.js'

const FIXTURE = resolve(REPO, 'test', 'fixtures', 'projects', 'bb')
const NOBODY = 65_534

describe('e2e: wrong places and wrong states', function () {
  this.timeout(60_000)
  let tmp: string
  let root: string
  let home: string
  let record: string
  let login: LoggedIn

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-places-'))
    root = join(tmp, 'bb')
    cpSync(FIXTURE, root, {recursive: true, verbatimSymlinks: true})
    home = join(tmp, 'home')
    login = await loggedIn({cwd: root, terraceHome: home})
  })

  after(async () => {
    await login?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  beforeEach(() => {
    record = join(tmp, `record-${Math.random().toString(36).slice(2)}.jsonl`)
  })

  const env = (extra: NodeJS.ProcessEnv = {}) => ({
    ...login.env,
    FAKE_TF_RECORD: record,
    TERRACE_AWS_BIN: FAKE_AWS,
    TERRACE_HOME: home,
    TERRACE_TF_BIN: FAKE_TERRAFORM,
    ...extra,
  })
  const started = () => readRecord(record).filter((e) => e.event === 'start')

  it('tf in a layer of no account: exit 3 naming the folder and the missing config/account.tfvars; terraform never starts', async () => {
    const stray = join(root, 'sandbox-stuff', 'scratch')
    mkdirSync(stray, {recursive: true})
    writeFileSync(join(stray, 'main.tf'), 'resource "null_resource" "x" {}\n')
    const result = await runCli(['tf', 'plan'], {cwd: stray, env: env()})
    expect(result.code, result.stderr).to.equal(3)
    expect(result.stderr).to.contain(`Error: ${stray} belongs to no account`).and.contain('config/account.tfvars')
    expect(result.stderr).not.to.match(/\n\s+at /)
    expect(started()).to.have.length(0)
  })

  it('tf init without backend.tfvars warns with the expected path; a disabled layer warns; both still run', async () => {
    const copy = join(tmp, 'no-backend')
    cpSync(FIXTURE, copy, {recursive: true, verbatimSymlinks: true})
    const backend = join(copy, 'apps-devstg', 'config', 'backend.tfvars')
    rmSync(backend)
    const layer = join(copy, 'apps-devstg', 'us-east-1', 'base-network')
    const init = await runCli(['tf', 'init'], {cwd: layer, env: env()})
    expect(init.code, init.stderr).to.equal(0)
    expect(init.stderr).to.contain(
      `terrace: warning: ${backend} does not exist: terraform init runs without -backend-config\n`,
    )
    expect(started()[0].argv).to.deep.equal(['init'])

    const disabled = join(root, 'network', 'us-east-1', 'transit-gateway --')
    const plan = await runCli(['tf', 'validate'], {cwd: disabled, env: env()})
    expect(plan.code, plan.stderr).to.equal(0)
    expect(plan.stderr).to.contain(
      'terrace: warning: network/us-east-1/transit-gateway -- is a disabled layer (a folder name in its path ends in " --")',
    )
  })

  it('aws at the project root: exit 3 in terrace words (--profile choices or a layer), the AWS CLI never starts', async () => {
    const result = await runCli(['aws', 'sts', 'get-caller-identity'], {cwd: root, env: env()})
    expect(result.code, result.stderr).to.equal(3)
    expect(result.stderr).to.contain('Error: no default role here: terrace aws runs in the project root')
    expect(result.stderr).to.match(/Pass --profile <one of bb-apps-devstg-devops, .*or run the command inside a layer/)
    expect(result.stderr).not.to.contain('Received non 200 response')
    expect(started()).to.have.length(0)
    // the AWS CLI's own --profile names a role: it runs
    const named = await runCli(['aws', 'sts', 'get-caller-identity', '--profile', 'bb-shared-devops'], {
      cwd: root,
      env: env(),
    })
    expect(named.code, named.stderr).to.equal(0)
  })

  it("exec at the project root warns; the real AWS CLI then hears terrace's words from the endpoint's 404", async () => {
    const result = await runCli(['exec', '--', '/usr/bin/aws', 'sts', 'get-caller-identity'], {cwd: root, env: env()})
    expect(result.code).not.to.equal(0)
    expect(result.stderr).to.match(/^terrace: warning: no default role in the project root/m)
    // botocore prints the endpoint's answer
    expect(result.stderr).to.contain('no default role here: pass --profile <one of bb-')
    expect(result.stderr).not.to.contain('no default role for this run')
  })

  it('--layers all warns naming a layer folder it cannot read, and runs the others', async () => {
    const project = join(tmp, 'locked')
    cpSync(FIXTURE, project, {recursive: true, verbatimSymlinks: true})
    const locked = join(project, 'apps-devstg', 'us-east-1', 'locked')
    mkdirSync(locked)
    writeFileSync(join(locked, 'main.tf'), '')
    const lockedHome = join(tmp, 'locked-home')
    mkdirSync(lockedHome)
    const asRoot = process.getuid?.() === 0
    // root reads a chmod 000 folder anyway: the CLI then runs as nobody, for whom the folder really is unreadable
    if (asRoot) {
      chmodSync(tmp, 0o755)
      spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, project, lockedHome])
    }

    chmodSync(locked, 0o000)
    const child = spawn(process.execPath, [CLI, 'tf', '--layers', 'all', 'validate'], {
      cwd: join(project, 'apps-devstg'),
      env: cliEnv({HOME: lockedHome, TERRACE_HOME: lockedHome, TERRACE_TF_BIN: FAKE_TERRAFORM}),
      stdio: 'pipe',
      ...(asRoot ? {gid: NOBODY, uid: NOBODY} : {}),
    })
    const result = await collect(child)
    chmodSync(locked, 0o755)
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).to.contain(
      'terrace: warning: cannot read us-east-1/locked (EACCES): layers in it are skipped\n',
    )
    expect(result.stderr).to.contain('==> terraform validate in us-east-1/base-network')
  })

  it('layer info on a 20 MB string or 50,000 nested braces in a tfvars file: exit 4 naming file and line', async () => {
    const project = join(tmp, 'hostile')
    cpSync(FIXTURE, project, {recursive: true, verbatimSymlinks: true})
    const file = join(project, 'apps-devstg', 'config', 'huge.tfvars')
    const layer = join(project, 'apps-devstg', 'us-east-1', 'base-network')
    for (const [content, line, what] of [
      [`a = 1\nbig = "${'a'.repeat(20 * 1024 * 1024)}"\n`, 2, "the file is 20480 KiB, over terrace's limit of 256 KiB"],
      [`a = 1\nx = ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`, 2, 'brackets (`[`) nested more than 64 levels deep'],
      [`a = 1\n\nx = ${'{a = '.repeat(50_000)}1${'}'.repeat(50_000)}\n`, 3, ''],
    ] as const) {
      writeFileSync(file, content)
      const result = await runCli(['layer', 'info'], {cwd: layer, env: {TERRACE_HOME: join(tmp, 'hostile-home')}})
      expect(result.code, result.stderr).to.equal(4)
      expect(result.stderr).to.contain(`Error: ${file}:${line}: ${what}`)
      expect(result.stderr).not.to.match(/RangeError|\n\s+at /)
    }
  })

  it('a bad terrace.json is the same exit 4 under layer info, tf and aws', async () => {
    const project = join(tmp, 'bad-settings')
    cpSync(FIXTURE, project, {recursive: true, verbatimSymlinks: true})
    writeFileSync(join(project, 'terrace.json'), '{"mfa": "sometimes"}\n')
    const layer = join(project, 'apps-devstg', 'us-east-1', 'base-network')
    const expected = `Error: ${join(project, 'terrace.json')}: "mfa" must be one of auto, on, off.`
    for (const args of [
      ['layer', 'info'],
      ['tf', 'plan'],
      ['aws', 'sts', 'get-caller-identity'],
    ]) {
      const result = await runCli(args, {cwd: layer, env: env()})
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(4)
      expect(result.stderr.split('\n')[0], args.join(' ')).to.equal(expected)
    }

    expect(started()).to.have.length(0)
  })
})
