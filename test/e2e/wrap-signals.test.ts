import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {promisify} from 'node:util'

import {
  assertBuilt,
  CLI,
  cliEnv,
  collect,
  FAKE_BIN_DIR,
  FAKE_TERRAFORM,
  readRecord,
  REPO,
  spawnCli,
  waitFor,
} from '../helpers/cli.js'
import {type LoggedIn, loggedIn} from '../helpers/login.js'

const FIXTURE = resolve(REPO, 'test', 'fixtures', 'projects', 'bb')

describe('e2e: signals reach the wrapped command as a shell would deliver them', function () {
  this.timeout(30_000)
  let tmp: string
  let login: LoggedIn
  let layer: string
  let record: string
  let n = 0

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-signals-'))
    cpSync(FIXTURE, join(tmp, 'bb'), {recursive: true, verbatimSymlinks: true})
    layer = join(tmp, 'bb', 'apps-devstg', 'us-east-1', 'base-network')
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

  const env = (extra: NodeJS.ProcessEnv) => ({
    ...login.env,
    FAKE_TF_RECORD: record,
    FAKE_TF_SLEEP_MS: '10000',
    TERRACE_HOME: join(tmp, 'home'),
    TERRACE_TF_BIN: FAKE_TERRAFORM,
    ...extra,
  })
  const events = () => readRecord(record).map((e) => e.event)

  it('kill -INT to terrace (stdin not a terminal) reaches terraform once; terrace exits with its code, only after it', async () => {
    const child = spawnCli(['tf', 'apply'], {cwd: layer, env: env({FAKE_TF_ON_SIGINT_DELAY_MS: '400'})})
    const done = collect(child)
    await waitFor(() => events().includes('start'))
    const sentAt = Date.now()
    child.kill('SIGINT')
    const result = await done
    const elapsed = Date.now() - sentAt
    expect(result.signal).to.equal(null)
    expect(result.code, result.stderr).to.equal(130)
    expect(events()).to.deep.equal(['start', 'SIGINT', 'exit'])
    expect(elapsed).to.be.at.least(400)
  })

  it('SIGTERM is forwarded; terrace waits and passes the code on', async () => {
    const child = spawnCli(['tf', 'apply'], {
      cwd: layer,
      env: env({FAKE_TF_ON_SIGINT_DELAY_MS: '200', FAKE_TF_TRAP: 'SIGTERM'}),
    })
    const done = collect(child)
    await waitFor(() => events().includes('start'))
    child.kill('SIGTERM')
    const result = await done
    expect(result).to.include({code: 143, signal: null})
    expect(events()).to.deep.equal(['start', 'SIGTERM', 'exit'])
  })

  it('SIGHUP is forwarded; a child that dies of it gives 129', async () => {
    const child = spawnCli(['exec', '--', 'fake-terraform'], {
      cwd: tmp,
      env: env({PATH: `${FAKE_BIN_DIR}:${process.env.PATH}`}),
    })
    const done = collect(child)
    await waitFor(() => events().includes('start'))
    child.kill('SIGHUP')
    expect(await done).to.include({code: 129, signal: null})
  })

  it('under a terminal, one Ctrl-C reaches terraform exactly once', async () => {
    const run = promisify(execFile)
    const {stdout} = await run(
      'python3',
      [join(FAKE_BIN_DIR, 'pty-run.py'), record, process.execPath, CLI, 'tf', 'apply'],
      {cwd: layer, env: cliEnv(env({FAKE_TF_ON_SIGINT_DELAY_MS: '300'}))},
    )
    const report = JSON.parse(stdout) as {exit: number; output: string; sent: boolean}
    expect(report.sent).to.equal(true)
    expect(readRecord(record).find((e) => e.event === 'start')).to.include({stdinIsTTY: true})
    expect(events()).to.deep.equal(['start', 'SIGINT', 'exit'])
    expect(report.exit, report.output).to.equal(130)
  })
})
