import {expect} from 'chai'

import {formatDuration, parseDuration} from '../../src/lib/duration.js'
import {ExitCode} from '../../src/lib/errors.js'
import {thrown} from '../helpers/errors.js'

const DAY = 24 * 60 * 60 * 1000
const parse = (text: string) => parseDuration(text, {flag: '--for', maxMs: DAY})

describe('lib/duration: --for 30m, 8h, 1h30m', () => {
  it('hours, minutes, seconds and their combinations, in milliseconds', () => {
    expect(parse('30m')).to.equal(30 * 60_000)
    expect(parse('8h')).to.equal(8 * 3_600_000)
    expect(parse('1h30m')).to.equal(90 * 60_000)
    expect(parse('90s')).to.equal(90_000)
    expect(parse('24h')).to.equal(DAY)
    expect(parse('1h0m30s')).to.equal(3_630_000)
  })

  for (const bad of ['', '8', 'h', '8x', '30m1h', '1.5h', '-1h', '0h', '0m', '8 h', '1h1h', '25h', '24h1s', 'PT8H']) {
    it(`"${bad}": a usage error (exit 2) naming the flag`, () => {
      const error = thrown<Error & {exitCode: number}>(() => parse(bad))
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.contain('--for')
    })
  }

  it('formats back', () => {
    expect(formatDuration(DAY)).to.equal('24h')
    expect(formatDuration(90 * 60_000)).to.equal('1h30m')
    expect(formatDuration(45_000)).to.equal('45s')
  })
})
