import {expect} from 'chai'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {connectSocket, probeAgent} from '../../src/agent/client.js'
import {AgentLog} from '../../src/agent/log.js'
import {agentPaths} from '../../src/agent/paths.js'
import {type AgentServer, startAgent} from '../../src/agent/server.js'

describe('agent/server: one agent per socket folder, answering newline-delimited JSON', function () {
  this.timeout(20_000)
  let tmp: string
  let running: AgentServer[]

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-agent-'))
    running = []
  })

  afterEach(async () => {
    await Promise.all(running.map((agent) => agent.stop('test over')))
    rmSync(tmp, {force: true, recursive: true})
  })

  const start = async (idleMs?: number) => {
    const paths = agentPaths(tmp)
    const result = await startAgent({idleMs, log: new AgentLog(paths.log), paths})
    if (result.kind === 'started') running.push(result.agent)
    return result
  }

  it('bad JSON, a wrong version, an unknown op: error answers, and the same connection still answers', async () => {
    await start()
    const connection = await connectSocket(agentPaths(tmp).socket)
    try {
      const bad = await connection.sendRaw('{"v":1,', 'x')
      expect(bad).to.deep.include({id: null, ok: false})
      const version = await connection.sendRaw('{"v":9,"id":"a","op":"ping"}', 'a')
      expect(version).to.deep.include({id: 'a', ok: false})
      expect(version.ok === false && version.error.code).to.equal('unsupported-version')
      const unknown = await connection.sendRaw('{"v":1,"id":"b","op":"dump"}', 'b')
      expect(unknown.ok === false && unknown.error.code).to.equal('unknown-op')
      const ping = await connection.request('ping')
      expect(ping).to.deep.equal({id: 1, ok: true, result: {pid: process.pid}, v: 1})
    } finally {
      connection.close()
    }
  })

  it('binds TERRACE_HOME/run/agent.sock 0600 in a 0700 folder, and status answers over it', async () => {
    await start()
    const paths = agentPaths(tmp)
    expect(statSync(paths.runDir).mode % 0o1000).to.equal(0o700)
    expect(statSync(paths.socket).mode % 0o1000).to.equal(0o600)
    const status = await probeAgent(paths)
    expect(status).to.deep.include({cachedCredentials: 0, pid: process.pid, socket: paths.socket, unlocked: false})
  })

  it('a second start finds the first; a stop request removes the socket', async () => {
    const first = await start()
    expect(first.kind).to.equal('started')
    const second = await start()
    expect(second).to.deep.include({kind: 'already-running'})
    expect(second.kind === 'already-running' && second.status.pid).to.equal(process.pid)
    const connection = await connectSocket(agentPaths(tmp).socket)
    expect(await connection.request('stop')).to.deep.include({ok: true})
    connection.close()
    if (first.kind === 'started') expect(await first.agent.closed).to.equal('stop request')
    expect(existsSync(agentPaths(tmp).socket)).to.equal(false)
    expect(await probeAgent(agentPaths(tmp))).to.equal(null)
  })

  it('a stale socket (nobody listening) is taken for no agent and replaced', async () => {
    const paths = agentPaths(tmp)
    mkdirSync(paths.runDir, {mode: 0o700})
    // a socket file left behind by a killed agent: bound by a process that is gone, nobody listening
    execFileSync('python3', [
      '-c',
      `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(paths.socket)})`,
    ])
    expect(existsSync(paths.socket)).to.equal(true)
    expect(await probeAgent(paths)).to.equal(null)
    const again = await start()
    expect(again.kind).to.equal('started')
    expect(readFileSync(paths.log, 'utf8')).to.match(/started pid=\d+ replacedStale=true/)
  })

  it('exits by itself after the idle time with no request, removing its socket', async () => {
    const result = await start(300)
    if (result.kind !== 'started') throw new Error('not started')
    expect(await result.agent.closed).to.match(/^idle/)
    expect(existsSync(agentPaths(tmp).socket)).to.equal(false)
  })

  it('wipe forgets what the agent holds and what it rotates; status counts both', async () => {
    const result = await start()
    if (result.kind !== 'started') throw new Error('not started')
    result.agent.store.set('role-a', 'a-secret', null)
    result.agent.store.set('role-b', 'b-secret', null)
    result.agent.schedule.add('delivery-1', Date.now() + 3_600_000)
    const paths = agentPaths(tmp)
    expect(await probeAgent(paths)).to.deep.include({cachedCredentials: 2, rotating: 1})
    const connection = await connectSocket(paths.socket)
    try {
      expect(await connection.request('wipe')).to.deep.include({
        ok: true,
        result: {locked: false, unscheduled: 1, wiped: 2},
      })
    } finally {
      connection.close()
    }

    expect(await probeAgent(paths)).to.deep.include({cachedCredentials: 0, rotating: 0})
    expect(readFileSync(paths.log, 'utf8')).not.to.contain('secret')
  })

  it('holding something is not idle: it stays past the idle time, and leaves once wiped', async () => {
    const idleMs = 200
    const result = await start(idleMs)
    if (result.kind !== 'started') throw new Error('not started')
    result.agent.store.set('role-a', 'a-secret', null)
    let stopped = false
    result.agent.closed.then(() => {
      stopped = true
    })
    await new Promise((resolve) => {
      setTimeout(resolve, idleMs * 3)
    })
    expect(stopped, 'stopped while holding a credential').to.equal(false)
    result.agent.wipe()
    expect(await result.agent.closed).to.match(/^idle/)
  })
})
