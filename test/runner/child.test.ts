import {expect} from 'chai'
import {EventEmitter} from 'node:events'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {ChildEnvironment} from '../../src/runner/child-environment.js'

import {BinaryNotFoundError} from '../../src/lib/errors.js'
import {exitCodeFor, runChild, shouldForward, type SignalSource} from '../../src/runner/child.js'
import {rejection} from '../helpers/errors.js'

const FAKE = resolve('test/fixtures/bin/fake-terraform')

function readRecord(file: string): Array<Record<string, unknown>> {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  } catch {
    return []
  }
}

async function waitFor(predicate: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => {
      setTimeout(r, 10)
    })
  }
}

/** A stand-in for `process` as a signal source, so the test can "signal" terrace without signalling mocha. */
// eslint-disable-next-line unicorn/prefer-event-target -- process, which it stands in for, is an EventEmitter
class FakeSignals extends EventEmitter implements SignalSource {
  send(signal: NodeJS.Signals) {
    this.emit(signal)
  }
}

describe('runner/child', () => {
  let dir: string
  let record: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-child-'))
    record = join(dir, 'record.jsonl')
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  const env = (extra: Record<string, string>) => ({...process.env, FAKE_TF_RECORD: record, ...extra})

  it('computes shell exit codes', () => {
    expect(exitCodeFor(0, null)).to.equal(0)
    expect(exitCodeFor(2, null)).to.equal(2)
    expect(exitCodeFor(null, 'SIGINT')).to.equal(130)
    expect(exitCodeFor(null, 'SIGTERM')).to.equal(143)
    expect(exitCodeFor(null, 'SIGKILL')).to.equal(137)
  })

  it('forwards SIGINT only when stdin is not a terminal; SIGTERM/SIGHUP always', () => {
    expect(shouldForward('SIGINT', false)).to.equal(true)
    expect(shouldForward('SIGINT', true)).to.equal(false)
    expect(shouldForward('SIGTERM', true)).to.equal(true)
    expect(shouldForward('SIGHUP', true)).to.equal(true)
  })

  it('runs in the given folder with the arguments and passes the exit code through', async () => {
    const result = await runChild({
      args: ['plan', '-out=x y'],
      command: FAKE,
      cwd: dir,
      env: env({FAKE_TF_EXIT: '3', FAKE_TF_STDOUT: ''}),
      signals: new FakeSignals(),
      stdinIsTTY: false,
    })
    expect(result.exitCode).to.equal(3)
    const [start] = readRecord(record)
    expect(start.argv).to.deep.equal(['plan', '-out=x y'])
    expect(start.cwd).to.equal(dir)
  })

  it('gives 128 + n for a child killed by a signal', async () => {
    const result = await runChild({
      args: [],
      command: FAKE,
      cwd: dir,
      env: env({FAKE_TF_SIGNAL: 'SIGKILL', FAKE_TF_STDOUT: ''}),
      signals: new FakeSignals(),
      stdinIsTTY: false,
    })
    expect(result).to.include({exitCode: 137, signal: 'SIGKILL'})
  })

  for (const [stdinIsTTY, forwarded] of [
    [false, true],
    [true, false],
  ]) {
    it(`SIGINT with stdin ${stdinIsTTY ? 'a terminal' : 'not a terminal'} is ${forwarded ? '' : 'not '}forwarded`, async () => {
      const signals = new FakeSignals()
      const running = runChild({
        args: [],
        command: FAKE,
        cwd: dir,
        env: env({FAKE_TF_ON_SIGINT_DELAY_MS: '50', FAKE_TF_SLEEP_MS: '400', FAKE_TF_STDOUT: ''}),
        signals,
        stdinIsTTY,
      })
      await waitFor(() => readRecord(record).length > 0)
      signals.send('SIGINT')
      const result = await running
      const events = readRecord(record).map((e) => e.event)
      if (forwarded) {
        expect(events).to.deep.equal(['start', 'SIGINT', 'exit'])
        expect(result.exitCode).to.equal(130)
      } else {
        expect(events).to.deep.equal(['start'])
        expect(result.exitCode).to.equal(0)
      }

      expect(result.received).to.deep.equal(['SIGINT'])
      expect(signals.listenerCount('SIGINT')).to.equal(0)
    })
  }

  it('always forwards SIGTERM and waits for the child', async () => {
    const signals = new FakeSignals()
    const running = runChild({
      args: [],
      command: FAKE,
      cwd: dir,
      env: env({
        FAKE_TF_ON_SIGINT_DELAY_MS: '100',
        FAKE_TF_SLEEP_MS: '2000',
        FAKE_TF_STDOUT: '',
        FAKE_TF_TRAP: 'SIGTERM',
      }),
      signals,
      stdinIsTTY: true,
    })
    await waitFor(() => readRecord(record).length > 0)
    signals.send('SIGTERM')
    const result = await running
    expect(readRecord(record).map((e) => e.event)).to.deep.equal(['start', 'SIGTERM', 'exit'])
    expect(result.exitCode).to.equal(143)
  })

  it('prepares the environment before the child and disposes of it after', async () => {
    const calls: string[] = []
    const environment: ChildEnvironment = {
      async dispose() {
        calls.push(`dispose:${readRecord(record).length}`)
      },
      async prepare(base) {
        calls.push('prepare')
        const env: NodeJS.ProcessEnv = {...base, TERRACE_ADDED: 'yes'}
        delete env.TERRACE_SECRET
        return env
      },
    }
    await runChild({
      args: [],
      command: FAKE,
      cwd: dir,
      env: env({FAKE_TF_STDOUT: '', TERRACE_SECRET: 's'}),
      environment,
      signals: new FakeSignals(),
      stdinIsTTY: false,
    })
    const [start] = readRecord(record) as Array<{env: Record<string, string>}>
    expect(start.env.TERRACE_ADDED).to.equal('yes')
    expect(start.env).not.to.have.property('TERRACE_SECRET')
    expect(calls).to.deep.equal(['prepare', 'dispose:1'])
  })

  it('disposes of the environment when the program cannot start', async () => {
    let disposed = false
    const environment: ChildEnvironment = {
      async dispose() {
        disposed = true
      },
      prepare: async (base) => base,
    }
    const error = await rejection(
      runChild({
        args: [],
        command: join(dir, 'missing'),
        cwd: dir,
        env: process.env,
        environment,
        signals: new FakeSignals(),
        stdinIsTTY: false,
      }),
    )
    expect(error).to.be.instanceOf(BinaryNotFoundError)
    expect(error).to.have.property('exitCode', 127)
    expect(error.message).to.include(join(dir, 'missing'))
    expect(disposed).to.equal(true)
  })
})
