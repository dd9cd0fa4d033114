import {expect} from 'chai'

import type {SsoToken} from '../../../src/auth/sso/types.js'

import {withSsoToken} from '../../../src/auth/sso/with-sso-token.js'

const START = 'https://example.awsapps.com/start'
const token = (accessToken: string): SsoToken =>
  ({accessToken, expiresAt: Number.MAX_SAFE_INTEGER, region: 'us-east-1'}) as SsoToken
const unauthorized = () =>
  Object.assign(new Error('Session token not found or invalid'), {name: 'UnauthorizedException'})

/** A login whose current token is `t1` and whose renewals hand out t2, t3, …, recording what it was asked. */
function fakeLogin() {
  const renewed: string[] = []
  let n = 1
  return {
    async accessToken() {
      return token(`t${n}`)
    },
    renewed,
    async renewRejected(startUrl: string, rejected: string) {
      expect(startUrl).to.equal(START)
      renewed.push(rejected)
      n++
      return token(`t${n}`)
    },
  } as const
}

describe('auth/sso/with-sso-token: the one SSO renew-and-retry', () => {
  it('a call that works is made once with the current token, nothing renewed', async () => {
    const login = fakeLogin()
    const seen: string[] = []
    const out = await withSsoToken(login, START, async (t) => {
      seen.push(t.accessToken)
      return 'ok'
    })
    expect(out).to.equal('ok')
    expect(seen).to.deep.equal(['t1'])
    expect(login.renewed).to.deep.equal([])
  })

  it('a rejected token is renewed once and the call retried once with the new token', async () => {
    const login = fakeLogin()
    const seen: string[] = []
    const out = await withSsoToken(login, START, async (t) => {
      seen.push(t.accessToken)
      if (t.accessToken === 't1') throw unauthorized()
      return 'ok'
    })
    expect(out).to.equal('ok')
    expect(seen).to.deep.equal(['t1', 't2'])
    expect(login.renewed).to.deep.equal(['t1'])
  })

  it('a second rejection propagates: no second renewal, no third call', async () => {
    const login = fakeLogin()
    const seen: string[] = []
    const error = await withSsoToken(login, START, async (t) => {
      seen.push(t.accessToken)
      throw unauthorized()
    }).catch((error_: Error) => error_)
    expect((error as Error).name).to.equal('UnauthorizedException')
    expect(seen).to.deep.equal(['t1', 't2'])
    expect(login.renewed).to.deep.equal(['t1'])
  })

  it('any other error propagates at once, and a token the caller holds is used first', async () => {
    const login = fakeLogin()
    const seen: string[] = []
    const error = await withSsoToken(
      login,
      START,
      async (t) => {
        seen.push(t.accessToken)
        throw Object.assign(new Error('denied'), {name: 'ForbiddenException'})
      },
      {token: token('held')},
    ).catch((error_: Error) => error_)
    expect((error as Error).name).to.equal('ForbiddenException')
    expect(seen).to.deep.equal(['held'])
    expect(login.renewed).to.deep.equal([])
  })
})
