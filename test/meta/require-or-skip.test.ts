import type {Context} from 'mocha'

import {expect} from 'chai'

import {thrown} from '../helpers/errors.js'
import {requireOrSkip, underCi} from '../helpers/require-or-skip.js'

/** A stand-in for mocha's `this` that records a skip instead of ending the test. */
function recorder(): {context: Context; skipped: () => boolean} {
  let skipped = false
  const context = {
    skip() {
      skipped = true
    },
  } as unknown as Context
  return {context, skipped: () => skipped}
}

describe('test helper requireOrSkip', () => {
  const saved = process.env.CI

  afterEach(() => {
    if (saved === undefined) delete process.env.CI
    else process.env.CI = saved
  })

  it('does nothing when the prerequisite is there, under CI or not', () => {
    for (const ci of [undefined, 'true']) {
      if (ci === undefined) delete process.env.CI
      else process.env.CI = ci
      const {context, skipped} = recorder()
      requireOrSkip(context, true, 'x')
      expect(skipped()).to.equal(false)
    }
  })

  it('skips outside CI when it is missing', () => {
    delete process.env.CI
    const {context, skipped} = recorder()
    requireOrSkip(context, false, 'no /usr/bin/aws')
    expect(skipped()).to.equal(true)
  })

  it('fails under CI when it is missing, naming the reason, and does not skip', () => {
    for (const ci of ['true', '1', 'yes']) {
      process.env.CI = ci
      const {context, skipped} = recorder()
      const error = thrown(() => requireOrSkip(context, false, 'no /usr/bin/aws'))
      expect(error.message, ci).to.equal('cannot run under CI: no /usr/bin/aws')
      expect(skipped(), ci).to.equal(false)
    }
  })

  it('CI counts as set unless empty, 0 or false', () => {
    expect(underCi({})).to.equal(false)
    for (const value of ['', '0', 'false', 'FALSE']) expect(underCi({CI: value}), value).to.equal(false)
    for (const value of ['true', '1', 'yes']) expect(underCi({CI: value}), value).to.equal(true)
  })
})
