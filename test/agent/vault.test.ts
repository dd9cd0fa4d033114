import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {connectSocket, probeAgent} from '../../src/agent/client.js'
import {AgentLog} from '../../src/agent/log.js'
import {agentPaths} from '../../src/agent/paths.js'
import {type Answer} from '../../src/agent/protocol.js'
import {type AgentServer, startAgent} from '../../src/agent/server.js'
import {FileStore, fileVaultPath} from '../../src/vault/file-store.js'

const PASSPHRASE = 'agent-unit-passphrase-7b1f'
const HOUR = 3_600_000
const codeOf = (answer: Answer) => (answer.ok ? 'ok' : answer.error.code)

describe('agent: the unlocked file vault (unlock, vault-* ops, lock, expiry)', function () {
  this.timeout(20_000)
  let tmp: string
  let agent: AgentServer
  let clock: number

  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-agent-vault-'))
    clock = Date.now()
    const paths = agentPaths(tmp)
    const result = await startAgent({log: new AgentLog(paths.log), now: () => new Date(clock), paths})
    if (result.kind !== 'started') throw new Error('an agent already runs')
    agent = result.agent
  })

  afterEach(async () => {
    await agent.stop('test over')
    rmSync(tmp, {force: true, recursive: true})
  })

  const ask = async (op: Parameters<Awaited<ReturnType<typeof connectSocket>>['request']>[0], params = {}) => {
    const connection = await connectSocket(agentPaths(tmp).socket)
    try {
      return await connection.request(op, params)
    } finally {
      connection.close()
    }
  }

  const direct = () => new FileStore({passphrase: async () => PASSPHRASE, path: fileVaultPath(tmp)})

  it('locked: every vault op answers "locked"; unlock creates a new vault; the ops then read and write the file', async () => {
    expect(codeOf(await ask('vault-get', {account: 'a'}))).to.equal('locked')
    const unlocked = await ask('unlock', {passphrase: PASSPHRASE, until: clock + HOUR})
    expect(unlocked).to.deep.include({ok: true})
    expect(await probeAgent(agentPaths(tmp))).to.deep.include({
      unlocked: true,
      unlockedUntil: new Date(clock + HOUR).toISOString(),
    })
    expect(codeOf(await ask('vault-set', {account: 'sso-token:x', secret: 's1'}))).to.equal('ok')
    expect(await direct().get('sso-token:x'), 'written to the vault file').to.equal('s1')
    await direct().set('other', 'o')
    expect(await ask('vault-get', {account: 'other'})).to.deep.include({result: {value: 'o'}})
    expect(await ask('vault-list', {prefix: 'sso-'})).to.deep.include({result: {accounts: ['sso-token:x']}})
    expect(await ask('vault-delete', {account: 'other'})).to.deep.include({result: {deleted: true}})
    expect(await direct().get('other')).to.equal(undefined)
    expect(readFileSync(agentPaths(tmp).log, 'utf8')).not.to.contain(PASSPHRASE)
  })

  it('a wrong passphrase: wrong-passphrase, and nothing unlocked', async () => {
    await direct().set('a', '1')
    expect(codeOf(await ask('unlock', {passphrase: 'not-it', until: clock + HOUR}))).to.equal('wrong-passphrase')
    expect(await probeAgent(agentPaths(tmp))).to.deep.include({unlocked: false, unlockedUntil: null})
    expect(codeOf(await ask('vault-get', {account: 'a'}))).to.equal('locked')
  })

  it('unlock refuses no passphrase, a deadline in the past or beyond 24 h', async () => {
    for (const params of [
      {until: clock + HOUR},
      {passphrase: PASSPHRASE, until: clock - 1},
      {passphrase: PASSPHRASE, until: clock + 25 * HOUR},
    ]) {
      expect(codeOf(await ask('unlock', params)), JSON.stringify(params)).to.equal('bad-request')
    }
  })

  it('lock and wipe forget the vault at once; its time up, it is forgotten too', async () => {
    await direct().set('a', '1')
    for (const forget of ['lock', 'wipe', 'time'] as const) {
      expect(codeOf(await ask('unlock', {passphrase: PASSPHRASE, until: clock + HOUR}))).to.equal('ok')
      expect(await ask('vault-get', {account: 'a'})).to.deep.include({result: {value: '1'}})
      if (forget === 'time') clock += HOUR
      else expect(await ask(forget)).to.deep.include({ok: true})
      expect(codeOf(await ask('vault-get', {account: 'a'})), forget).to.equal('locked')
      expect(await probeAgent(agentPaths(tmp)), forget).to.deep.include({unlocked: false})
    }
  })
})
