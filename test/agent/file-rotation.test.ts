import {expect} from 'chai'

import type {AwsCredentials} from '../../src/auth/credentials/types.js'
import type {SessionRef} from '../../src/lib/role-refs.js'

import {FileRotation} from '../../src/agent/file-rotation.js'
import {Schedule} from '../../src/agent/schedule.js'
import {FakeTimers} from './fake-timers.js'

const TTL_MS = 1_800_000
const ref = (id: string): SessionRef => ({
  account: null,
  accountId: '111111111111',
  kind: 'session',
  links: [],
  name: id,
  role: 'Admin',
  session: id,
  source: null,
})

describe('agent/file-rotation: file-mode sessions kept fresh through the schedule (fake timers, no sleep)', () => {
  let timers: FakeTimers
  let schedule: Schedule
  let rotation: FileRotation
  let active: Set<string>
  let delivered: Array<{at: number; creds: AwsCredentials; id: string}>
  let failNext: number
  let events: string[]
  let issued: number
  /** while set, obtain waits for it (a turn under way) */
  let hold: Promise<void> | undefined

  beforeEach(() => {
    timers = new FakeTimers(0)
    active = new Set(['s1'])
    delivered = []
    failNext = 0
    events = []
    issued = 0
    hold = undefined
    schedule = new Schedule(async (entry) => {
      if (rotation.owns(entry.what)) await rotation.onDue(entry)
    }, timers)
    rotation = new FileRotation({
      async deliver(id, creds) {
        if (!active.has(id)) return false
        delivered.push({at: timers.now(), creds, id})
        return true
      },
      log: {write: (event) => events.push(event)},
      now: () => timers.now(),
      async obtain() {
        await hold
        if (failNext > 0) {
          failNext--
          throw new Error('portal unreachable')
        }

        issued++
        const now = timers.now()
        return {accessKeyId: `ASIA${issued}`, expiration: now + 3_600_000, obtainedAt: now, secretAccessKey: 's'}
      },
      schedule,
      sessions: async () => [...active],
      target: async (id) => (active.has(id) ? ref(id) : null),
      ttlMs: TTL_MS,
    })
  })

  afterEach(() => schedule.clear())

  it('register delivers now and schedules the next turn before the keys are TTL old; four hours later, none was older', async () => {
    const first = await rotation.register('s1')
    expect(first).to.deep.equal({delivered: true, expiresAt: TTL_MS, nextAt: TTL_MS - 120_000})
    expect(schedule.list()).to.deep.equal([{what: 'file:s1', when: TTL_MS - 120_000}])
    expect(rotation.count).to.equal(1)
    await timers.advance(4 * 3_600_000)
    // one turn every TTL - margin (28 minutes): 1 at register + 8 in four hours
    expect(delivered.map((d) => d.at)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => i * 1_680_000))
    const gaps = delivered.slice(1).map((d, i) => d.at - delivered[i].creds.obtainedAt)
    expect(Math.max(...gaps)).to.be.below(TTL_MS)
    expect(new Set(delivered.map((d) => d.creds.accessKeyId)).size).to.equal(9)
    expect(rotation.deliveries).to.equal(9)
  })

  it('unregister: no more turns, nothing scheduled', async () => {
    await rotation.register('s1')
    expect(rotation.unregister('s1')).to.equal(true)
    expect(rotation.unregister('s1')).to.equal(false)
    await timers.advance(3_600_000)
    expect(delivered).to.have.length(1)
    expect(schedule.size).to.equal(0)
    expect(timers.armed).to.equal(0)
  })

  it('a session no longer active in file mode is dropped at its next turn', async () => {
    await rotation.register('s1')
    active.delete('s1')
    await timers.advance(1_680_000)
    expect(delivered).to.have.length(1)
    expect(schedule.size).to.equal(0)
    expect(events).to.include('rotation-dropped')
  })

  it('a failed turn is retried 30 s later; register of a failing session throws and still retries', async () => {
    failNext = 1
    let refused: unknown
    await rotation.register('s1').catch((error: unknown) => {
      refused = error
    })
    expect((refused as Error).message).to.equal('portal unreachable')
    expect(schedule.list()).to.deep.equal([{what: 'file:s1', when: 30_000}])
    failNext = 1
    await timers.advance(30_000)
    expect(events.filter((e) => e === 'rotation-failed')).to.have.length(1)
    expect(schedule.list()).to.deep.equal([{what: 'file:s1', when: 60_000}])
    await timers.advance(30_000)
    expect(delivered.map((d) => d.at)).to.deep.equal([60_000])
    expect(schedule.list()).to.deep.equal([{what: 'file:s1', when: 60_000 + 1_680_000}])
  })

  it('a turn under way still counts its session; unregistered meanwhile, it schedules no next turn', async () => {
    await rotation.register('s1')
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    hold = gate
    const obtained = delivered.length
    const turn = timers.advance(1_680_000)
    await new Promise((resolve) => {
      setImmediate(resolve)
    })
    expect(schedule.size, 'out of the schedule while its turn runs').to.equal(0)
    expect(rotation.count).to.equal(1)
    expect(rotation.unregister('s1')).to.equal(true)
    release()
    await turn
    await timers.advance(3_600_000)
    expect(delivered.length - obtained).to.equal(1)
    expect(schedule.size).to.equal(0)
    expect(rotation.count).to.equal(0)
  })

  it('restore: a starting agent schedules a turn now for every active file-mode session', async () => {
    active = new Set(['s1', 's2'])
    expect(await rotation.restore()).to.equal(2)
    expect(rotation.count).to.equal(2)
    await timers.advance(0)
    expect(delivered.map((d) => d.id).sort()).to.deep.equal(['s1', 's2'])
    expect(schedule.list().map((e) => e.when)).to.deep.equal([1_680_000, 1_680_000])
  })
})
