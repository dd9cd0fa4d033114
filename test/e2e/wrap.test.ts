import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative as relativePath, resolve} from 'node:path'

import {assertBuilt, FAKE_AWS, FAKE_BIN_DIR, FAKE_TERRAFORM, readRecord, REPO, runCli} from '../helpers/cli.js'
import {type LoggedIn, loggedIn} from '../helpers/login.js'

const FIXTURE = resolve(REPO, 'test', 'fixtures', 'projects', 'bb')

describe('e2e: terrace terraform|tf|tofu|aws|exec wrap the real binaries', function () {
  this.timeout(30_000)
  let tmp: string
  let root: string
  let layer: string
  let record: string
  let home: string
  let login: LoggedIn

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-wrap-'))
    root = join(tmp, 'bb')
    cpSync(FIXTURE, root, {recursive: true, verbatimSymlinks: true})
    layer = join(root, 'apps-devstg', 'us-east-1', 'base-network')
    writeFileSync(join(layer, 'plan.tfplan'), 'a saved plan')
    // commands that talk to AWS need a login (issue 5); these tests are about arguments and exit codes
    login = await loggedIn({cwd: root, terraceHome: join(tmp, 'home')})
  })

  after(async () => {
    await login?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  beforeEach(() => {
    // one TERRACE_HOME for the file: the tfvars parse cache stays warm, as on a user's machine
    home = join(tmp, 'home')
    record = join(tmp, `record-${Math.random().toString(36).slice(2)}.jsonl`)
  })

  const tfEnv = (extra: NodeJS.ProcessEnv = {}) => ({
    ...login.env,
    FAKE_TF_RECORD: record,
    TERRACE_HOME: home,
    TERRACE_TF_BIN: FAKE_TERRAFORM,
    ...extra,
  })
  const started = () => readRecord(record).filter((e) => e.event === 'start')
  const common = () => [`-var-file=${root}/config/common.tfvars`, `-var-file=${root}/config/extra.tfvars`]
  const account = () => `-var-file=${root}/apps-devstg/config/account.tfvars`
  const varFiles = () => [...common(), account()]

  async function tf(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv} = {}) {
    const result = await runCli(['tf', ...args], {cwd: options.cwd ?? layer, env: tfEnv(options.env)})
    return {...result, runs: started()}
  }

  const injectionCases: Array<[string, string[], () => string[]]> = [
    [
      'init gets -backend-config',
      ['init', '-upgrade'],
      () => ['init', `-backend-config=${root}/apps-devstg/config/backend.tfvars`, '-upgrade'],
    ],
    [
      "plan gets the var files before the user's arguments",
      ['plan', '-out=p'],
      () => ['plan', ...varFiles(), '-out=p'],
    ],
    ['apply gets the var files', ['apply', '-auto-approve'], () => ['apply', ...varFiles(), '-auto-approve']],
    ['apply of a saved plan file gets nothing', ['apply', 'plan.tfplan'], () => ['apply', 'plan.tfplan']],
    [
      'apply of a saved plan that does not exist gets nothing either',
      ['apply', 'no-such.tfplan'],
      () => ['apply', 'no-such.tfplan'],
    ],
    ['output gets nothing', ['output', '-json'], () => ['output', '-json']],
    ['validate gets nothing', ['validate'], () => ['validate']],
    [
      'import gets the var files',
      ['import', 'aws_vpc.main', 'vpc-1'],
      () => ['import', ...varFiles(), 'aws_vpc.main', 'vpc-1'],
    ],
    [
      'a user -var-file wins and is not injected twice',
      ['plan', '-var-file=../../config/account.tfvars', '-var-file=mine.tfvars'],
      () => ['plan', ...common(), '-var-file=../../config/account.tfvars', '-var-file=mine.tfvars'],
    ],
    [
      "terraform's own -json, --help and -lock=false pass verbatim",
      ['plan', '-json', '--help', '-lock=false'],
      () => ['plan', ...varFiles(), '-json', '--help', '-lock=false'],
    ],
    ['--layers is not passed on when given after the subcommand', ['version', '--layers', '.'], () => ['version']],
  ]
  for (const [name, args, expected] of injectionCases) {
    it(name, async () => {
      const {code, runs, stderr} = await tf(args)
      expect(code, stderr).to.equal(0)
      expect(runs).to.have.length(1)
      expect(runs[0].argv).to.deep.equal(expected())
      expect(runs[0].cwd).to.equal(layer)
    })
  }

  it("terrace's own names after the subcommand are terrace's; --json there stays terraform's", async () => {
    const result = await tf(['output', '--json', '--bin', FAKE_TERRAFORM, '--credentials', 'env'], {
      env: {TERRACE_TF_BIN: join(tmp, 'no-such-terraform')},
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(result.runs[0].argv).to.deep.equal(['output', '--json'])
    const plan = await tf(['plan', '-out=p', '--credentials=env'])
    expect(plan.code, plan.stderr).to.equal(0)
    expect(plan.runs.at(-1)?.argv).to.deep.equal(['plan', ...varFiles(), '-out=p'])
    expect((plan.runs.at(-1)?.env as Record<string, string>).AWS_SESSION_TOKEN).to.be.a('string')
  })

  it('an unknown --option before the subcommand exits 2 naming it; nothing runs', async () => {
    const result = await tf(['--bogus', 'plan'])
    expect(result.code).to.equal(2)
    expect(result.stderr)
      .to.contain('--bogus')
      .and.not.match(/\n\s+at /)
    expect(result.runs).to.have.length(0)
  })

  it('-chdir=DIR makes DIR the layer; terraform still starts in the current folder', async () => {
    const cwd = join(root, 'apps-devstg')
    const {code, runs, stderr} = await tf(['-chdir=us-east-1/base-network', 'plan'], {cwd})
    expect(code, stderr).to.equal(0)
    expect(runs[0].argv).to.deep.equal(['-chdir=us-east-1/base-network', 'plan', ...varFiles()])
    expect(runs[0].cwd).to.equal(cwd)
  })

  it('the child inherits the environment', async () => {
    const {runs} = await tf(['plan'], {env: {SOME_VAR: 'kept'}})
    expect((runs[0].env as Record<string, string>).SOME_VAR).to.equal('kept')
  })

  for (const code of [0, 1, 2]) {
    it(`passes exit code ${code} through`, async () => {
      const result = await tf(['plan'], {env: {FAKE_TF_EXIT: String(code)}})
      expect(result.code).to.equal(code)
      expect(result.stderr).to.equal('')
    })
  }

  it('a child killed by a signal gives 128 + n', async () => {
    expect((await tf(['apply'], {env: {FAKE_TF_SIGNAL: 'SIGTERM'}})).code).to.equal(143)
    expect((await tf(['apply'], {env: {FAKE_TF_SIGNAL: 'SIGKILL'}})).code).to.equal(137)
  })

  it('a missing binary exits 127 naming it and how to set it, without a stack trace', async () => {
    const viaEnv = await tf(['plan'], {env: {TERRACE_TF_BIN: join(tmp, 'no-such-terraform')}})
    expect(viaEnv.code).to.equal(127)
    expect(viaEnv.stderr).to.contain('no-such-terraform').and.contain('TERRACE_TF_BIN')
    expect(viaEnv.stderr).not.to.match(/\n\s+at /)
    const onPath = await runCli(['tofu', 'version'], {
      cwd: layer,
      env: {PATH: '/nonexistent', ...login.env, TERRACE_HOME: home},
    })
    expect(onPath.code).to.equal(127)
    expect(onPath.stderr).to.match(/tofu: not found/)
  })

  it('tofu runs tofu from PATH; --bin takes a path relative to the current folder', async () => {
    const viaPath = await runCli(['tofu', 'plan'], {
      cwd: layer,
      env: {FAKE_TF_RECORD: record, PATH: `${FAKE_BIN_DIR}/path:${process.env.PATH}`, ...login.env, TERRACE_HOME: home},
    })
    expect(viaPath.code, viaPath.stderr).to.equal(0)
    expect(started()[0]).to.include({tool: 'tofu'})
    const viaBin = await tf(['--bin', '../../../../bin/fake-terraform', 'version'], {
      cwd: join(REPO, 'test', 'fixtures', 'projects', 'bb', 'apps-devstg', 'us-east-1'),
      env: {TERRACE_TF_BIN: '/nonexistent'},
    })
    expect(viaBin.code, viaBin.stderr).to.equal(0)
  })

  it("terrace.json's binaries choose terraform when neither --bin nor TERRACE_TF_BIN does", async () => {
    const settings = join(root, 'terrace.json')
    // a path relative to the project root
    const relative = relativePath(root, FAKE_TERRAFORM)
    writeFileSync(settings, JSON.stringify({binaries: {terraform: relative}}))
    try {
      const result = await runCli(['tf', 'plan'], {
        cwd: layer,
        env: {...login.env, FAKE_TF_RECORD: record, PATH: '/usr/bin:/bin', TERRACE_HOME: home},
      })
      expect(result.code, result.stderr).to.equal(0)
      expect(started()).to.have.length(1)
      writeFileSync(settings, JSON.stringify({binaries: {terraform: 'no-such-terraform'}}))
      const missing = await runCli(['tf', 'plan'], {
        cwd: layer,
        env: {...login.env, PATH: '/usr/bin:/bin', TERRACE_HOME: home},
      })
      expect(missing.code).to.equal(127)
      expect(missing.stderr).to.contain('no-such-terraform').and.contain('terrace.json')
    } finally {
      rmSync(settings)
    }
  })

  it('outside a project: plan exits 3 without a stack trace, version runs', async () => {
    const plan = await tf(['plan'], {cwd: tmp})
    expect(plan.code).to.equal(3)
    expect(plan.stderr)
      .to.match(/^Error: /)
      .and.not.match(/\n\s+at /)
    expect(plan.runs).to.have.length(0)
    const version = await tf(['version'], {cwd: tmp})
    expect(version.code, version.stderr).to.equal(0)
    expect(version.runs[0].argv).to.deep.equal(['version'])
  })

  it('in an account folder, plan exits 3: not a layer', async () => {
    const result = await tf(['plan'], {cwd: join(root, 'apps-devstg')})
    expect(result.code).to.equal(3)
    expect(result.stderr).to.contain('not a layer')
  })

  it("terrace tf --help is terrace's help", async function () {
    // oclif's help loads every command's manifest entry: slow on a loaded machine
    this.timeout(90_000)
    const result = await tf(['--help'])
    expect(result.code).to.equal(0)
    expect(result.stdout).to.contain('USAGE').and.contain('--layers')
    expect(result.runs).to.have.length(0)
  })

  it('aws passes sso list-accounts and configure list through untouched, inside or outside a project', async () => {
    const env = {FAKE_TF_RECORD: record, TERRACE_AWS_BIN: FAKE_AWS, ...login.env, TERRACE_HOME: home}
    const list = await runCli(['aws', 'sso', 'list-accounts', '--access-token', 't', '--debug'], {cwd: tmp, env})
    expect(list.code, list.stderr).to.equal(0)
    const configure = await runCli(['aws', 'configure', 'list'], {cwd: layer, env: {...env, FAKE_TF_EXIT: '4'}})
    expect(configure.code).to.equal(4)
    expect(started().map((e) => [e.tool, e.argv, e.cwd])).to.deep.equal([
      ['aws', ['sso', 'list-accounts', '--access-token', 't', '--debug'], tmp],
      ['aws', ['configure', 'list'], layer],
    ])
    expect(list.stdout).to.equal('fake-aws sso list-accounts --access-token t --debug\n')
  })

  it('aws is found on PATH when TERRACE_AWS_BIN is unset', async () => {
    const env = {FAKE_TF_RECORD: record, PATH: `${FAKE_BIN_DIR}/path:/usr/bin:/bin`, ...login.env, TERRACE_HOME: home}
    const result = await runCli(['aws', 'sts', 'get-caller-identity'], {cwd: tmp, env})
    expect(result.code, result.stderr).to.equal(0)
    expect(started()[0].argv).to.deep.equal(['sts', 'get-caller-identity'])
  })

  it("outside a project exec keeps the caller's environment but never terrace's own secrets", async () => {
    const env = {
      ...login.env,
      FAKE_TF_RECORD: record,
      PATH: `${FAKE_BIN_DIR}:/usr/bin:/bin`,
      SOME_VAR: 'kept',
      TERRACE_HOME: home,
      TERRACE_MFA_CODE: '123456',
    }
    const result = await runCli(['exec', '--', 'fake-terraform'], {cwd: tmp, env})
    expect(result.code, result.stderr).to.equal(0)
    const childEnv = started()[0].env as Record<string, string>
    expect(childEnv.SOME_VAR).to.equal('kept')
    expect(childEnv).to.not.have.any.keys('TERRACE_MFA_CODE', 'TERRACE_VAULT_PASSPHRASE')
    expect(childEnv.TERRACE_HOME).to.equal(home)
  })

  it('exec runs any command with its arguments verbatim, and 127 for a missing one', async () => {
    const env = {FAKE_TF_RECORD: record, PATH: `${FAKE_BIN_DIR}:/usr/bin:/bin`, ...login.env, TERRACE_HOME: home}
    const result = await runCli(['exec', '--', 'fake-terraform', '--layers', 'x', '-h'], {cwd: tmp, env})
    expect(result.code, result.stderr).to.equal(0)
    expect(started()[0].argv).to.deep.equal(['--layers', 'x', '-h'])
    const missing = await runCli(['exec', '--', 'no-such-command-here'], {cwd: tmp, env})
    expect(missing.code).to.equal(127)
    expect(missing.stderr).to.contain('no-such-command-here')
  })
})
