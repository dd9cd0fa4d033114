import {expect} from 'chai'

import {refreshRoles} from '../../../src/auth/credentials/refresh-roles.js'
import {AwsCredentials, CredentialSource} from '../../../src/auth/credentials/types.js'
import {AwsRefusedError} from '../../../src/lib/errors.js'
import {ProfileBinding, SsoRoleRef} from '../../../src/lib/role-refs.js'
import {ssoRef} from '../../helpers/role-refs.js'

const ref = (account: string, accountId: string, role = 'DevOps'): SsoRoleRef => ssoRef(accountId, {account, role})
const BINDINGS: ProfileBinding[] = [
  {name: 'bb-apps-devstg-devops', ref: ref('apps-devstg', '555555555555')},
  {name: 'bb-management-administrator', ref: ref('management', '111111111111', 'Administrator')},
  {name: 'bb-network-devops', ref: ref('network', '444444444444')},
  {name: 'bb-security-devops', ref: ref('security', '222222222222')},
  {name: 'bb-shared-devops', ref: ref('shared', '333333333333')},
]

/** Fresh cache for accountIds in `cached` (obtained at 0), new credentials (obtained at `now`) for the others. */
function fakeSource(now: number, cached: Set<string>, refuse = new Set<string>()) {
  let active = 0
  const seen = {forced: [] as boolean[], maxActive: 0}
  const source: CredentialSource = {
    async get(r, options) {
      seen.forced.push(Boolean(options?.forceRefresh))
      active++
      seen.maxActive = Math.max(seen.maxActive, active)
      await new Promise((resolve) => {
        setTimeout(resolve, 10)
      })
      active--
      if (refuse.has(r.accountId)) throw new AwsRefusedError(`refused ${r.role} in ${r.accountId}`)
      const obtainedAt = cached.has(r.accountId) && !options?.forceRefresh ? 0 : now
      const creds: AwsCredentials = {
        accessKeyId: 'AKIA',
        expiration: obtainedAt + 3_600_000,
        obtainedAt,
        secretAccessKey: 'S',
      }
      return creds
    },
  }
  return {seen, source}
}

const expiresAt = (c: AwsCredentials) => Math.min(c.expiration, c.obtainedAt + 1_800_000)

describe('auth/credentials: refreshRoles', () => {
  const now = 1_000_000

  it('reports every role in order, renewed or fresh, with ISO times and no keys', async () => {
    const {seen, source} = fakeSource(now, new Set(['111111111111']))
    const results = await refreshRoles({bindings: BINDINGS, expiresAt, force: false, now: () => now, source})
    expect(results.map((r) => r.profile)).to.deep.equal(BINDINGS.map((b) => b.name))
    expect(results[0]).to.deep.equal({
      account: 'apps-devstg',
      accountId: '555555555555',
      expiresAt: new Date(now + 1_800_000).toISOString(),
      obtainedAt: new Date(now).toISOString(),
      profile: 'bb-apps-devstg-devops',
      renewed: true,
      role: 'DevOps',
    })
    expect(results[1]).to.include({obtainedAt: new Date(0).toISOString(), renewed: false})
    expect(JSON.stringify(results)).not.to.match(/AKIA|"S"/)
    expect(seen.forced).to.deep.equal([false, false, false, false, false])
  })

  it('--force asks for a refresh of every role', async () => {
    const {seen, source} = fakeSource(now, new Set(['111111111111']))
    const results = await refreshRoles({bindings: BINDINGS, expiresAt, force: true, now: () => now, source})
    expect(results.every((r) => r.renewed)).to.equal(true)
    expect(seen.forced).to.deep.equal([true, true, true, true, true])
  })

  it('runs at most `concurrency` roles at once and reports progress', async () => {
    const {seen, source} = fakeSource(now, new Set())
    const progress: string[] = []
    await refreshRoles({
      bindings: BINDINGS,
      concurrency: 2,
      expiresAt,
      force: false,
      now: () => now,
      onProgress: (done, total) => progress.push(`${done}/${total}`),
      source,
    })
    expect(seen.maxActive).to.equal(2)
    expect(progress).to.deep.equal(['1/5', '2/5', '3/5', '4/5', '5/5'])
  })

  it('a failing role is reported with its exit code; the others still run', async () => {
    const {source} = fakeSource(now, new Set(), new Set(['444444444444']))
    const results = await refreshRoles({bindings: BINDINGS, expiresAt, force: false, now: () => now, source})
    expect(results[2]).to.deep.include({
      error: {code: 6, message: 'refused DevOps in 444444444444'},
      expiresAt: null,
      renewed: false,
    })
    expect(results.filter((r) => r.renewed)).to.have.length(4)
  })
})
