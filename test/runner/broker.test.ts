import {expect} from 'chai'
import {request} from 'node:http'
import {connect} from 'node:net'

import type {AwsCredentials, CredentialSource} from '../../src/auth/credentials/types.js'
import type {RoleRef} from '../../src/lib/role-refs.js'

import {AwsUnreachableError} from '../../src/lib/errors.js'
import {type Broker, startCredentialBroker} from '../../src/runner/credentials/broker.js'
import {waitFor} from '../helpers/cli.js'
import {ssoRef} from '../helpers/role-refs.js'

const ref = (accountId: string, role = 'DevOps'): RoleRef =>
  ssoRef(accountId, {role, startUrl: 'https://x.awsapps.com/start'})

/** A source that issues numbered credentials living `lifeMs`; counts calls and forced refreshes. */
function fakeSource(lifeMs = 60_000) {
  const calls: Array<{accountId: string; force: boolean}> = []
  let issued = 0
  const cache = new Map<string, AwsCredentials>()
  let failing: Error | null = null
  const source: CredentialSource = {
    async get(r, options = {}) {
      calls.push({accountId: r.accountId, force: Boolean(options.forceRefresh)})
      if (failing) throw failing
      const now = Date.now()
      const cached = cache.get(r.accountId)
      if (cached && !options.forceRefresh && cached.expiration - now > 1000) return cached
      issued++
      const creds = {
        accessKeyId: `AKIA${r.accountId}${issued}`,
        expiration: now + lifeMs,
        obtainedAt: now,
        secretAccessKey: `secret-${issued}`,
        sessionToken: `token-${issued}`,
      }
      cache.set(r.accountId, creds)
      return creds
    },
  }
  return {
    calls,
    fail(error: Error | null) {
      failing = error
    },
    source,
  }
}

function fetch(url: string, token?: string): Promise<{body: Record<string, string>; status: number}> {
  return new Promise((resolve, reject) => {
    const req = request(url, {headers: token === undefined ? {} : {authorization: token}}, (response) => {
      let text = ''
      response.setEncoding('utf8').on('data', (c: string) => {
        text += c
      })
      response.on('end', () => resolve({body: JSON.parse(text), status: response.statusCode ?? 0}))
    })
    req.on('error', reject)
    req.end()
  })
}

/** One raw HTTP/1.0 request (unchunked answer) with exactly the Host line given (none when null): status and body. */
function rawGet(url: string, token: string, host: null | string): Promise<{body: string; status: number}> {
  const {pathname, port} = new URL(url)
  const lines = [`GET ${pathname} HTTP/1.0`, ...(host === null ? [] : [`Host: ${host}`])]
  lines.push(`Authorization: ${token}`, 'Connection: close', '', '')
  return new Promise((resolve, reject) => {
    let text = ''
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(lines.join('\r\n')))
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)
      resolve({body: text.slice(text.indexOf('\r\n\r\n') + 4), status})
    })
  })
}

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

const start = (
  fake: ReturnType<typeof fakeSource>,
  overrides: Partial<Parameters<typeof startCredentialBroker>[0]> = {},
) =>
  startCredentialBroker({
    defaultRef: ref('555555555555'),
    expirationOf: (c) => Math.min(c.expiration, c.obtainedAt + 30_000),
    now: Date.now,
    profiles: new Map([
      ['bb-apps-devstg-devops', ref('555555555555')],
      ['bb-shared-devops', ref('333333333333')],
    ]),
    renewLeadMs: 5000,
    source: fake.source,
    ...overrides,
  })

describe('runner/credentials/broker', () => {
  let broker: Broker | undefined

  afterEach(async () => broker?.close())

  it('listens on 127.0.0.1 with a random 256-bit token', async () => {
    broker = await start(fakeSource())
    expect(broker.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/)
    expect(broker.token).to.match(/^[0-9a-f]{64}$/)
    const other = await start(fakeSource())
    expect(other.token).not.to.equal(broker.token)
    expect(other.url).not.to.equal(broker.url)
    await other.close()
  })

  it('401 without the token, 403 with a wrong one, and nothing served', async () => {
    const fake = fakeSource()
    broker = await start(fake)
    expect((await fetch(broker.url)).status).to.equal(401)
    expect((await fetch(broker.url, 'x'.repeat(64))).status).to.equal(403)
    expect((await fetch(broker.url, `${broker.token}0`)).status).to.equal(403)
    expect(fake.calls).to.deep.equal([])
    expect(broker.stats.denied).to.equal(3)
  })

  it('answers only Host 127.0.0.1 or localhost (its own port or none): others get 403 and no credentials', async () => {
    const fake = fakeSource()
    broker = await start(fake)
    const {port} = new URL(broker.url)
    const other = String(Number(port) === 65_535 ? 1 : Number(port) + 1)
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.evil.example:${port}`,
      `127.0.0.1:${other}`,
      'localhost.:' + port,
      '[::1]',
    ]) {
      const {body, status} = await rawGet(broker.url, broker.token, host)
      expect(status, host).to.equal(403)
      expect(body, host).not.to.contain('AccessKeyId')
    }

    const missing = await rawGet(broker.url, broker.token, null)
    expect(missing.status).to.equal(403)
    expect(fake.calls).to.deep.equal([])
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'LOCALHOST', '127.0.0.1']) {
      const {body, status} = await rawGet(broker.url, broker.token, host)
      expect(status, host).to.equal(200)
      expect(JSON.parse(body).AccessKeyId, host).to.match(/^AKIA555555555555/)
    }
  })

  it("serves the default role in the container-credentials shape, with the TTL's end as Expiration", async () => {
    broker = await start(fakeSource(3_600_000))
    const before = Date.now()
    const {body, status} = await fetch(broker.url, broker.token)
    expect(status).to.equal(200)
    expect(Object.keys(body).sort()).to.deep.equal(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'Token'])
    expect(body.AccessKeyId).to.equal('AKIA5555555555551')
    const expiration = Date.parse(body.Expiration)
    expect(expiration).to.be.within(before + 29_000, Date.now() + 30_000)
  })

  it('serves /profiles/<name> for the profiles of the run, 404 for others', async () => {
    broker = await start(fakeSource())
    const base = broker.url.replace(/\/credentials$/, '')
    expect((await fetch(`${base}/profiles/bb-shared-devops`, broker.token)).body.AccessKeyId).to.match(
      /^AKIA333333333333/,
    )
    expect((await fetch(`${base}/profiles/bb-other`, broker.token)).status).to.equal(404)
    expect((await fetch(`${base}/elsewhere`, broker.token)).status).to.equal(404)
  })

  it('no default role: the default path is 404 saying which --profile to pass, profiles still work', async () => {
    broker = await start(fakeSource(), {defaultRef: null})
    const {body, status} = await fetch(broker.url, broker.token)
    expect(status).to.equal(404)
    expect(body.message).to.equal(
      'no default role here: pass --profile <one of bb-apps-devstg-devops, bb-shared-devops> to terrace (terrace aws --profile NAME …, terrace exec --profile NAME -- …), or run the command inside a layer',
    )
    expect(await broker.defaultCredentials()).to.equal(null)
  })

  it("a source failure is a 503 carrying terrace's message", async () => {
    const fake = fakeSource()
    broker = await start(fake)
    fake.fail(new AwsUnreachableError('AWS unreachable at http://127.0.0.1:9'))
    const {body, status} = await fetch(broker.url, broker.token)
    expect(status).to.equal(503)
    expect(body).to.deep.equal({code: 'AwsUnreachableError', message: 'AWS unreachable at http://127.0.0.1:9'})
  })

  it('N concurrent requests for one role make exactly one call to a slow, non-caching source', async () => {
    const n = 8
    let calls = 0
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // every call issues new credentials (no cache of its own) and waits at the gate
    const source: CredentialSource = {
      async get(r) {
        calls++
        const mine = calls
        await gate
        const now = Date.now()
        return {
          accessKeyId: `AKIA${r.accountId}${mine}`,
          expiration: now + 3_600_000,
          obtainedAt: now,
          secretAccessKey: `secret-${mine}`,
          sessionToken: `token-${mine}`,
        }
      },
    }
    // the broker looks the profile up right before it asks for credentials, in the same tick: once all n lookups
    // happened, all n requests are inside the broker and the gate opens
    let lookups = 0
    let allIn!: () => void
    const arrived = new Promise<void>((resolve) => {
      allIn = resolve
    })
    class CountingProfiles extends Map<string, RoleRef> {
      override get(name: string): RoleRef | undefined {
        if (++lookups === n) allIn()
        return super.get(name)
      }
    }

    broker = await startCredentialBroker({
      defaultRef: null,
      expirationOf: (c) => c.expiration,
      now: Date.now,
      profiles: new CountingProfiles([['bb-shared-devops', ref('333333333333')]]),
      renewLeadMs: 5000,
      source,
    })
    const url = broker.url.replace(/\/credentials$/, '/profiles/bb-shared-devops')
    const answers = Promise.all(Array.from({length: n}, () => fetch(url, broker!.token)))
    await arrived
    release()
    const bodies = (await answers).map((a) => a.body.AccessKeyId)
    expect(calls).to.equal(1)
    expect(bodies).to.deep.equal(Array.from({length: n}, () => 'AKIA3333333333331'))
  })

  it('credentials about to lapse are refreshed before they are handed out', async () => {
    const fake = fakeSource(1500)
    broker = await start(fake, {expirationOf: (c) => c.expiration, renewLeadMs: 5000})
    const {body} = await fetch(broker.url, broker.token)
    expect(fake.calls.some((c) => c.force)).to.equal(true)
    expect(body.AccessKeyId).to.equal('AKIA5555555555552')
  })

  it('renews a role served in the background before its Expiration, until closed', async function () {
    // handed out for 1.5 s, renewed 0.5 s before: the timer fires after about 1 s, then every second
    const handedOutMs = 1500
    const renewLeadMs = 500
    const periodMs = handedOutMs - renewLeadMs
    this.timeout(30 * periodMs)
    const fake = fakeSource(60_000)
    broker = await start(fake, {expirationOf: (c) => c.obtainedAt + handedOutMs, renewLeadMs})
    await broker.defaultCredentials()
    const first = fake.calls.length
    // no request comes in: only the background timer can call the source again (however late a loaded machine runs it)
    await waitFor(() => fake.calls.length > first, 20 * periodMs)
    await broker.close()
    const afterClose = fake.calls.length
    // a timer left running would have fired three times over by now
    await sleep(3 * periodMs)
    expect(fake.calls.length).to.equal(afterClose)
  })

  it('is gone once closed: connection refused', async () => {
    broker = await start(fakeSource())
    const {url} = broker
    await broker.close()
    const error = await fetch(url, broker.token).catch((error_: NodeJS.ErrnoException) => error_)
    expect((error as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED')
  })
})
