/**
 * Issue 14 at scale, through the built CLI: an IAM Identity Center of 1,000 accounts x 3 roles behind a portal that
 * answers 429 above 20 requests/s. The sync paces itself to the limit (~1,010 requests, about 51 s: the achieved
 * rate is a figure of bench/integration-sync.js, not asserted here), then the same world with 20% of the portal's
 * answers injected as 429 or 500 (~1,260 requests, about 65 s). Slow by nature: about two minutes together.
 */
import {expect} from 'chai'

import {assertBuilt} from '../helpers/cli.js'
import {keys, ok, type Scenario, scenario, sessions, START_URL, sync} from './integration-helpers.js'

const WORLD = {accounts: 1000, rolesPerAccount: 3}

async function loggedIn(): Promise<Scenario> {
  const s = await scenario(WORLD)
  await ok(s, 'integration', 'add', 'aws-sso', '--alias', 'corp', '--start-url', START_URL, '--region', 'us-east-1')
  await ok(s, 'integration', 'login', 'corp', '--no-browser')
  return s
}

describe('e2e: integration sync of 1,000 accounts x 3 roles at 20 requests/s', function () {
  this.timeout(300_000)
  let s: Scenario

  before(assertBuilt)

  afterEach(async () => {
    await s?.stop()
  })

  it('every one of the 3,000 roles becomes one session, with no failed request; ~1,010 requests', async () => {
    s = await loggedIn()
    const summary = await sync(s)
    expect(summary.counts).to.deep.equal({added: 3000, removed: 0, unchanged: 0, updated: 0})
    // 10 ListAccounts pages of 100 + 1,000 ListAccountRoles; a throttled one (if the pacing ever overshoots) is retried
    expect(summary.requests.requests - summary.requests.retries).to.equal(1010)
    const listed = await sessions(s)
    expect(listed.map((x) => x.source?.key)).to.have.members(keys(1, 1000, 3))
    const log = await s.sb().control.requestLog()
    const failed = log.filter((e) => e.service === 'portal' && e.status >= 400 && e.status !== 429)
    expect(failed).to.deep.equal([])
  })

  it('with 20% of the answers 429 or 500: every session arrives, none twice', async () => {
    s = await loggedIn()
    await s.sb().control.updateSettings({faults: {kinds: ['429', '5xx'], rate: 0.2, services: ['portal'], status: 500}})
    const summary = await sync(s)
    expect(summary.counts.added).to.equal(3000)
    expect(summary.requests.throttled).to.be.greaterThan(0)
    expect(summary.requests.retries).to.be.greaterThan(100)
    const log = await s.sb().control.requestLog()
    expect(log.filter((e) => e.outcome === 'fault:429').length).to.be.greaterThan(0)
    expect(log.filter((e) => e.outcome === 'fault:5xx').length).to.be.greaterThan(0)
    const listed = await sessions(s)
    expect(listed).to.have.length(3000)
    expect(new Set(listed.map((x) => x.source?.key)).size).to.equal(3000)
    expect(listed.map((x) => x.source?.key)).to.have.members(keys(1, 1000, 3))
  })
})
