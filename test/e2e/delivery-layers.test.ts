/**
 * A --layers run and the login: each layer gets its own broker and role; logged out, nothing runs; a login that
 * lapses mid-run is renewed through the refresh grant, or the run stops with exit 5 naming the layer.
 */
import {expect} from 'chai'
import {join} from 'node:path'

import {assertBuilt, collect, readRecord, spawnCli, waitFor} from '../helpers/cli.js'
import {cli, LAYERS, leftovers, login, type Scenario, setUp, ssoArn, tearDown} from './delivery-helpers.js'

describe('e2e: a --layers run and the login', function () {
  this.timeout(120_000)
  let s: Scenario
  const run = ['tf', '--layers', `${LAYERS.devstg},${LAYERS.management}`, 'plan']

  beforeEach(async () => {
    assertBuilt()
    s = await setUp()
    await login(s)
  })

  afterEach(async () => tearDown(s))

  it('each layer gets its own role; logged out, nothing runs (exit 5)', async () => {
    const record = join(s.dir, 'layers.jsonl')
    const result = await cli(s, run, {env: {FAKE_TF_RECORD: record, FAKE_TF_STS: '1'}})
    expect(result.code, result.stderr).to.equal(0)
    const sts = readRecord(record).filter((e) => e.event === 'sts')
    expect(sts.map((e) => e.arn)).to.have.length(2)
    expect(sts[0].arn).to.match(ssoArn('555555555555', 'DevOps'))
    expect(sts[1].arn).to.match(ssoArn('111111111111', 'Administrator'))

    const loggedOut = await cli(s, ['aws', 'sso', 'logout'])
    expect(loggedOut.code, loggedOut.stderr).to.equal(0)
    const record2 = join(s.dir, 'layers-out.jsonl')
    const refused = await cli(s, run, {env: {FAKE_TF_RECORD: record2}})
    expect(refused.code).to.equal(5)
    expect(refused.stderr).to.include('terrace aws sso login')
    expect(readRecord(record2)).to.deep.equal([])
  })

  it('an access token that lapses mid-run is renewed through the refresh grant', async () => {
    const record = join(s.dir, 'lapse.jsonl')
    const running = collect(
      spawnCli(run, {cwd: s.project, env: {...s.env, FAKE_TF_RECORD: record, FAKE_TF_SLEEP_MS: '1500'}}),
    )
    await waitFor(() => readRecord(record).length > 0, 30_000)
    await s.sb.control.expire(['access-tokens'])
    const result = await running
    expect(result.code, result.stderr).to.equal(0)
    expect(readRecord(record).filter((e) => e.event === 'start')).to.have.length(2)
  })

  it('a login that cannot be renewed stops the run with exit 5 naming the layer', async () => {
    const record = join(s.dir, 'dead.jsonl')
    const running = collect(
      spawnCli(run, {cwd: s.project, env: {...s.env, FAKE_TF_RECORD: record, FAKE_TF_SLEEP_MS: '1500'}}),
    )
    await waitFor(() => readRecord(record).length > 0, 30_000)
    await s.sb.control.expire(['access-tokens', 'refresh-tokens'])
    const result = await running
    expect(result.code, result.stderr).to.equal(5)
    expect(result.stderr).to.include('terrace aws sso login').and.include(`layer ${LAYERS.management}`)
    expect(readRecord(record).filter((e) => e.event === 'start')).to.have.length(1)
    expect(leftovers(s)).to.deep.equal([])
  })
})
