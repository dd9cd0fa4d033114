import {expect} from 'chai'

import {MemoryStore} from '../../src/vault/memory-store.js'
import {describeStoreContract} from './helpers/store-contract.js'

describeStoreContract('MemoryStore', () => ({open: async () => new MemoryStore()}))

describe('vault/MemoryStore', () => {
  it('starts from initial entries and snapshots them', async () => {
    const store = new MemoryStore({a: '1'})
    await store.set('b', '2')
    expect(store.snapshot()).to.deep.equal({a: '1', b: '2'})
    expect(store.kind).to.equal('keychain')
    expect(new MemoryStore({}, {kind: 'file'}).kind).to.equal('file')
  })
})
