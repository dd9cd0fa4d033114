import {expect} from 'chai'

import {createPacer} from '../../src/awsfiles/pacer.js'
import {listReachableRoles, RoleListingPort} from '../../src/awsfiles/sso-role-listing.js'
import {mapPool} from '../../src/lib/worker-pool.js'

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

/** A portal with `n` accounts (pages of 3) and 2 roles each (pages of 1), counting calls in flight. */
function fakePortal(n: number, fail?: {accountId: string}) {
  const stats = {calls: 0, inFlight: 0, maxInFlight: 0}
  const ids = Array.from({length: n}, (_, i) => String(900_000_000_001 + i))
  const enter = async () => {
    stats.calls++
    stats.inFlight++
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
    await sleep(2)
    stats.inFlight--
  }

  const port: RoleListingPort = {
    async listAccountRoles({accountId, nextToken}) {
      await enter()
      if (accountId === fail?.accountId) throw Object.assign(new Error('denied'), {name: 'ForbiddenException'})
      return nextToken
        ? {roles: [{accountId, roleName: 'ReadOnly'}]}
        : {nextToken: 'more', roles: [{accountId, roleName: 'DevOps'}]}
    },
    async listAccounts({nextToken}) {
      await enter()
      const start = Number(nextToken ?? 0)
      const page = ids.slice(start, start + 3).map((accountId) => ({accountId, accountName: `Acct ${accountId}`}))
      return {accounts: page, nextToken: start + 3 < ids.length ? String(start + 3) : undefined}
    },
  }
  return {port, stats}
}

describe('awsfiles: listing every reachable SSO role', () => {
  it("pages through accounts and each account's roles, at most 10 in flight, reporting progress", async () => {
    const {port, stats} = fakePortal(40)
    const progress: Array<[number, number]> = []
    const roles = await listReachableRoles(port, 'tok', {
      onProgress: (d, t) => progress.push([d, t]),
      perSecond: 10_000,
    })
    expect(roles).to.have.length(80)
    expect(new Set(roles.map((r) => `${r.accountId}/${r.roleName}`)).size).to.equal(80)
    expect(roles[0]).to.deep.include({accountName: 'Acct 900000000001', roleName: 'DevOps'})
    expect(stats.calls).to.equal(14 + 80)
    expect(stats.maxInFlight).to.be.at.most(10).and.at.least(2)
    expect(progress[0]).to.deep.equal([0, 40])
    expect(progress.at(-1)).to.deep.equal([40, 40])
  })

  it('a failed listing rejects (no hang) and stops starting new accounts', async () => {
    const {port, stats} = fakePortal(40, {accountId: '900000000003'})
    let error: unknown
    try {
      await listReachableRoles(port, 'tok', {concurrency: 2, perSecond: 10_000})
    } catch (error_) {
      error = error_
    }

    expect((error as Error)?.name).to.equal('ForbiddenException')
    await sleep(30)
    expect(stats.calls).to.be.below(14 + 20)
  })

  it('the pacer spaces requests to the rate (20/s → 50 ms apart) across concurrent callers', async () => {
    // a fake clock: timers fire in order, the clock moving on to each one's time
    let now = 1000
    const timers: Array<{at: number; fire: () => void}> = []
    const pacer = createPacer(20, {
      now: () => now,
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          timers.push({at: now + ms, fire: resolve})
        }),
    })
    const starts: number[] = []
    const callers = Promise.all(
      Array.from({length: 5}, async () => {
        await pacer.pace()
        starts.push(now)
      }),
    )
    for (let spins = 0; spins < 1000 && starts.length < 5; spins++) {
      await new Promise((resolve) => {
        setImmediate(resolve)
      })
      timers.sort((a, b) => a.at - b.at)
      const timer = timers.shift()
      if (!timer) continue
      now = Math.max(now, timer.at)
      timer.fire()
    }

    await callers
    expect(starts).to.deep.equal([1000, 1050, 1100, 1150, 1200])
  })

  it('mapPool keeps order, bounds concurrency, and handles an empty list', async () => {
    let inFlight = 0
    let max = 0
    const out = await mapPool([5, 1, 4, 2, 3], 2, async (n) => {
      inFlight++
      max = Math.max(max, inFlight)
      await sleep(n)
      inFlight--
      return n * 10
    })
    expect(out).to.deep.equal([50, 10, 40, 20, 30])
    expect(max).to.equal(2)
    expect(await mapPool([], 10, async () => 1)).to.deep.equal([])
  })
})
