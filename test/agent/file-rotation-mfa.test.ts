import {expect} from 'chai'

import type {AwsCredentials} from '../../src/auth/credentials/types.js'
import type {SessionRef} from '../../src/lib/role-refs.js'

import {FileRotation} from '../../src/agent/file-rotation.js'
import {Schedule} from '../../src/agent/schedule.js'
import {MfaError} from '../../src/lib/errors.js'
import {FakeTimers} from './fake-timers.js'

const TTL_MS = 1_800_000
const HOUR = 3_600_000

describe('agent/file-rotation: an MFA user file-mode session (fake timers, no sleep)', () => {
  let timers: FakeTimers
  let schedule: Schedule
  let rotation: FileRotation
  /** the cached GetSessionToken-with-MFA session: reused while valid; a new one needs a code */
  let mfaSession: AwsCredentials | undefined
  let codesAsked: number
  let delivered: AwsCredentials[]
  let log: Array<{event: string; fields: Record<string, unknown>}>
  let renewal: Array<null | string>

  beforeEach(() => {
    timers = new FakeTimers(0)
    mfaSession = {accessKeyId: 'ASIAMFA1', expiration: 2 * HOUR, obtainedAt: 0, secretAccessKey: 's'}
    codesAsked = 0
    delivered = []
    log = []
    renewal = []
    schedule = new Schedule(async (entry) => {
      if (rotation.owns(entry.what)) await rotation.onDue(entry)
    }, timers)
    const ref: SessionRef = {
      account: null,
      accountId: '222222222222',
      kind: 'session',
      links: [],
      name: 'alice',
      role: '',
      session: 'id-alice',
      source: null,
    }
    rotation = new FileRotation({
      async deliver(_id, creds) {
        delivered.push(creds)
        return true
      },
      log: {write: (event, fields = {}) => log.push({event, fields})},
      now: () => timers.now(),
      async obtain() {
        const now = timers.now()
        // as the session source: the cached MFA session while it has more than 5 minutes left, handed out now
        if (mfaSession && mfaSession.expiration - now > 5 * 60_000) return {...mfaSession, obtainedAt: now}
        codesAsked++
        throw new MfaError(
          'An MFA code for arn:aws:iam::222222222222:mfa/alice is needed, and this run is non-interactive.',
        )
      },
      async renewal(_id, problem) {
        renewal.push(problem)
      },
      schedule,
      sessions: async () => ['id-alice'],
      target: async () => ref,
      ttlMs: TTL_MS,
    })
  })

  afterEach(() => schedule.clear())

  it('reuses the cached MFA session while valid, then says plainly that it needs a code, and renews again once one was given', async () => {
    await rotation.register('id-alice')
    await timers.advance(HOUR + 50 * 60_000) // the session has 10 minutes left: still reused
    expect(codesAsked).to.equal(0)
    expect(new Set(delivered.map((d) => d.accessKeyId))).to.deep.equal(new Set(['ASIAMFA1']))
    expect(renewal.every((p) => p === null)).to.equal(true)

    await timers.advance(10 * 60_000) // within 5 minutes of its end: a new MFA session needs a code
    expect(codesAsked).to.be.greaterThan(0)
    const said = log.filter((l) => l.event === 'rotation-needs-mfa')
    expect(said.length).to.be.greaterThan(0)
    expect(said[0].fields).to.include({session: 'id-alice'})
    expect(String(said[0].fields.message)).to.include('session alice').and.include('terrace session rotate alice')
    expect(log.filter((l) => l.event === 'rotation-failed')).to.deep.equal([])
    expect(renewal.at(-1)).to.include('needs a code').and.include('`terrace session rotate alice` on a terminal')
    expect(schedule.size, 'still retried').to.equal(1)

    // `terrace session rotate alice` on a terminal: a new MFA session in the vault's cache
    mfaSession = {
      accessKeyId: 'ASIAMFA2',
      expiration: timers.now() + 2 * HOUR,
      obtainedAt: timers.now(),
      secretAccessKey: 's',
    }
    await timers.advance(30_000)
    expect(delivered.at(-1)!.accessKeyId).to.equal('ASIAMFA2')
    expect(renewal.at(-1), 'the problem record goes once keys are delivered again').to.equal(null)
  })
})
