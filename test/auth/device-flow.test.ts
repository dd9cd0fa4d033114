import {expect} from 'chai'

import {pollForToken} from '../../src/auth/sso/device-flow.js'
import {OidcPort, TokenGrant} from '../../src/auth/sso/types.js'
import {Clock} from '../../src/lib/clock.js'
import {TerraceError} from '../../src/lib/errors.js'

/** A clock whose sleeps advance time instantly, recording each wait. */
function fakeClock(): Clock & {waits: number[]} {
  let now = 1_000_000
  const waits: number[] = []
  return {
    now: () => now,
    async sleep(ms) {
      waits.push(ms)
      now += ms
    },
    waits,
  }
}

function sdkError(name: string): Error {
  const error = new Error(name)
  error.name = name
  return error
}

/** An OIDC port answering CreateToken from a script of outcomes. */
function scriptedOidc(outcomes: Array<string | TokenGrant>): OidcPort & {calls: number} {
  const port = {
    calls: 0,
    async createToken() {
      const next = outcomes[port.calls++]
      if (next === undefined) throw new Error('script exhausted')
      if (typeof next === 'string') throw sdkError(next)
      return next
    },
    async registerClient() {
      throw new Error('not used')
    },
    async startDeviceAuthorization() {
      throw new Error('not used')
    },
  }
  return port
}

const grant: TokenGrant = {accessToken: 'at', expiresIn: 3600, refreshToken: 'rt'}
const registration = {clientId: 'c', clientSecret: 's', expiresAt: 0, region: 'us-east-1', scopes: []}

describe('device flow polling', () => {
  const cases: Array<{
    exitCode?: number
    expiresIn?: number
    interval?: number
    message?: RegExp
    name: string
    outcomes: Array<string | TokenGrant>
    waits?: number[]
  }> = [
    {name: 'approved at once', outcomes: [grant], waits: [5000]},
    {
      interval: 2,
      name: 'pending twice then approved, at the interval AWS gave',
      outcomes: ['AuthorizationPendingException', 'AuthorizationPendingException', grant],
      waits: [2000, 2000, 2000],
    },
    {
      interval: 1,
      name: 'SlowDown adds 5 s to every later wait',
      outcomes: [
        'AuthorizationPendingException',
        'SlowDownException',
        'AuthorizationPendingException',
        'SlowDownException',
        grant,
      ],
      waits: [1000, 1000, 6000, 6000, 11_000],
    },
    {exitCode: 6, message: /denied/, name: 'denied in the browser', outcomes: ['AccessDeniedException']},
    {
      exitCode: 5,
      message: /expired before it was approved/,
      name: 'expired device code',
      outcomes: ['ExpiredTokenException'],
    },
    {
      exitCode: 5,
      expiresIn: 12,
      interval: 5,
      message: /expired/,
      name: 'the code lifetime runs out while pending',
      outcomes: ['AuthorizationPendingException', 'AuthorizationPendingException', 'AuthorizationPendingException'],
      waits: [5000, 5000, 5000],
    },
  ]

  for (const c of cases) {
    it(c.name, async () => {
      const clock = fakeClock()
      const oidc = scriptedOidc(c.outcomes)
      const run = pollForToken({
        authorization: {
          deviceCode: 'dc',
          expiresIn: c.expiresIn ?? 600,
          interval: c.interval,
          userCode: 'ABCD-EFGH',
          verificationUri: 'https://x',
        },
        clock,
        endpoint: 'http://127.0.0.1:1',
        oidc,
        registration,
      })
      if (c.exitCode === undefined) {
        expect(await run).to.deep.equal(grant)
      } else {
        const error = await run.then(
          () => null,
          (error_: unknown) => error_,
        )
        expect(error).to.be.instanceOf(TerraceError)
        expect((error as TerraceError).exitCode).to.equal(c.exitCode)
        expect((error as TerraceError).message).to.match(c.message!)
      }

      if (c.waits) expect(clock.waits).to.deep.equal(c.waits)
    })
  }

  it('stops with exit 130 when interrupted', async () => {
    const controller = new AbortController()
    controller.abort()
    const {systemClock} = await import('../../src/lib/clock.js')
    const error = await pollForToken({
      authorization: {deviceCode: 'dc', expiresIn: 600, userCode: 'X', verificationUri: 'https://x'},
      clock: systemClock,
      endpoint: 'http://127.0.0.1:1',
      oidc: scriptedOidc([]),
      registration,
      signal: controller.signal,
    }).catch((error_: unknown) => error_)
    expect((error as TerraceError).exitCode).to.equal(130)
  })
})
