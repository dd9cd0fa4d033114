import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {assertBuilt, FAKE_TERRAFORM, readRecord, REPO, runCli} from '../helpers/cli.js'
import {type LoggedIn, loggedIn} from '../helpers/login.js'

const FIXTURE = resolve(REPO, 'test', 'fixtures', 'projects', 'bb')

describe('e2e: terrace tf --layers', function () {
  this.timeout(30_000)
  let tmp: string
  let login: LoggedIn
  let root: string
  let region: string
  let record: string
  let n = 0

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-layers-'))
    root = join(tmp, 'bb')
    cpSync(FIXTURE, root, {recursive: true, verbatimSymlinks: true})
    region = join(root, 'apps-devstg', 'us-east-1')
    writeFileSync(join(region, 'k8s-eks', 'cluster', '.fake-tf-exit'), '3')
    // wrapped commands that talk to AWS need a login (issue 5); these tests are about something else
    login = await loggedIn({cwd: join(tmp, 'bb'), terraceHome: join(tmp, 'home')})
  })

  after(async () => {
    await login?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  beforeEach(() => {
    record = join(tmp, `record-${n++}.jsonl`)
  })

  const run = (args: string[], cwd = region) =>
    runCli(['tf', ...args], {
      cwd,
      env: {...login.env, FAKE_TF_RECORD: record, TERRACE_HOME: join(tmp, 'home'), TERRACE_TF_BIN: FAKE_TERRAFORM},
    })
  const starts = () => readRecord(record).filter((e) => e.event === 'start')
  const three = 'base-network,k8s-eks/cluster,secrets manager'

  it('runs in order, stops at the first failure: third skipped, summary says so, exit code is the failing one', async () => {
    const result = await run(['--layers', three, 'plan', '-lock=false'])
    expect(result.code, result.stderr).to.equal(3)
    expect(starts().map((e) => e.cwd)).to.deep.equal([join(region, 'base-network'), join(region, 'k8s-eks', 'cluster')])
    expect(starts()[0].argv).to.deep.equal([
      'plan',
      `-var-file=${root}/config/common.tfvars`,
      `-var-file=${root}/config/extra.tfvars`,
      `-var-file=${root}/apps-devstg/config/account.tfvars`,
      '-lock=false',
    ])
    expect(result.stderr).to.match(/^base-network\s+ok\s+0\s+\d+\.\ds$/m)
    expect(result.stderr).to.match(/^k8s-eks\/cluster\s+failed\s+3\s+\d+\.\ds$/m)
    expect(result.stderr).to.match(/^secrets manager\s+skipped\s+-\s+-$/m)
    expect(result.stderr).to.contain('1 ok, 1 failed, 1 skipped; exit code 3')
    expect(result.stdout).to.contain('fake-terraform plan')
  })

  it('--json (and --layers after the subcommand): JSON summary on stdout, terraform output on stderr', async () => {
    const result = await run(['--json', 'plan', `--layers=${three}`])
    expect(result.code).to.equal(3)
    const summary = JSON.parse(result.stdout)
    expect(summary.exitCode).to.equal(3)
    expect(
      summary.layers.map((l: {exitCode: number; layer: string; status: string}) => [l.layer, l.status, l.exitCode]),
    ).to.deep.equal([
      ['base-network', 'ok', 0],
      ['k8s-eks/cluster', 'failed', 3],
      ['secrets manager', 'skipped', null],
    ])
    expect(summary.layers[0].durationMs).to.be.a('number')
    expect(summary.layers[2].durationMs).to.equal(null)
    expect(result.stderr).to.contain('fake-terraform plan')
  })

  it('--layers all runs every enabled layer below the current folder', async () => {
    const result = await run(['--layers', 'all', 'version'])
    expect(result.code).to.equal(3)
    expect(starts().map((e) => e.cwd)).to.deep.equal([
      join(region, 'base-network'),
      join(region, 'k8s-eks', 'addons', 'monitoring'),
      join(region, 'k8s-eks', 'cluster'),
    ])
  })

  it('a disabled layer runs only when named', async () => {
    const network = join(root, 'network', 'us-east-1')
    const all = await run(['--layers', 'all', 'plan'], network)
    expect(all.code).to.equal(3)
    expect(all.stderr).to.contain('no enabled layers')
    const named = await run(['--layers', 'transit-gateway --', 'plan'], network)
    expect(named.code, named.stderr).to.equal(0)
    expect(starts()).to.have.length(1)
  })

  it('a layer that does not exist is a usage error before anything runs', async () => {
    const result = await run(['--layers', 'base-network,nope', 'plan'])
    expect(result.code).to.equal(2)
    expect(result.stderr).to.contain('nope')
    expect(starts()).to.have.length(0)
  })
})
