import {expect} from 'chai'

import {Schedule, type ScheduleEntry} from '../../src/agent/schedule.js'
import {FakeTimers} from './fake-timers.js'

describe('agent/schedule: (what, when) entries the agent wakes for', () => {
  let timers: FakeTimers
  let woke: Array<{at: number; what: string}>
  const record = (entry: ScheduleEntry) => {
    woke.push({at: timers.now(), what: entry.what})
  }

  beforeEach(() => {
    timers = new FakeTimers(0)
    woke = []
  })

  it('wakes for each entry at its time, in time order, and not before', async () => {
    const schedule = new Schedule(record, timers)
    schedule.add('b', 2000)
    schedule.add('a', 1000)
    schedule.add('c', 2000)
    expect(schedule.nextAt()).to.equal(1000)
    await timers.advance(999)
    expect(woke).to.deep.equal([])
    await timers.advance(1)
    expect(woke).to.deep.equal([{at: 1000, what: 'a'}])
    await timers.advance(5000)
    expect(woke).to.deep.equal([
      {at: 1000, what: 'a'},
      {at: 2000, what: 'b'},
      {at: 2000, what: 'c'},
    ])
    expect(schedule.size).to.equal(0)
    expect(timers.armed).to.equal(0)
  })

  it('one entry per what: adding again moves it; remove and clear take entries out', async () => {
    const schedule = new Schedule(record, timers)
    schedule.add('x', 1000)
    schedule.add('x', 3000)
    schedule.add('y', 2000)
    expect(schedule.remove('y')).to.equal(true)
    expect(schedule.remove('y')).to.equal(false)
    await timers.advance(2500)
    expect(woke).to.deep.equal([])
    schedule.add('z', 2600)
    expect(schedule.clear()).to.equal(2)
    await timers.advance(10_000)
    expect(woke).to.deep.equal([])
    expect(timers.armed).to.equal(0)
  })

  it('an entry may schedule its next turn from onDue (a rotation loop), and a failing one does not stop the others', async () => {
    const failed: string[] = []
    const schedule = new Schedule(
      (entry) => {
        record(entry)
        if (entry.what === 'bad') throw new Error('rotation failed')
        if (woke.filter((w) => w.what === 'loop').length < 3) schedule.add('loop', timers.now() + 100)
      },
      timers,
      (entry) => failed.push(entry.what),
    )
    schedule.add('bad', 100)
    schedule.add('loop', 100)
    await timers.advance(1000)
    expect(woke).to.deep.equal([
      {at: 100, what: 'bad'},
      {at: 100, what: 'loop'},
      {at: 200, what: 'loop'},
      {at: 300, what: 'loop'},
    ])
    expect(failed).to.deep.equal(['bad'])
  })

  it('an entry already due when added wakes at once; one beyond the longest timer is reached by re-arming', async () => {
    const schedule = new Schedule(record, timers)
    schedule.add('late', -5)
    await timers.advance(0)
    expect(woke).to.deep.equal([{at: 0, what: 'late'}])
    const far = 3 * 2_147_483_647
    schedule.add('far', far)
    await timers.advance(far - 1)
    expect(woke).to.have.length(1)
    await timers.advance(1)
    expect(woke.at(-1)).to.deep.equal({at: far, what: 'far'})
  })
})
