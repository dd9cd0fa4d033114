import {expect} from 'chai'
import * as fs from 'node:fs/promises'
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type AtomicWriteFileSystem, writeFileAtomic} from '../../src/lib/atomic-write.js'

/** node:fs/promises that records each sync and can fail a write part-way (after some bytes reached the file). */
function recordingFs(options: {failWrite?: boolean} = {}): AtomicWriteFileSystem & {syncs: string[]} {
  const syncs: string[] = []
  return {
    async open(path, flags, mode) {
      const handle = await fs.open(path, flags, mode)
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'sync') return async () => syncs.push(String(path))
          if (key === 'writeFile' && options.failWrite)
            return async (data: Buffer | string) => {
              await target.write(Buffer.from(data).subarray(0, 3))
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
            }

          const value = Reflect.get(target, key)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
    rename: fs.rename,
    rm: fs.rm,
    syncs,
  }
}

describe('lib/atomic-write', () => {
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'terrace-atomic-'))
  })

  afterEach(() => rm(dir, {force: true, recursive: true}))

  it('replaces the file, fsyncs the file and its folder, and leaves no temporary file', async () => {
    const target = join(dir, 'state.json')
    await writeFile(target, 'old')
    const files = recordingFs()
    await writeFileAtomic(target, 'new', {fileSystem: files})
    expect(await readFile(target, 'utf8')).to.equal('new')
    expect(await readdir(dir)).to.deep.equal(['state.json'])
    expect(files.syncs).to.have.length(2)
    expect(files.syncs[0]).to.match(/\.state\.json\.\d+\.[0-9a-f]+\.tmp$/)
    expect(files.syncs[1]).to.equal(dir)
  })

  it('a write that fails half-way leaves the previous file whole and removes the partial one', async () => {
    const target = join(dir, 'state.json')
    await writeFile(target, 'previous contents')
    const failure = await writeFileAtomic(target, 'the new contents', {
      fileSystem: recordingFs({failWrite: true}),
    }).then(
      () => {},
      (error: unknown) => error as NodeJS.ErrnoException,
    )
    expect(failure?.code).to.equal('ENOSPC')
    expect(await readFile(target, 'utf8')).to.equal('previous contents')
    expect(await readdir(dir)).to.deep.equal(['state.json'])
  })

  it('sets the mode it is given whatever the umask, 0600 by default', async () => {
    const previous = process.umask(0o077)
    try {
      await writeFileAtomic(join(dir, 'private'), 'x')
      await writeFileAtomic(join(dir, 'shared'), 'x', {mode: 0o644})
    } finally {
      process.umask(previous)
    }

    expect((await stat(join(dir, 'private'))).mode % 0o1000).to.equal(0o600)
    expect((await stat(join(dir, 'shared'))).mode % 0o1000).to.equal(0o644)
  })

  it('a cache write (durable: false) skips both fsyncs', async () => {
    const files = recordingFs()
    await writeFileAtomic(join(dir, 'cache.json'), '{}', {durable: false, fileSystem: files})
    expect(files.syncs).to.deep.equal([])
    expect(await readFile(join(dir, 'cache.json'), 'utf8')).to.equal('{}')
  })
})
