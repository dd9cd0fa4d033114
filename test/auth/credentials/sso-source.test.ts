import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {cacheEntryFor} from '../../../src/auth/credentials/credential-cache.js'
import {createSsoCredentialSource} from '../../../src/auth/credentials/sso-source.js'
import {AwsCredentials} from '../../../src/auth/credentials/types.js'
import {SsoLogin} from '../../../src/auth/sso/sso-login.js'
import {OidcPort, PortalPort} from '../../../src/auth/sso/types.js'
import {Clock} from '../../../src/lib/clock.js'
import {TerraceError} from '../../../src/lib/errors.js'
import {SsoRoleRef} from '../../../src/lib/role-refs.js'
import {ssoClientEntry, ssoTokenEntry} from '../../../src/vault/entries.js'
import {MemoryStore} from '../../../src/vault/memory-store.js'

const START_URL = 'https://bb.awsapps.com/start'
const T0 = 1_700_000_000_000
const TTL = 1800 * 1000
const HOUR = 3600 * 1000

const REF: SsoRoleRef = {
  account: 'apps-devstg',
  accountId: '555555555555',
  kind: 'sso',
  role: 'DevOps',
  source: '/p/apps-devstg/config/account.tfvars',
  ssoRegion: 'us-east-1',
  startUrl: START_URL,
}
const OTHER: SsoRoleRef = {...REF, account: 'shared', accountId: '333333333333'}

const sdkError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`${name} from AWS`), {name, ...extra})

type Outcome = 'ok' | ((input: {accessToken: string; accountId: string}) => unknown) | Error

/** A portal answering GetRoleCredentials from a script (then 'ok' forever), numbering the keys it hands out. */
function fakePortal(script: Outcome[] = [], options: {delayMs?: number; lifetimeMs?: number; now: () => number}) {
  const calls: Array<{accessToken: string; accountId: string; roleName: string}> = []
  const port: PortalPort = {
    async getRoleCredentials(input) {
      const n = calls.push(input)
      if (options.delayMs)
        await new Promise((r) => {
          setTimeout(r, options.delayMs)
        })
      const next = script[n - 1] ?? 'ok'
      if (next instanceof Error) throw next
      if (typeof next === 'function') next(input)
      return {
        accessKeyId: `ASIA${n}`,
        expiration: options.now() + (options.lifetimeMs ?? HOUR),
        secretAccessKey: `secret-${n}`,
        sessionToken: `session-${n}`,
      }
    },
    async listAccountRoles() {
      throw new Error('not used')
    },
    async listAccounts() {
      throw new Error('not used')
    },
    async logout() {},
  }
  return {calls, port}
}

function fakeOidc(): OidcPort & {refreshes: number} {
  const oidc = {
    async createToken() {
      oidc.refreshes++
      return {accessToken: `token-${oidc.refreshes + 1}`, expiresIn: 8 * 3600, refreshToken: 'refresh-2'}
    },
    refreshes: 0,
    async registerClient(): Promise<never> {
      throw new Error('not used')
    },
    async startDeviceAuthorization(): Promise<never> {
      throw new Error('not used')
    },
  }
  return oidc
}

interface World {
  clock: Clock & {advance(ms: number): void}
  lockDir: string
  oidc: ReturnType<typeof fakeOidc>
  store: MemoryStore
}

function world(lockDir: string, loggedIn = true): World {
  let now = T0
  const clock = {
    advance(ms: number) {
      now += ms
    },
    now: () => now,
    async sleep(ms: number) {
      now += ms
    },
  }
  const store = new MemoryStore()
  if (loggedIn) {
    store.set(
      ssoTokenEntry(START_URL),
      JSON.stringify({
        accessToken: 'token-1',
        expiresAt: T0 + 8 * HOUR,
        obtainedAt: T0,
        refreshToken: 'refresh-1',
        region: 'us-east-1',
        startUrl: START_URL,
      }),
    )
    store.set(
      ssoClientEntry(START_URL, 'us-east-1'),
      JSON.stringify({
        clientId: 'client',
        clientSecret: 'client-secret',
        expiresAt: T0 + 90 * 24 * HOUR,
        region: 'us-east-1',
        scopes: [],
      }),
    )
  }

  return {clock, lockDir, oidc: fakeOidc(), store}
}

function sourceIn(w: World, portal: PortalPort, env: NodeJS.ProcessEnv = {}) {
  const ssoLogin = new SsoLogin({clock: w.clock, env, lockDir: w.lockDir, oidc: async () => w.oidc, store: w.store})
  return createSsoCredentialSource({
    clock: w.clock,
    env,
    lockDir: w.lockDir,
    portal: async () => portal,
    ssoLogin,
    store: w.store,
    ttlMs: TTL,
  })
}

async function failure(promise: Promise<unknown>): Promise<TerraceError> {
  const error = await promise.then(
    () => {},
    (error_: unknown) => error_,
  )
  expect(error, 'expected a failure').to.be.instanceOf(TerraceError)
  return error as TerraceError
}

describe('auth/credentials: SSO credential source', () => {
  let lockDir: string
  let w: World

  beforeEach(() => {
    lockDir = mkdtempSync(join(tmpdir(), 'terrace-source-'))
    w = world(join(lockDir, 'locks'))
  })

  afterEach(() => rmSync(lockDir, {force: true, recursive: true}))

  it('cold cache: one GetRoleCredentials with the login token, result stored in the vault', async () => {
    const portal = fakePortal([], {now: w.clock.now})
    const creds = await sourceIn(w, portal.port).get(REF)
    expect(portal.calls).to.deep.equal([{accessToken: 'token-1', accountId: '555555555555', roleName: 'DevOps'}])
    expect(creds).to.deep.equal({
      accessKeyId: 'ASIA1',
      expiration: T0 + HOUR,
      obtainedAt: T0,
      secretAccessKey: 'secret-1',
      sessionToken: 'session-1',
    })
    expect(JSON.parse(w.store.snapshot()[cacheEntryFor(REF)])).to.deep.equal(creds)
  })

  // [what, how long after the first fetch, AWS lifetime of the first credentials, fetches expected in total]
  const table: Array<[string, number, number, number]> = [
    ['fresh cache: answered from the vault', 10 * 60 * 1000, HOUR, 1],
    ['just inside the TTL minus the 2-minute margin: still cached', TTL - 120_001, HOUR, 1],
    ['TTL minus the margin reached: fetched again', TTL - 120_000, HOUR, 2],
    ['TTL long past: fetched again', 5 * HOUR, 5 * HOUR + 1, 2],
    ['AWS expiry within the margin (although young): fetched again', 60_000, 150_000, 2],
    ['AWS expiry beyond the margin: cached', 60_000, 200_000, 1],
  ]
  for (const [what, after, lifetimeMs, fetches] of table) {
    it(what, async () => {
      let lifetime = lifetimeMs
      const portal = fakePortal([], {now: w.clock.now})
      const port: PortalPort = {
        ...portal.port,
        async getRoleCredentials(input) {
          const out = await portal.port.getRoleCredentials(input)
          const result = {...out, expiration: w.clock.now() + lifetime}
          lifetime = HOUR
          return result
        },
      }
      const source = sourceIn(w, port)
      await source.get(REF)
      w.clock.advance(after)
      const second = await source.get(REF)
      expect(portal.calls).to.have.length(fetches)
      expect(second.accessKeyId).to.equal(`ASIA${fetches}`)
    })
  }

  it('forceRefresh fetches again although the cache is fresh', async () => {
    const portal = fakePortal([], {now: w.clock.now})
    const source = sourceIn(w, portal.port)
    await source.get(REF)
    const forced = await source.get(REF, {forceRefresh: true})
    expect(portal.calls).to.have.length(2)
    expect(forced.accessKeyId).to.equal('ASIA2')
    expect((await source.get(REF)).accessKeyId, 'the forced credentials are cached').to.equal('ASIA2')
  })

  it('a cache entry that is not valid credentials counts as a miss', async () => {
    await w.store.set(cacheEntryFor(REF), '{"accessKeyId": 5}')
    const portal = fakePortal([], {now: w.clock.now})
    expect((await sourceIn(w, portal.port).get(REF)).accessKeyId).to.equal('ASIA1')
  })

  it('UnauthorizedException: renews the token through the refresh grant and retries once', async () => {
    const portal = fakePortal([sdkError('UnauthorizedException')], {now: w.clock.now})
    const creds = await sourceIn(w, portal.port).get(REF)
    expect(creds.accessKeyId).to.equal('ASIA2')
    expect(portal.calls.map((c) => c.accessToken)).to.deep.equal(['token-1', 'token-2'])
    expect(w.oidc.refreshes).to.equal(1)
  })

  it('UnauthorizedException again after the renewal: exit 5 naming the login command', async () => {
    const portal = fakePortal([sdkError('UnauthorizedException'), sdkError('UnauthorizedException')], {
      now: w.clock.now,
    })
    const error = await failure(sourceIn(w, portal.port).get(REF))
    expect(error.exitCode).to.equal(5)
    expect(error.suggestion).to.include('terrace aws sso login')
    expect(portal.calls).to.have.length(2)
  })

  it('not logged in: exit 5 naming the login command, and no AWS call', async () => {
    const out = world(w.lockDir, false)
    const portal = fakePortal([], {now: out.clock.now})
    const error = await failure(sourceIn(out, portal.port).get(REF))
    expect(error.exitCode).to.equal(5)
    expect(error.suggestion).to.include('terrace aws sso login')
    expect(portal.calls).to.have.length(0)
  })

  it('asked on behalf of a layer: the login failures name it, as auth writes them', async () => {
    const neededFor = 'layer apps-devstg/us-east-1/base-network'
    const out = world(w.lockDir, false)
    const missing = await failure(sourceIn(out, fakePortal([], {now: out.clock.now}).port).get(REF, {neededFor}))
    expect(missing.message).to.equal(`You are not logged in to ${START_URL} (needed for ${neededFor}).`)
    const rejected = fakePortal([sdkError('UnauthorizedException'), sdkError('UnauthorizedException')], {
      now: w.clock.now,
    })
    const revoked = await failure(sourceIn(w, rejected.port).get(REF, {neededFor}))
    expect(revoked.message).to.equal(
      `Your SSO login has expired or was revoked (UnauthorizedException) (needed for ${neededFor}).`,
    )
    const unnamed = await failure(sourceIn(out, fakePortal([], {now: out.clock.now}).port).get(REF))
    expect(unnamed.message).to.equal(`You are not logged in to ${START_URL}.`)
  })

  for (const name of ['ForbiddenException', 'AccessDeniedException']) {
    it(`${name}: exit 6 naming account (name and id), role and the file the role came from`, async () => {
      const portal = fakePortal([sdkError(name, {$metadata: {httpStatusCode: 403}})], {now: w.clock.now})
      const error = await failure(sourceIn(w, portal.port).get(REF))
      expect(error.exitCode).to.equal(6)
      expect(error.message).to.include('DevOps').and.include('apps-devstg (555555555555)').and.include(REF.source!)
      expect(error.suggestion).to.include('permission set "DevOps"').and.include('555555555555')
      expect(w.store.snapshot()[cacheEntryFor(REF)], 'nothing cached').to.equal(undefined)
    })
  }

  for (const [what, error] of [
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {code: 'ECONNREFUSED'})],
    ['5xx after the SDK retries', sdkError('InternalServerException', {$metadata: {httpStatusCode: 500}})],
    ['timeouts', sdkError('TimeoutError')],
  ] as const) {
    it(`unreachable (${what}): exit 9 naming the endpoint`, async () => {
      const portal = fakePortal([error], {now: w.clock.now})
      const failed = await failure(sourceIn(w, portal.port, {AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9'}).get(REF))
      expect(failed.exitCode).to.equal(9)
      expect(failed.message).to.include('http://127.0.0.1:9').and.include('DevOps')
    })
  }

  it('the endpoint named without an override is the public portal of the SSO region', async () => {
    const portal = fakePortal([sdkError('TimeoutError')], {now: w.clock.now})
    const failed = await failure(sourceIn(w, portal.port).get(REF))
    expect(failed.message).to.include('https://portal.sso.us-east-1.amazonaws.com')
  })

  it('concurrent gets in one process: one fetch per role', async () => {
    const portal = fakePortal([], {delayMs: 30, now: w.clock.now})
    const source = sourceIn(w, portal.port)
    const all = await Promise.all([
      ...Array.from({length: 8}, () => source.get(REF)),
      ...Array.from({length: 8}, () => source.get(OTHER)),
    ])
    expect(portal.calls.map((c) => c.accountId).sort()).to.deep.equal(['333333333333', '555555555555'])
    expect(new Set(all.map((c) => c.accessKeyId)).size).to.equal(2)
  })

  it('separate sources sharing the vault and lock folder (as processes do): one fetch; the waiters re-read the cache', async () => {
    const portal = fakePortal([], {delayMs: 50, now: w.clock.now})
    const sources = Array.from({length: 6}, () => sourceIn(w, portal.port))
    const all = await Promise.all(sources.map((s) => s.get(REF)))
    expect(portal.calls).to.have.length(1)
    expect(all.map((c) => c.accessKeyId)).to.deep.equal(Array.from({length: 6}, () => 'ASIA1'))
  })

  it('forced refreshes that overlap share the one fetch made after they were asked', async () => {
    const portal = fakePortal([], {delayMs: 50, now: w.clock.now})
    await sourceIn(w, portal.port).get(REF)
    w.clock.advance(1000)
    const sources = Array.from({length: 4}, () => sourceIn(w, portal.port))
    const all = await Promise.all(sources.map((s) => s.get(REF, {forceRefresh: true})))
    expect(portal.calls).to.have.length(2)
    expect(new Set(all.map((c: AwsCredentials) => c.accessKeyId))).to.deep.equal(new Set(['ASIA2']))
  })
})
