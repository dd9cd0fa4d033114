import {expect} from 'chai'

import {MemoryStore} from '../../src/agent/store.js'

describe('agent/store: what the agent holds in memory', () => {
  it('holds named values until they expire; size counts the unexpired ones', () => {
    let now = 1000
    const store = new MemoryStore(() => now)
    store.set('role-a', 'secret-a', 2000)
    store.set('role-b', 'secret-b')
    expect(store.get('role-a')).to.equal('secret-a')
    expect(store.size).to.equal(2)
    now = 2000
    expect(store.get('role-a')).to.equal(undefined)
    expect(store.size).to.equal(1)
    expect(store.get('role-b')).to.equal('secret-b')
  })

  it('wipe forgets everything and says how much it held', () => {
    const store = new MemoryStore()
    store.set('a', '1')
    store.set('b', '2')
    store.set('a', '3')
    expect(store.wipe()).to.equal(2)
    expect(store.size).to.equal(0)
    expect(store.get('a')).to.equal(undefined)
    expect(store.wipe()).to.equal(0)
  })
})
