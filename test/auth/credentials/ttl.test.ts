import {expect} from 'chai'

import {credentialTtlMs, handedOutExpiration, isFresh, renewMarginMs} from '../../../src/auth/credentials/ttl.js'
import {TerraceError} from '../../../src/lib/errors.js'

describe('auth/credentials: TTL', () => {
  const valid: Array<[string | undefined, number]> = [
    [undefined, 1_800_000],
    ['', 1_800_000],
    ['1', 1000],
    ['60', 60_000],
    [' 300 ', 300_000],
    ['1799', 1_799_000],
    ['1800', 1_800_000],
    ['1801', 1_800_000],
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

  // 10 % of the TTL, rounded down, up to 2 minutes: the cap starts at a TTL of exactly 1 200 000 ms
  const margins: Array<[number, number]> = [
    [1_800_000, 120_000],
    [1_200_001, 120_000],
    [1_200_000, 120_000],
    [1_199_999, 119_999],
    [1_199_991, 119_999],
    [60_000, 6000],
    [60_001, 6000],
    [60_009, 6000],
    [59_999, 5999],
  ]
  for (const [ttl, margin] of margins) {
    it(`the renewal margin for a TTL of ${ttl} ms is ${margin} ms`, () => {
      expect(renewMarginMs(ttl)).to.equal(margin)
    })
  }

  const creds = {accessKeyId: 'a', expiration: 10_000_000, obtainedAt: 1_000_000, secretAccessKey: 's'}
  // age limit: fresh while younger than TTL - margin (1 680 000 ms for 30 min, 54 000 ms for 1 min), AWS expiry far
  const byAge: Array<[number, number, boolean]> = [
    [0, 1_800_000, true],
    [1_680_000 - 1, 1_800_000, true],
    [1_680_000, 1_800_000, false],
    [1_680_000 + 1, 1_800_000, false],
    [54_000 - 1, 60_000, true],
    [54_000, 60_000, false],
    [54_000 + 1, 60_000, false],
  ]
  for (const [age, ttl, expected] of byAge) {
    it(`isFresh at age ${age} ms with TTL ${ttl}: ${expected}`, () => {
      expect(isFresh(creds, 1_000_000 + age, ttl)).to.equal(expected)
    })
  }

  // AWS expiry: fresh only while more than the margin (120 000 ms for 30 min, 6000 ms for 1 min) is left; young creds
  const byExpiry: Array<[number, number, boolean]> = [
    [120_000 + 1, 1_800_000, true],
    [120_000, 1_800_000, false],
    [120_000 - 1, 1_800_000, false],
    [100_000, 1_800_000, false],
    [6000 + 1, 60_000, true],
    [6000, 60_000, false],
    [6000 - 1, 60_000, false],
  ]
  for (const [left, ttl, expected] of byExpiry) {
    it(`isFresh with ${left} ms left before AWS expiry and TTL ${ttl}: ${expected}`, () => {
      expect(isFresh({...creds, expiration: 1_000_000 + left}, 1_000_000, ttl)).to.equal(expected)
    })
  }

  it('handed-out expiration: the earlier of AWS expiry and obtainedAt + TTL', () => {
    expect(handedOutExpiration(creds, 1_800_000)).to.equal(2_800_000)
    expect(handedOutExpiration({...creds, expiration: 2_000_000}, 1_800_000)).to.equal(2_000_000)
    expect(handedOutExpiration({...creds, expiration: 2_800_000 - 1}, 1_800_000)).to.equal(2_800_000 - 1)
    expect(handedOutExpiration({...creds, expiration: 2_800_000}, 1_800_000)).to.equal(2_800_000)
    expect(handedOutExpiration({...creds, expiration: 2_800_000 + 1}, 1_800_000)).to.equal(2_800_000)
  })
})
