import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import * as fsp from 'node:fs/promises'
import {mkdtemp, readdir, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {hostname, tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {ExitCode, formatError, TerraceError, VaultError} from '../../src/lib/errors.js'
import {withLock} from '../../src/lib/lock.js'
import {
  DEFAULT_SCRYPT_LOG_N,
  FileStore,
  fileVaultPath,
  type PassphraseRequest,
  type VaultFileSystem,
} from '../../src/vault/file-store.js'
import {rejection} from '../helpers/errors.js'
import {describeStoreContract} from './helpers/store-contract.js'

const tmpDirs: string[] = []
async function tempHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'terrace-vault-'))
  tmpDirs.push(dir)
  return join(dir, 'home')
}

/** A cheap scrypt cost keeps the table fast; the real default is exercised below. */
const fast = (path: string, passphrase = 'correct horse') =>
  new FileStore({passphrase: async () => passphrase, path, scryptLogN: 10})

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{code: null | number; stderr: string}> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (c) => {
      stderr += c
    })
    child.on('error', reject)
    child.on('close', (code) => resolvePromise({code, stderr}))
  })
}

/** node:fs/promises, except that writes to any file fail after writing half their bytes; records operations. */
function failingHalfWay(log: string[]): VaultFileSystem {
  return {
    mkdir: fsp.mkdir,
    async open(path, flags, mode) {
      const handle = await fsp.open(path, flags, mode)
      const name = String(path).includes('.tmp') ? 'temp' : String(path).endsWith('vault.enc') ? 'vault' : 'dir'
      log.push(`open ${name}`)
      return new Proxy(handle, {
        get(target, property) {
          if (property === 'writeFile' || property === 'write') {
            return async (data: Buffer) => {
              log.push(`write ${name}`)
              await target.write(data.subarray(0, Math.floor(data.length / 2)))
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
            }
          }

          const value = Reflect.get(target, property, target)
          return typeof value === 'function' ? value.bind(target) : value
        },
      })
    },
    readFile: fsp.readFile,
    async rename(from, to) {
      log.push(`rename ${String(from).includes('.tmp') ? 'temp' : 'other'}`)
      return fsp.rename(from, to)
    },
    rm: fsp.rm,
  } as VaultFileSystem
}

describe('vault/file-store', () => {
  after(async () => {
    await Promise.all(tmpDirs.map((d) => rm(d, {force: true, recursive: true})))
  })

  describeStoreContract('FileStore', () => {
    let path: string
    return {
      async open() {
        path = fileVaultPath(await tempHome())
        return fast(path)
      },
      async reopen() {
        return fast(path)
      },
    }
  })

  describe('vault/FileStore', () => {
    it('creates the file 0600 in a 0700 directory, leaving no temp files', async () => {
      const home = await tempHome()
      const store = fast(fileVaultPath(home))
      await store.set('a', '1')
      await store.set('b', '2')
      await store.delete('a')
      expect((await stat(fileVaultPath(home))).mode.toString(8).slice(-3)).to.equal('600')
      expect((await stat(home)).mode.toString(8).slice(-3)).to.equal('700')
      expect(await readdir(home)).to.deep.equal(['vault.enc'])
      expect(store.kind).to.equal('file')
      expect(store.description).to.include(fileVaultPath(home))
    })

    it('never writes a secret or an account name in plain text', async () => {
      const path = fileVaultPath(await tempHome())
      const store = fast(path)
      const secrets = {
        'role-credentials:123456789012/DevOps@https://d-abc.awsapps.com/start': 'AKIAEXAMPLESECRETKEY123',
        'sso-token:https://d-abc.awsapps.com/start': JSON.stringify({accessToken: 'aoaAAAAAGsecrettoken'}),
      }
      for (const [account, secret] of Object.entries(secrets)) await store.set(account, secret)
      const raw = await readFile(path)
      for (const needle of [
        'AKIAEXAMPLESECRETKEY123',
        'aoaAAAAAGsecrettoken',
        'accessToken',
        'd-abc.awsapps.com',
        'DevOps',
        'correct horse',
      ]) {
        expect(raw.includes(Buffer.from(needle)), needle).to.equal(false)
        expect(raw.includes(Buffer.from(Buffer.from(needle).toString('base64'))), `${needle} (base64)`).to.equal(false)
      }

      expect(await fast(path).get('sso-token:https://d-abc.awsapps.com/start')).to.include('aoaAAAAAGsecrettoken')
    })

    it('uses the default scrypt cost for a new vault and keeps it on rewrite', async () => {
      const path = fileVaultPath(await tempHome())
      const store = new FileStore({passphrase: async () => 'pw', path})
      await store.set('a', '1')
      const header = await readFile(path)
      expect(header.subarray(0, 8).toString()).to.equal('TRCVAULT')
      expect(header[9]).to.equal(DEFAULT_SCRYPT_LOG_N)
      await fast(path, 'pw').set('b', '2')
      const rewritten = await readFile(path)
      expect(rewritten[9]).to.equal(DEFAULT_SCRYPT_LOG_N)
      expect(rewritten.subarray(12, 28)).to.deep.equal(header.subarray(12, 28)) // same salt
      expect(rewritten.subarray(44, 56)).not.to.deep.equal(header.subarray(44, 56)) // fresh IV
    })

    it('open: a new vault is created (empty) under the passphrase; an existing one is checked; forget asks again', async () => {
      const path = fileVaultPath(await tempHome())
      let asked = 0
      const store = new FileStore({
        async passphrase() {
          asked++
          return 'pw'
        },
        path,
        scryptLogN: 10,
      })
      await store.open()
      expect(existsSync(path)).to.equal(true)
      expect(await fast(path, 'pw').list()).to.deep.equal([])
      await store.set('a', '1')
      expect(asked).to.equal(1)
      await store.forget()
      expect(await store.get('a')).to.equal('1')
      expect(asked, 'asked again after forget').to.equal(2)
      const wrong = await rejection(fast(path, 'not-pw').open())
      expect(wrong.message).to.contain('Wrong passphrase')
    })

    it('asks for the passphrase once per store', async () => {
      const path = fileVaultPath(await tempHome())
      let asked = 0
      const store = new FileStore({
        async passphrase() {
          asked++
          return 'pw'
        },
        path,
        scryptLogN: 10,
      })
      await store.get('x') // no file yet: nothing to decrypt, nothing asked
      expect(asked).to.equal(0)
      await Promise.all([store.set('a', '1'), store.set('b', '2'), store.get('a')])
      await store.list()
      await store.delete('a')
      expect(asked).to.equal(1)
      expect(await store.list()).to.deep.equal(['b'])
    })

    it('wrong passphrase: exit 8, "wrong passphrase", file bytes unchanged on read and write', async () => {
      const path = fileVaultPath(await tempHome())
      await fast(path, 'right').set('a', 'secret')
      const before = await readFile(path)
      const beforeMtime = (await stat(path)).mtimeMs
      const wrong = fast(path, 'wrong')
      for (const attempt of [
        () => wrong.get('a'),
        () => wrong.set('b', 'x'),
        () => wrong.delete('a'),
        () => wrong.list(),
      ]) {
        const error = await rejection<TerraceError>(attempt())
        expect(error).to.be.instanceOf(VaultError)
        expect(error.exitCode).to.equal(ExitCode.VaultUnavailable)
        expect(error.message.toLowerCase()).to.include('wrong passphrase')
      }

      expect(await readFile(path)).to.deep.equal(before)
      expect((await stat(path)).mtimeMs).to.equal(beforeMtime)
      expect(await fast(path, 'right').get('a')).to.equal('secret')
    })

    it('empty passphrase is refused with exit 8', async () => {
      const error = await rejection<TerraceError>(fast(fileVaultPath(await tempHome()), '').set('a', 'b'))
      expect(error.exitCode).to.equal(8)
      expect(error.message).to.include('empty')
    })

    const damages: Array<[string, (raw: Buffer) => Buffer]> = [
      ['truncated', (raw) => raw.subarray(0, 30)],
      ['empty', () => Buffer.alloc(0)],
      ['not a vault', () => Buffer.from('{"sso-token:x":"plain"}')],
      [
        'a flipped ciphertext byte',
        (raw) => {
          const copy = Buffer.from(raw)
          copy[copy.length - 1] = 255 - copy.at(-1)!
          return copy
        },
      ],
      [
        'a flipped IV byte (authenticated header)',
        (raw) => {
          const copy = Buffer.from(raw)
          copy[50] = (copy[50] + 1) % 256
          return copy
        },
      ],
    ]
    for (const [title, damage] of damages) {
      it(`a damaged file (${title}) is reported, naming the file, and never reset`, async () => {
        const path = fileVaultPath(await tempHome())
        await fast(path).set('a', 'secret')
        const broken = damage(await readFile(path))
        await writeFile(path, broken)
        for (const attempt of [() => fast(path).get('a'), () => fast(path).set('b', 'c')]) {
          const error = await rejection<TerraceError>(attempt())
          expect(error).to.be.instanceOf(VaultError)
          expect(error.exitCode).to.equal(8)
          expect(error.message).to.include(path).and.not.include('passphrase')
          expect(formatError(error)).to.include('Move it aside')
        }

        expect(await readFile(path)).to.deep.equal(broken)
      })
    }

    it('a header asking for another scrypt cost is refused before any derivation (exit 8 naming the file)', async () => {
      const path = fileVaultPath(await tempHome())
      await new FileStore({passphrase: async () => 'pw', path}).set('a', 'secret')
      const genuine = await readFile(path)
      const doctored: Array<[string, number, number]> = [
        ['N = 2^20', 9, 20],
        ['N = 2^16', 9, 16],
        ['N = 2^14', 9, 14],
        ['r = 32', 10, 32],
        ['p = 16', 11, 16],
      ]
      for (const [title, at, value] of doctored) {
        const copy = Buffer.from(genuine)
        copy[at] = value
        await writeFile(path, copy)
        let asked = 0
        const store = new FileStore({
          async passphrase() {
            asked++
            return 'pw'
          },
          path,
        })
        const error = await rejection<TerraceError>(store.get('a'))
        expect(error, title).to.be.instanceOf(VaultError)
        expect(error.exitCode, title).to.equal(ExitCode.VaultUnavailable)
        expect(error.message, title).to.include(path).and.include('scrypt')
        expect(asked, `${title}: no passphrase asked, so no key derived`).to.equal(0)
      }

      await writeFile(path, genuine)
      expect(await new FileStore({passphrase: async () => 'pw', path}).get('a')).to.equal('secret')
    })

    describe('a crash in the middle of a write', () => {
      it('leaves the previous vault readable, renames no partial file in, and leaves no temp file', async () => {
        const home = await tempHome()
        const path = fileVaultPath(home)
        await fast(path).set('kept', 'old secret')
        const before = await readFile(path)
        const log: string[] = []
        const crashing = new FileStore({
          fileSystem: failingHalfWay(log),
          passphrase: async () => 'correct horse',
          path,
          scryptLogN: 10,
        })
        const error = await rejection<Error>(crashing.set('new', 'x'.repeat(100_000)))
        expect(error.message).to.include('ENOSPC')
        expect(
          log.filter((op) => op.startsWith('write')),
          'the bytes go to a temp file',
        ).to.deep.equal(['write temp'])
        expect(
          log.filter((op) => op.startsWith('rename')),
          'nothing renamed in',
        ).to.deep.equal([])
        expect(await readFile(path)).to.deep.equal(before)
        expect(await fast(path).get('kept')).to.equal('old secret')
        expect(await fast(path).list()).to.deep.equal(['kept'])
        expect(await readdir(home)).to.deep.equal(['vault.enc'])
      })

      it('syncs the temp file before renaming it over the vault', async () => {
        const home = await tempHome()
        const path = fileVaultPath(home)
        const log: string[] = []
        const recording: VaultFileSystem = {
          ...fsp,
          async open(file, flags, mode) {
            const handle = await fsp.open(file, flags, mode)
            const name = String(file).includes('.tmp') ? 'temp' : 'other'
            return new Proxy(handle, {
              get(target, property) {
                const value = Reflect.get(target, property, target)
                if (typeof value !== 'function') return value
                return (...args: unknown[]) => {
                  if (property === 'sync' || property === 'writeFile' || property === 'write' || property === 'close')
                    log.push(`${String(property)} ${name}`)
                  return value.apply(target, args)
                }
              },
            })
          },
          async rename(from, to) {
            log.push('rename')
            return fsp.rename(from, to)
          },
        }
        await new FileStore({fileSystem: recording, passphrase: async () => 'pw', path, scryptLogN: 10}).set('a', '1')
        const rename = log.indexOf('rename')
        expect(rename, log.join(', ')).to.be.greaterThan(0)
        expect(log.slice(0, rename)).to.include.members(['sync temp', 'close temp'])
        expect(log.indexOf('sync temp')).to.be.greaterThan(log.findIndex((op) => op.startsWith('write')))
        expect(await fast(path, 'pw').get('a')).to.equal('1')
      })
    })

    describe('passphrase attempts', () => {
      it('a new vault asks with create: true; an existing one with create: false', async () => {
        const path = fileVaultPath(await tempHome())
        const requests: PassphraseRequest[] = []
        const source = async (request: PassphraseRequest) => {
          requests.push(request)
          return 'pw'
        }

        await new FileStore({passphrase: source, path, scryptLogN: 10}).set('a', '1')
        await new FileStore({passphrase: source, path, scryptLogN: 10}).get('a')
        expect(requests).to.deep.equal([
          {attempt: 1, create: true},
          {attempt: 1, create: false},
        ])
      })

      it('a wrong passphrase is asked again while attempts remain; the right one then works', async () => {
        const path = fileVaultPath(await tempHome())
        await fast(path, 'right').set('a', 'secret')
        const answers = ['wrong', 'also wrong', 'right']
        const requests: PassphraseRequest[] = []
        const store = new FileStore({
          async passphrase(request) {
            requests.push(request)
            return answers[requests.length - 1]
          },
          passphraseAttempts: 3,
          path,
          scryptLogN: 10,
        })
        const [first, second] = await Promise.all([store.get('a'), store.get('a')])
        expect([first, second]).to.deep.equal(['secret', 'secret'])
        expect(requests.map((r) => r.attempt)).to.deep.equal([1, 2, 3])
        await store.set('b', '2')
        expect(requests).to.have.length(3)
      })

      it('three wrong passphrases: exit 8 naming `terrace vault reset`, file untouched', async () => {
        const path = fileVaultPath(await tempHome())
        await fast(path, 'right').set('a', 'secret')
        const before = await readFile(path)
        let asked = 0
        const store = new FileStore({
          async passphrase() {
            asked++
            return `wrong ${asked}`
          },
          passphraseAttempts: 3,
          path,
          scryptLogN: 10,
        })
        const error = await rejection<TerraceError>(store.set('b', 'x'))
        expect(error.exitCode).to.equal(ExitCode.VaultUnavailable)
        expect(error.message.toLowerCase()).to.include('wrong passphrase')
        expect(formatError(error)).to.include('terrace vault reset')
        expect(asked).to.equal(3)
        expect(await readFile(path)).to.deep.equal(before)
      })

      it('a passphrase from the environment (one attempt) is not asked again', async () => {
        const path = fileVaultPath(await tempHome())
        await fast(path, 'right').set('a', 'secret')
        let asked = 0
        const store = new FileStore({
          async passphrase() {
            asked++
            return 'wrong'
          },
          path,
          scryptLogN: 10,
        })
        expect(await rejection<TerraceError>(store.get('a'))).to.be.instanceOf(VaultError)
        expect(asked).to.equal(1)
      })
    })

    it('breaks a stale lock left by a dead process', async () => {
      const path = fileVaultPath(await tempHome())
      await fast(path).set('a', '1')
      const dead = spawn(process.execPath, ['-e', '0'])
      await new Promise((r) => {
        dead.on('close', r)
      })
      await writeFile(
        `${path}.lock`,
        JSON.stringify({host: hostname(), pid: dead.pid, time: new Date().toISOString(), token: 'x'}),
      )
      const store = new FileStore({lockTimeoutMs: 2000, passphrase: async () => 'correct horse', path, scryptLogN: 10})
      await store.set('b', '2')
      expect(await store.list()).to.deep.equal(['a', 'b'])
      expect(existsSync(`${path}.lock`)).to.equal(false)
    })

    it('a lock held too long by a live process ends in exit 8, file untouched', async () => {
      const path = fileVaultPath(await tempHome())
      await fast(path).set('a', '1')
      const before = await readFile(path)
      const store = new FileStore({lockTimeoutMs: 100, passphrase: async () => 'correct horse', path, scryptLogN: 10})
      const error = await withLock(`${path}.lock`, () => rejection<TerraceError>(store.set('b', '2')))
      expect(error).to.be.instanceOf(VaultError)
      expect(error.message).to.include('locked')
      expect(await readFile(path)).to.deep.equal(before)
    })

    it('20 parallel processes writing distinct secrets: all 20 readable afterwards', async function () {
      // 20 node processes loading tsx: minutes on a loaded 2-core machine
      this.timeout(180_000)
      const path = fileVaultPath(await tempHome())
      const writer = resolve('test/vault/helpers/vault-writer.ts')
      const env = {...process.env, TERRACE_VAULT_PASSPHRASE: 'parallel pass'}
      const results = await Promise.all(
        Array.from({length: 20}, (_, i) => run(['--import', 'tsx', writer, path, `entry-${i}`, `secret-${i}`], env)),
      )
      for (const r of results) expect(r.code, r.stderr).to.equal(0)
      const store = new FileStore({passphrase: async () => 'parallel pass', path})
      const listed = await store.list()
      expect(listed).to.have.length(20)
      for (let i = 0; i < 20; i++) expect(await store.get(`entry-${i}`)).to.equal(`secret-${i}`)
      expect(await readdir(join(path, '..'))).to.deep.equal(['vault.enc'])
    })
  })
})
