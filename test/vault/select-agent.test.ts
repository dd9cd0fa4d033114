import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ExitCode} from '../../src/lib/errors.js'
import {AgentVaultStore} from '../../src/vault/agent-store.js'
import {FileStore} from '../../src/vault/file-store.js'
import {fileVaultInAgent, openVault} from '../../src/vault/select.js'
import {rejection} from '../helpers/errors.js'
import {fakeAgent} from './helpers/fake-agent.js'

const env = (extra: NodeJS.ProcessEnv = {}) => ({TERRACE_VAULT: 'file', ...extra})

describe('vault/select: openVault asks the agent first for the file vault', function () {
  this.timeout(20_000)
  let home: string

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'terrace-agent-store-'))
  })

  afterEach(async () => {
    await rm(home, {force: true, recursive: true})
  })

  it('unlocked in the agent, no passphrase, no terminal: the agent store, nothing prompted', async () => {
    const {request} = fakeAgent({a: '1'})
    const store = await openVault({agent: request, env: env(), home, interactive: false})
    expect(store).to.be.instanceOf(AgentVaultStore)
    expect(await store.get('a')).to.equal('1')
  })

  it('locked in the agent, or no agent: exit 8 without a terminal, as before', async () => {
    for (const change of ['locked', 'gone'] as const) {
      const {request, state} = fakeAgent()
      if (change === 'locked') state.unlocked = false
      else state.gone = true
      const error = await rejection(openVault({agent: request, env: env(), home, interactive: false}))
      expect((error as {exitCode?: number}).exitCode, change).to.equal(ExitCode.VaultUnavailable)
    }
  })

  it('TERRACE_VAULT_PASSPHRASE set: the file vault directly, the agent is not asked', async () => {
    const {request, state} = fakeAgent()
    const store = await openVault({
      agent: request,
      env: env({TERRACE_VAULT_PASSPHRASE: 'pw'}),
      home,
      interactive: false,
    })
    expect(store).to.be.instanceOf(FileStore)
    expect(state.ops).to.deep.equal([])
  })

  it('fileVaultInAgent (for credential-process): the agent store when unlocked, else undefined; locked later: exit 8', async () => {
    const {request, state} = fakeAgent({a: '1'})
    const store = await fileVaultInAgent({agent: request, env: env(), home})
    expect(await store!.get('a')).to.equal('1')
    state.unlocked = false
    expect(await fileVaultInAgent({agent: request, env: env(), home})).to.equal(undefined)
    const error = await rejection(store!.get('a'))
    expect((error as {exitCode?: number}).exitCode).to.equal(ExitCode.VaultUnavailable)
    expect(error.message).to.contain('cannot prompt')
    expect(await fileVaultInAgent({agent: request, env: env({TERRACE_VAULT_PASSPHRASE: 'pw'}), home})).to.equal(
      undefined,
    )
  })
})
