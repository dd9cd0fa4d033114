/**
 * Issue 12, the agent's process and socket, through the built CLI with a private TERRACE_HOME: start, status,
 * a second start, a killed agent's stale socket, stop, idle exit, the foreground run and its signals, a socket
 * folder others could reach. Every test ends its agents; the last one checks no process of this TERRACE_HOME is left.
 */
import {expect} from 'chai'
import {chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {isRunning, waitUntil} from '../../src/agent/process.js'
import {assertBuilt, collect, runCli, spawnCli} from '../helpers/cli.js'
import {processesWithEnv} from '../helpers/processes.js'

interface Status {
  cachedCredentials: number
  pid: null | number
  rotating: number
  running: boolean
  socket: string
  startedAt: null | string
  unlocked: boolean
  unlockedUntil: null | string
}

const processesOf = (home: string): number[] => processesWithEnv('TERRACE_HOME', home)

describe('e2e: terrace agent start, status, stop, run (issue 12)', function () {
  this.timeout(60_000)
  let tmp: string
  let home: string
  const started = new Set<number>()

  const cli = (args: string[]) => runCli(args, {cwd: tmp, env: {TERRACE_HOME: home}})
  const status = async (): Promise<Status> => {
    const {code, stderr, stdout} = await cli(['agent', 'status', '--json'])
    expect(code, stderr).to.equal(0)
    const parsed = JSON.parse(stdout) as Status
    if (parsed.pid) started.add(parsed.pid)
    return parsed
  }

  /** `terrace agent start`; its message names the agent's pid, checked against status --json */
  const start = async (...extra: string[]) => {
    const result = await cli(['agent', 'start', ...extra])
    expect(result.code, result.stderr).to.equal(0)
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1])
    started.add(pid)
    const current = await status()
    expect(current).to.deep.include({pid, running: true})
    return {...result, status: {...current, pid}}
  }

  before(() => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-agent-e2e-'))
  })

  beforeEach(() => {
    home = join(tmp, `home-${Math.random().toString(36).slice(2, 8)}`)
  })

  afterEach(async () => {
    await cli(['agent', 'stop'])
    for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
    await waitUntil(() => [...started].every((pid) => !isRunning(pid)), 10_000)
  })

  after(() => {
    const left = [...started].filter((pid) => isRunning(pid))
    const ofHome = processesOf(tmp)
    rmSync(tmp, {force: true, recursive: true})
    expect(started.size, 'the tests started agents').to.be.greaterThan(0)
    expect(left, 'agents left running').to.deep.equal([])
    expect(ofHome, 'processes of the test TERRACE_HOMEs left running').to.deep.equal([])
  })

  it('start → running; a second start finds it; kill -9 leaves a stale socket that the next start replaces; stop → not running', async () => {
    const before = await status()
    expect(before).to.deep.include({cachedCredentials: 0, pid: null, rotating: 0, running: false, unlocked: false})

    const first = await start()
    expect(first.stderr).to.contain(`terrace agent started, pid ${first.status.pid}`)
    const running = await status()
    expect(running).to.deep.include({
      cachedCredentials: 0,
      pid: first.status.pid,
      rotating: 0,
      running: true,
      socket: join(home, 'run', 'agent.sock'),
      unlocked: false,
      unlockedUntil: null,
    })
    expect(Date.parse(running.startedAt ?? '')).to.be.a('number').and.not.NaN
    expect(statSync(join(home, 'run')).mode % 0o1000).to.equal(0o700)
    expect(statSync(running.socket).mode % 0o1000).to.equal(0o600)

    const second = await start()
    expect(second.status.pid).to.equal(first.status.pid)
    expect(second.stderr).to.contain(`already running, pid ${first.status.pid}`)

    process.kill(first.status.pid, 'SIGKILL')
    expect(await waitUntil(() => !isRunning(first.status.pid), 10_000)).to.equal(true)
    expect(existsSync(running.socket), 'kill -9 leaves the socket file').to.equal(true)
    expect(await status()).to.deep.include({pid: null, running: false})

    const third = await start()
    expect(third.status.pid).not.to.equal(first.status.pid)
    expect(third.stderr).to.contain('terrace agent started')
    expect(readFileSync(join(home, 'logs', 'agent.log'), 'utf8')).to.match(
      new RegExp(`started pid=${third.status.pid} replacedStale=true`),
    )

    const stop = await cli(['agent', 'stop'])
    expect(stop.code, stop.stderr).to.equal(0)
    expect(stop.stderr).to.contain(`terrace agent stopped (pid ${third.status.pid})`)
    expect(isRunning(third.status.pid)).to.equal(false)
    expect(existsSync(running.socket)).to.equal(false)
    expect(await status()).to.deep.include({pid: null, running: false})
    expect((await cli(['agent', 'stop'])).stderr).to.contain('No terrace agent is running.')
  })

  it('three starts at once make one agent: all name the same pid', async () => {
    const results = await Promise.all([1, 2, 3].map(async () => cli(['agent', 'start'])))
    const pids = results.map(({code, stderr}) => {
      expect(code, stderr).to.equal(0)
      const pid = Number(/pid (\d+)/.exec(stderr)?.[1])
      started.add(pid)
      return pid
    })
    expect(new Set(pids).size, pids.join(' ')).to.equal(1)
    expect(results.filter(({stderr}) => stderr.includes('terrace agent started'))).to.have.length(1)
    expect(await status()).to.deep.include({pid: pids[0], running: true})
  })

  it('exits by itself after --idle-timeout seconds without a request, removing its socket', async () => {
    const idleSeconds = 1
    // no status request after the start: on a loaded machine it could come after the idle exit
    const result = await cli(['agent', 'start', '--idle-timeout', String(idleSeconds)])
    expect(result.code, result.stderr).to.equal(0)
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1])
    started.add(pid)
    expect(pid).to.be.greaterThan(0)
    expect(await waitUntil(() => !isRunning(pid), idleSeconds * 1000 + 15_000)).to.equal(true)
    expect(existsSync(join(home, 'run', 'agent.sock'))).to.equal(false)
    expect(readFileSync(join(home, 'logs', 'agent.log'), 'utf8')).to.match(/stopped pid=\d+ reason="idle for 1 s"/)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`agent run stays in the foreground; ${signal} stops it cleanly and removes the socket`, async () => {
      const child = spawnCli(['agent', 'run'], {cwd: tmp, env: {TERRACE_HOME: home}})
      if (child.pid) started.add(child.pid)
      const done = collect(child)
      expect(await waitUntil(async () => (await status()).running, 15_000)).to.equal(true)
      expect((await status()).pid).to.equal(child.pid)
      child.kill(signal)
      const result = await done
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.contain(`terrace agent stopped: signal ${signal}`)
      expect(existsSync(join(home, 'run', 'agent.sock'))).to.equal(false)
    })
  }

  it('a socket folder with mode 0755: start and status refuse with exit 8 and the chmod that fixes it', async () => {
    const run = join(home, 'run')
    mkdirSync(run, {mode: 0o755, recursive: true})
    for (const args of [
      ['agent', 'start'],
      ['agent', 'status'],
      ['agent', 'stop'],
    ]) {
      const {code, stderr} = await cli(args)
      expect(code, args.join(' ')).to.equal(8)
      expect(stderr).to.contain(`chmod 700 ${run}`)
    }

    expect(existsSync(join(run, 'agent.sock'))).to.equal(false)
  })

  it('a socket folder owned by another user: refused with exit 8 (needs root to make one; the unit test injects it otherwise)', async function () {
    if (process.getuid?.() !== 0) this.skip()
    const run = join(home, 'run')
    mkdirSync(run, {mode: 0o700, recursive: true})
    chownSync(run, 65_534, 65_534)
    for (const args of [
      ['agent', 'start'],
      ['agent', 'status'],
    ]) {
      const {code, stderr} = await cli(args)
      expect(code, args.join(' ')).to.equal(8)
      expect(stderr).to.contain('belongs to another user (uid 65534').and.contain(`rm -r ${run}`)
    }
  })
})
