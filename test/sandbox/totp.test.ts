import {expect} from 'chai'

import {base32Decode, totp, verifyTotp} from '../../src/sandbox/totp.js'

// RFC 6238 appendix B (SHA1), last 6 of the 8 published digits; the secret is ASCII "12345678901234567890".
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'
const VECTORS: Array<[number, string]> = [
  [59, '287082'],
  [1_111_111_109, '081804'],
  [1_111_111_111, '050471'],
  [1_234_567_890, '005924'],
  [2_000_000_000, '279037'],
  [20_000_000_000, '353130'],
]

describe('sandbox TOTP', () => {
  it('decodes base32 (case, spaces and padding ignored) and refuses other characters', () => {
    expect(base32Decode(RFC_SECRET).toString('ascii')).to.equal('12345678901234567890')
    expect(base32Decode('mzxw 6ytb oi======').toString('ascii')).to.equal('foobar')
    expect(() => base32Decode('ABC1')).to.throw('invalid base32')
  })

  for (const [seconds, code] of VECTORS)
    it(`matches the RFC 6238 vector at T=${seconds}`, () => {
      expect(totp(RFC_SECRET, seconds * 1000)).to.equal(code)
    })

  it('verifies within one 30 s step either side and returns the step', () => {
    const time = 1_111_111_111_000
    const step = Math.floor(time / 30_000)
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, time), time)).to.equal(step)
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, time - 30_000), time)).to.equal(step - 1)
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, time + 30_000), time)).to.equal(step + 1)
    expect(verifyTotp(RFC_SECRET, totp(RFC_SECRET, time - 60_000), time)).to.equal(undefined)
    expect(verifyTotp(RFC_SECRET, '12345', time)).to.equal(undefined)
  })
})
