import {expect} from 'chai'

import {credentialTtlMs, handedOutExpiration, isFresh, renewMarginMs} from '../../../src/auth/credentials/ttl.js'
import {TerraceError} from '../../../src/lib/errors.js'

describe('auth/credentials: TTL', () => {
  const valid: Array<[string | undefined, number]> = [
    [undefined, 1_800_000],
    ['', 1_800_000],
    ['60', 60_000],
    [' 300 ', 300_000],
    ['1800', 1_800_000],
    ['3600', 1_800_000],
  ]
  for (const [value, ms] of valid) {
    it(`TERRACE_CREDENTIAL_TTL=${JSON.stringify(value)} -> ${ms} ms`, () => {
      expect(credentialTtlMs(value === undefined ? {} : {TERRACE_CREDENTIAL_TTL: value})).to.equal(ms)
    })
  }

  for (const value of ['0', '-5', '1.5', 'abc', '60s', '1e3']) {
    it(`TERRACE_CREDENTIAL_TTL=${value} is a configuration error (exit 4)`, () => {
      let error: unknown
      try {
        credentialTtlMs({TERRACE_CREDENTIAL_TTL: value})
      } catch (error_) {
        error = error_
      }

      expect(error).to.be.instanceOf(TerraceError)
      expect((error as TerraceError).exitCode).to.equal(4)
      expect((error as TerraceError).message)
        .to.include('TERRACE_CREDENTIAL_TTL')
        .and.include(value)
    })
  }

  it('the renewal margin is 2 minutes, or 10 % of a short TTL', () => {
    expect(renewMarginMs(1_800_000)).to.equal(120_000)
    expect(renewMarginMs(60_000)).to.equal(6000)
  })

  const creds = {accessKeyId: 'a', expiration: 10_000_000, obtainedAt: 1_000_000, secretAccessKey: 's'}
  const fresh: Array<[number, number, boolean]> = [
    [1_000_000, 1_800_000, true],
    [1_000_000 + 1_680_000 - 1, 1_800_000, true],
    [1_000_000 + 1_680_000, 1_800_000, false],
    [1_000_000 + 54_000 - 1, 60_000, true],
    [1_000_000 + 54_000, 60_000, false],
  ]
  for (const [now, ttl, expected] of fresh) {
    it(`isFresh at +${now - 1_000_000} ms with TTL ${ttl}: ${expected}`, () => {
      expect(isFresh(creds, now, ttl)).to.equal(expected)
    })
  }

  it('isFresh is false close to AWS expiry whatever the age', () => {
    expect(isFresh({...creds, expiration: 1_100_000}, 1_000_000, 1_800_000)).to.equal(false)
    expect(isFresh({...creds, expiration: 1_120_001}, 1_000_000, 1_800_000)).to.equal(true)
  })

  it('handed-out expiration: the earlier of AWS expiry and obtainedAt + TTL', () => {
    expect(handedOutExpiration(creds, 1_800_000)).to.equal(2_800_000)
    expect(handedOutExpiration({...creds, expiration: 2_000_000}, 1_800_000)).to.equal(2_000_000)
  })
})
