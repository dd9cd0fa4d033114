import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, readFile, rm, utimes, writeFile} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {TerraceError} from '../../src/lib/errors.js'
import {isProcessAlive, LockTimeoutError, withLock} from '../../src/lib/lock.js'
import {rejection} from '../helpers/errors.js'

const lockModule = resolve('src/lib/lock.ts')

/** A child that increments the number in counterPath `times` times, each under the lock, non-atomically. */
const incrementer = `
import {readFile, writeFile} from 'node:fs/promises'
import {withLock} from ${JSON.stringify(lockModule)}
const [lockPath, counterPath, times] = process.argv.slice(2)
for (let i = 0; i < Number(times); i++) {
  await withLock(lockPath, async () => {
    const n = Number(await readFile(counterPath, 'utf8'))
    await new Promise((r) => setImmediate(r))
    await writeFile(counterPath, String(n + 1))
  }, {timeoutMs: 60000})
}
`

function runNode(args: string[]): Promise<{code: null | number; stderr: string}> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({code, stderr}))
  })
}

/** A pid that is certainly not running: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'])
  await new Promise((r) => {
    child.on('close', r)
  })
  return child.pid!
}

describe('lib/lock withLock', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'terrace-lock-'))
  })

  afterEach(async () => {
    await rm(dir, {force: true, recursive: true})
  })

  it('returns the function result and removes the lock file afterwards', async () => {
    const lockPath = join(dir, 'sub', 'a.lock')
    const result = await withLock(lockPath, async () => {
      const owner = JSON.parse(await readFile(lockPath, 'utf8'))
      expect(owner).to.include({host: hostname(), pid: process.pid})
      return 'done'
    })
    expect(result).to.equal('done')
    expect(existsSync(lockPath)).to.equal(false)
  })

  it('releases the lock when the function throws', async () => {
    const lockPath = join(dir, 'a.lock')
    let caught: unknown
    try {
      await withLock(lockPath, async () => {
        throw new Error('boom')
      })
    } catch (error) {
      caught = error
    }

    expect((caught as Error).message).to.equal('boom')
    expect(existsSync(lockPath)).to.equal(false)
  })

  it('serialises concurrent holders inside one process', async () => {
    const lockPath = join(dir, 'a.lock')
    let inside = 0
    let maxInside = 0
    await Promise.all(
      Array.from({length: 10}, () =>
        withLock(lockPath, async () => {
          inside++
          maxInside = Math.max(maxInside, inside)
          await new Promise((r) => {
            setTimeout(r, 2)
          })
          inside--
        }),
      ),
    )
    expect(maxInside).to.equal(1)
  })

  it('loses no increments across 8 real node processes', async () => {
    const lockPath = join(dir, 'counter.lock')
    const counterPath = join(dir, 'counter')
    const script = join(dir, 'incrementer.mjs')
    await writeFile(counterPath, '0')
    await writeFile(script, incrementer)
    const results = await Promise.all(
      Array.from({length: 8}, () => runNode(['--import', 'tsx', script, lockPath, counterPath, '25'])),
    )
    for (const r of results) expect(r.code, r.stderr).to.equal(0)
    expect(Number(await readFile(counterPath, 'utf8'))).to.equal(200)
  })

  it('breaks a lock left by a dead process', async () => {
    const lockPath = join(dir, 'a.lock')
    const pid = await deadPid()
    expect(isProcessAlive(pid)).to.equal(false)
    await writeFile(lockPath, JSON.stringify({host: hostname(), pid, time: new Date().toISOString(), token: 'dead'}))
    const result = await withLock(lockPath, async () => 'got it', {timeoutMs: 2000})
    expect(result).to.equal('got it')
  })

  it('breaks a lock untouched for longer than staleMs, even from a live pid', async () => {
    const lockPath = join(dir, 'a.lock')
    await writeFile(lockPath, JSON.stringify({host: 'elsewhere', pid: 1, time: 'then', token: 'old'}))
    const old = new Date(Date.now() - 10_000)
    await utimes(lockPath, old, old)
    expect(await withLock(lockPath, async () => 1, {staleMs: 5000, timeoutMs: 2000})).to.equal(1)
  })

  it('waits for a live holder, calls onWait once, and times out with a TerraceError naming the lock', async () => {
    const lockPath = join(dir, 'a.lock')
    let waits = 0
    let caught: unknown
    await withLock(lockPath, async () => {
      try {
        await withLock(lockPath, async () => 'never', {
          onWait() {
            waits++
          },
          timeoutMs: 150,
        })
      } catch (error) {
        caught = error
      }
    })
    expect(caught).to.be.instanceOf(LockTimeoutError)
    expect(caught).to.be.instanceOf(TerraceError)
    expect((caught as Error).message)
      .to.include(lockPath)
      .and.include(`pid ${process.pid}`)
    expect(waits).to.equal(1)
  })

  it('keeps a long-running holder fresh so it is not taken for stale', async () => {
    const lockPath = join(dir, 'a.lock')
    // the holder touches its lock every max(50, staleMs / 4) ms; the contender calls a lock stale after its own
    // staleMs, 20 heartbeats later, and looks only after the holder has held it twice that long (without heartbeats
    // it would be stale by then): a heartbeat may be late by almost a second without the test failing
    const holderStaleMs = 200
    const contenderStaleMs = 1000
    let caught: unknown
    await withLock(
      lockPath,
      async () => {
        await new Promise((r) => {
          setTimeout(r, 2 * contenderStaleMs)
        })
        caught = await rejection(withLock(lockPath, async () => 'stolen', {staleMs: contenderStaleMs, timeoutMs: 100}))
      },
      {staleMs: holderStaleMs},
    )
    expect(caught).to.be.instanceOf(LockTimeoutError)
  })

  it('does not remove a lock someone else took over after breaking ours', async () => {
    const lockPath = join(dir, 'a.lock')
    await withLock(lockPath, async () => {
      await writeFile(lockPath, JSON.stringify({host: hostname(), pid: process.pid, time: 'now', token: 'other'}))
    })
    expect(JSON.parse(await readFile(lockPath, 'utf8')).token).to.equal('other')
  })
})
