import {expect} from 'chai'

import {createPacer} from '../../src/awsfiles/pacer.js'
import {failureKind, pacedRequest} from '../../src/awsfiles/portal-retry.js'
import {rejection} from '../helpers/errors.js'

const answer = (name: string, status?: number) =>
  Object.assign(new Error(name), {name, ...(status === undefined ? {} : {$metadata: {httpStatusCode: status}})})

/** A pacer and sleep on a fake clock: nothing waits for real. */
function fakeTime(perSecond: number) {
  let now = 0
  const sleeps: number[] = []
  const sleep = async (ms: number) => {
    sleeps.push(ms)
    now += ms
  }

  return {pacer: createPacer(perSecond, {now: () => now, sleep}), sleep, sleeps}
}

describe('awsfiles/portal-retry', () => {
  it('classifies: 429 and TooManyRequestsException throttled; 5xx and dropped connections transient; the rest fatal', () => {
    expect(failureKind(answer('TooManyRequestsException', 429))).to.equal('throttled')
    expect(failureKind(answer('ThrottlingException'))).to.equal('throttled')
    expect(failureKind(answer('InternalServerException', 500))).to.equal('transient')
    expect(failureKind(Object.assign(new Error('x'), {code: 'ECONNRESET'}))).to.equal('transient')
    expect(failureKind(answer('UnauthorizedException', 401))).to.equal('fatal')
    expect(failureKind(answer('ForbiddenException', 403))).to.equal('fatal')
  })

  it('retries throttled and failed answers, counting requests, throttled and retries', async () => {
    const {pacer, sleep} = fakeTime(20)
    const counts = {requests: 0, retries: 0, throttled: 0}
    const failures = [answer('TooManyRequestsException', 429), answer('InternalServerException', 500)]
    const result = await pacedRequest(
      async () => {
        const next = failures.shift()
        if (next) throw next
        return 'ok'
      },
      pacer,
      counts,
      {maxAttempts: 5, random: () => 0.5, sleep},
    )
    expect(result).to.equal('ok')
    expect(counts).to.deep.equal({requests: 3, retries: 2, throttled: 1})
  })

  it('a fatal answer fails at once; attempts run out: the last failure', async () => {
    const {pacer, sleep} = fakeTime(20)
    const counts = {requests: 0, retries: 0, throttled: 0}
    const fatal = await rejection(
      pacedRequest(
        async () => {
          throw answer('UnauthorizedException', 401)
        },
        pacer,
        counts,
        {maxAttempts: 5, sleep},
      ),
    )
    expect(fatal.name).to.equal('UnauthorizedException')
    expect(counts).to.deep.equal({requests: 1, retries: 0, throttled: 0})
    const exhausted = await rejection(
      pacedRequest(
        async () => {
          throw answer('InternalServerException', 500)
        },
        pacer,
        counts,
        {maxAttempts: 3, sleep},
      ),
    )
    expect(exhausted.name).to.equal('InternalServerException')
    expect(counts).to.deep.equal({requests: 4, retries: 2, throttled: 0})
  })

  it('the pacer cuts its rate after a second with over a quarter throttled (never below a twentieth), keeps it through scattered throttles, wins it back', () => {
    let now = 0
    const pacer = createPacer(20, {now: () => now})
    const second = (ok: number, throttled: number) => {
      for (let i = 0; i < ok; i++) pacer.speedUp()
      for (let i = 0; i < throttled; i++) pacer.slowDown()
      now += 1000
      pacer.speedUp() // the first answer of the next second closes the window
    }

    second(18, 2) // 10% throttled: scattered, left to the retries
    expect(pacer.rate()).to.equal(20)
    second(10, 10)
    expect(pacer.rate()).to.equal(14)
    for (let i = 0; i < 50; i++) second(0, 10)
    expect(pacer.rate()).to.equal(1)
    for (let i = 0; i < 10; i++) second(5, 0)
    expect(pacer.rate()).to.equal(20)
  })

  it('the pacer spaces requests at its rate (20/s: 50 ms)', async () => {
    const {pacer, sleeps} = fakeTime(20)
    for (let i = 0; i < 5; i++) await pacer.pace()
    expect(sleeps).to.deep.equal([50, 50, 50, 50])
  })

  it('an aborted signal stops before the next request', async () => {
    const {pacer, sleep} = fakeTime(20)
    const abort = new AbortController()
    abort.abort()
    const counts = {requests: 0, retries: 0, throttled: 0}
    await rejection(pacedRequest(async () => 'ok', pacer, counts, {maxAttempts: 3, signal: abort.signal, sleep}))
    expect(counts.requests).to.equal(0)
  })
})
