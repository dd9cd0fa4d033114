import {expect} from 'chai'

import {ExitCode} from '../../src/lib/errors.js'
import {type AgentRequest, AgentVaultStore} from '../../src/vault/agent-store.js'
import {MemoryStore} from '../../src/vault/memory-store.js'
import {rejection} from '../helpers/errors.js'
import {fakeAgent} from './helpers/fake-agent.js'

describe('vault/agent-store: the file vault unlocked in the agent, as a SecretStore', () => {
  it('get/set/delete/list are requests to the agent; the direct path is never opened', async () => {
    const {request, state} = fakeAgent({'sso-token:a': 'x'})
    let directOpened = 0
    const store = new AgentVaultStore(
      request,
      () => {
        directOpened++
        return new MemoryStore()
      },
      '/v',
    )
    expect(store.kind).to.equal('file')
    expect(await store.get('sso-token:a')).to.equal('x')
    expect(await store.get('missing')).to.equal(undefined)
    await store.set('role-creds:b', 'y')
    expect(await store.list('role-creds:')).to.deep.equal(['role-creds:b'])
    expect(await store.delete('sso-token:a')).to.equal(true)
    expect(await store.delete('sso-token:a')).to.equal(false)
    expect(state.entries).to.deep.equal(new Map([['role-creds:b', 'y']]))
    expect(state.ops).to.deep.equal([
      'vault-get',
      'vault-get',
      'vault-set',
      'vault-list',
      'vault-delete',
      'vault-delete',
    ])
    expect(directOpened).to.equal(0)
  })

  it('locked by the time of a request (vault lock, time up) or the agent gone: the direct path answers, from then on', async () => {
    for (const change of ['locked', 'gone'] as const) {
      const {request, state} = fakeAgent({a: 'from-agent'})
      const direct = new MemoryStore({a: 'from-file'}, {kind: 'file'})
      const store = new AgentVaultStore(request, () => direct, '/v')
      expect(await store.get('a')).to.equal('from-agent')
      if (change === 'locked') state.unlocked = false
      else state.gone = true
      expect(await store.get('a'), change).to.equal('from-file')
      await store.set('b', '2')
      expect(await direct.get('b')).to.equal('2')
      state.unlocked = true
      state.gone = false
      const opsBefore = state.ops.length
      expect(await store.get('a'), 'stays on the direct path').to.equal('from-file')
      expect(state.ops.length).to.equal(opsBefore)
    }
  })

  it('the direct path that cannot be opened (no passphrase, no prompt) fails as without an agent', async () => {
    const {request, state} = fakeAgent()
    state.unlocked = false
    const store = new AgentVaultStore(
      request,
      () => {
        throw new Error('no passphrase')
      },
      '/v',
    )
    expect((await rejection(store.get('a'))).message).to.equal('no passphrase')
  })

  it('an agent that fails an op: a vault error (exit 8), not a silent fallback', async () => {
    const {request} = fakeAgent()
    const failing: AgentRequest = async (op, params) =>
      op === 'vault-get' ? {error: {code: 'failed', message: 'disk full'}, id: 1, ok: false, v: 1} : request(op, params)
    const store = new AgentVaultStore(failing, () => new MemoryStore(), '/v')
    const error = await rejection(store.get('a'))
    expect((error as {exitCode?: number}).exitCode).to.equal(ExitCode.VaultUnavailable)
    expect(error.message).to.contain('disk full')
  })
})
