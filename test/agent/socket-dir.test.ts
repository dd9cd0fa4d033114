import {expect} from 'chai'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {checkSocketDir, ensureSocketDir, socketDirDeps} from '../../src/agent/socket-dir.js'
import {ExitCode, TerraceError} from '../../src/lib/errors.js'

async function refusal(promise: Promise<unknown>): Promise<TerraceError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof TerraceError) return error
    throw error
  }

  throw new Error('not refused')
}

describe("agent/socket-dir: the socket folder's owner and mode", () => {
  let tmp: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-sockdir-'))
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  it('a missing folder is created 0700; a 0700 folder of the user passes', async () => {
    const dir = join(tmp, 'home', 'run')
    expect(await checkSocketDir(dir)).to.equal(false)
    await ensureSocketDir(dir)
    expect(statSync(dir).mode % 0o1000).to.equal(0o700)
    expect(await checkSocketDir(dir)).to.equal(true)
  })

  for (const mode of [0o755, 0o750, 0o701]) {
    it(`mode ${mode.toString(8)}: refused with exit 8 and the chmod that fixes it`, async () => {
      const dir = join(tmp, 'run')
      mkdirSync(dir)
      chmodSync(dir, mode)
      for (const check of [checkSocketDir, ensureSocketDir]) {
        const error = await refusal(check(dir))
        expect(error.exitCode).to.equal(ExitCode.VaultUnavailable)
        expect(error.message).to.contain(dir).and.contain(mode.toString(8))
        expect(error.suggestion).to.equal(`Close it to everyone but you: chmod 700 ${dir}`)
      }
    })
  }

  it("another user's folder: refused with exit 8, naming the owner and the fix", async () => {
    const dir = join(tmp, 'run')
    mkdirSync(dir, {mode: 0o700})
    const real = statSync(dir)
    const otherUser = {
      ...socketDirDeps,
      lstat: async () => ({isDirectory: () => true, isSymbolicLink: () => false, mode: real.mode, uid: 4242}),
      uid: 1000,
    }
    const error = await refusal(checkSocketDir(dir, otherUser))
    expect(error.exitCode).to.equal(ExitCode.VaultUnavailable)
    expect(error.message).to.contain('uid 4242')
    expect(error.suggestion).to.contain(`rm -r ${dir}`)
  })

  it('a symbolic link where the folder belongs: refused', async () => {
    const target = join(tmp, 'elsewhere')
    mkdirSync(target, {mode: 0o700})
    symlinkSync(target, join(tmp, 'run'))
    expect((await refusal(checkSocketDir(join(tmp, 'run')))).exitCode).to.equal(ExitCode.VaultUnavailable)
  })
})
