import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {KeytarApi} from '../../src/vault/keychain-store.js'

import {ExitCode, formatError, TerraceError, VaultError} from '../../src/lib/errors.js'
import {fileVaultPath} from '../../src/vault/file-store.js'
import {MemoryStore} from '../../src/vault/memory-store.js'
import {openVault, type OpenVaultOptions} from '../../src/vault/select.js'
import {rejection} from '../helpers/errors.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'

/** A keytar stand-in backed by a MemoryStore. */
function workingKeytar(): KeytarApi {
  const memory = new MemoryStore()
  return {
    deletePassword: (_s, a) => memory.delete(a),
    findCredentials: async () => Object.entries(memory.snapshot()).map(([account, password]) => ({account, password})),
    getPassword: async (_s, a) => (await memory.get(a)) ?? null,
    setPassword: (_s, a, p) => memory.set(a, p),
  }
}

const hang = () => new Promise<never>(() => {})
const hangingKeytar = (): KeytarApi => ({
  deletePassword: hang,
  findCredentials: hang,
  getPassword: hang,
  setPassword: hang,
})

const failingKeytar = (message: string): KeytarApi => {
  const fail = async () => {
    throw new Error(message)
  }

  return {deletePassword: fail, findCredentials: fail, getPassword: fail, setPassword: fail}
}

type ChildResult = {
  code: null | number
  out: {description?: string; exitCode?: number; kind?: string; notices: string[]; roundTrip?: string; text?: string}
}

function openInChild(env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve('test/vault/helpers/open-vault-child.ts')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr += c
    })
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        resolvePromise({code, out: JSON.parse(stdout)})
      } catch {
        reject(new Error(`child printed no JSON (exit ${code}): ${stdout}${stderr}`))
      }
    })
  })
}

/** This process's environment minus anything that would pick the vault for the child, plus extra. */
function childEnvironment(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, TERRACE_HOME: home}
  delete env.TERRACE_VAULT
  delete env.TERRACE_VAULT_PASSPHRASE
  delete env.DISPLAY
  return {...env, ...extra}
}

describe('vault/select openVault', () => {
  let home: string
  let base: OpenVaultOptions
  let notices: string[]

  beforeEach(async () => {
    home = join(await mkdtemp(join(tmpdir(), 'terrace-select-')), 'home')
    notices = []
    base = {
      env: {},
      home,
      interactive: false,
      notice: (m) => notices.push(m),
      probeTimeoutMs: 100,
      scryptLogN: 10,
    }
  })

  afterEach(async () => {
    await rm(join(home, '..'), {force: true, recursive: true})
  })

  describe('TERRACE_VAULT=file', () => {
    it('uses TERRACE_VAULT_PASSPHRASE without probing the keychain', async () => {
      let loaded = false
      const store = await openVault({
        ...base,
        env: {TERRACE_VAULT: 'file', TERRACE_VAULT_PASSPHRASE: 'pw'},
        async loadKeytar() {
          loaded = true
          return workingKeytar()
        },
      })
      expect(store.kind).to.equal('file')
      expect(store.description).to.include(fileVaultPath(home))
      await store.set('a', 'b')
      expect(existsSync(fileVaultPath(home))).to.equal(true)
      expect(loaded).to.equal(false)
      expect(notices).to.deep.equal([])
    })

    it('non-interactive without a passphrase: exit 8 naming both fixes', async () => {
      const error = await rejection<TerraceError>(openVault({...base, env: {TERRACE_VAULT: 'file'}}))
      expect(error.exitCode).to.equal(ExitCode.VaultUnavailable)
      const text = formatError(error)
      expect(text).to.include('TERRACE_VAULT_PASSPHRASE')
      expect(text).to.include('keychain')
      expect(text).to.include('terminal')
    })

    it('interactive without a passphrase: prompts, lazily, once', async () => {
      let prompts = 0
      const store = await openVault({
        ...base,
        env: {TERRACE_VAULT: 'file'},
        interactive: true,
        async promptPassphrase() {
          prompts++
          return 'typed'
        },
      })
      expect(prompts).to.equal(0)
      await store.set('a', '1')
      await store.set('b', '2')
      expect(prompts).to.equal(1)
    })

    it('a prompt is not used when the run is non-interactive', async () => {
      const error = await rejection<TerraceError>(
        openVault({...base, env: {TERRACE_VAULT: 'file'}, promptPassphrase: async () => 'typed'}),
      )
      expect(error.exitCode).to.equal(8)
    })
  })

  describe('TERRACE_VAULT=keychain', () => {
    it('uses the keychain when it answers', async () => {
      const store = await openVault({
        ...base,
        env: {TERRACE_VAULT: 'keychain'},
        loadKeytar: async () => workingKeytar(),
      })
      expect(store.kind).to.equal('keychain')
    })

    it('fails with exit 8 saying why, even with a passphrase set (no silent fallback)', async () => {
      const error = await rejection<TerraceError>(
        openVault({
          ...base,
          env: {TERRACE_VAULT: 'keychain', TERRACE_VAULT_PASSPHRASE: 'pw'},
          loadKeytar: async () => failingKeytar('Cannot autolaunch D-Bus without X11 $DISPLAY'),
        }),
      )
      expect(error.exitCode).to.equal(8)
      expect(formatError(error)).to.include('Cannot autolaunch D-Bus').and.include('TERRACE_VAULT=file')
      expect(existsSync(fileVaultPath(home))).to.equal(false)
    })

    it('reports keytar that cannot load (libsecret missing) with exit 8', async () => {
      const error = await rejection<TerraceError>(
        openVault({
          ...base,
          env: {TERRACE_VAULT: 'keychain'},
          async loadKeytar() {
            throw new VaultError('The OS keychain is unavailable: keytar/libsecret could not be loaded (x)', {
              suggestion: 'install libsecret',
            })
          },
        }),
      )
      expect(error.exitCode).to.equal(8)
      expect(formatError(error)).to.include('keytar/libsecret could not be loaded').and.include('install libsecret')
    })
  })

  describe('TERRACE_VAULT unset', () => {
    it('prefers a keychain that answers, with no notice', async () => {
      const store = await openVault({
        ...base,
        env: {TERRACE_VAULT_PASSPHRASE: 'pw'},
        loadKeytar: async () => workingKeytar(),
      })
      expect(store.kind).to.equal('keychain')
      expect(notices).to.deep.equal([])
    })

    it('falls back to the file vault when the probe times out and a passphrase is set, saying so once', async () => {
      const started = Date.now()
      const store = await openVault({
        ...base,
        env: {TERRACE_VAULT_PASSPHRASE: 'pw'},
        loadKeytar: async () => hangingKeytar(),
      })
      expect(Date.now() - started).to.be.lessThan(5000)
      expect(store.kind).to.equal('file')
      expect(notices).to.have.length(1)
      expect(notices[0]).to.include(fileVaultPath(home)).and.include('did not answer within 100 ms')
    })

    it('the fallback notice is shown once per vault, not on every command', async () => {
      const open = () =>
        openVault({...base, env: {TERRACE_VAULT_PASSPHRASE: 'pw'}, loadKeytar: async () => failingKeytar('no bus')})
      for (let run = 0; run < 3; run++) expect((await open()).kind).to.equal('file')
      expect(notices).to.have.length(1)
      const other = join(await mkdtemp(join(tmpdir(), 'terrace-select-')), 'home')
      await openVault({
        ...base,
        env: {TERRACE_VAULT_PASSPHRASE: 'pw'},
        home: other,
        loadKeytar: async () => failingKeytar('no bus'),
      })
      expect(notices, 'another vault gets its own notice').to.have.length(2)
      await rm(join(other, '..'), {force: true, recursive: true})
    })

    it('no keychain and no passphrase: exit 8 explaining both fixes, nothing written', async () => {
      const error = await rejection<TerraceError>(
        openVault({...base, loadKeytar: async () => failingKeytar('Could not connect')}),
      )
      expect(error.exitCode).to.equal(8)
      const text = formatError(error)
      expect(text)
        .to.include('Secret Service')
        .and.include('TERRACE_VAULT_PASSPHRASE')
        .and.include('TERRACE_VAULT=file')
      expect(text).to.include('plain text')
      expect(existsSync(home)).to.equal(false)
    })

    it('an interactive run with a prompt falls back to the file vault', async () => {
      const store = await openVault({
        ...base,
        interactive: true,
        loadKeytar: async () => failingKeytar('Could not connect'),
        promptPassphrase: async () => 'typed',
      })
      expect(store.kind).to.equal('file')
      expect(notices).to.have.length(1)
    })
  })

  it('rejects an unknown TERRACE_VAULT value', async () => {
    const error = await rejection<TerraceError>(openVault({...base, env: {TERRACE_VAULT: 'plaintext'}}))
    expect(error.exitCode).to.equal(ExitCode.Config)
    expect(error.message).to.include('plaintext')
  })

  describe('in a child process with the real keytar', () => {
    const noBus = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/terrace-test-bus'}

    it('an unusable keychain (no D-Bus socket) + passphrase: the file vault, with one notice', async () => {
      const {code, out} = await openInChild(childEnvironment(home, {...noBus, TERRACE_VAULT_PASSPHRASE: 'pw'}))
      expect(code, JSON.stringify(out)).to.equal(0)
      expect(out.kind).to.equal('file')
      expect(out.roundTrip).to.equal('value')
      expect(out.notices).to.have.length(1)
      expect(out.notices[0]).to.include('keychain is unusable')
      expect(existsSync(fileVaultPath(home))).to.equal(true)
    })

    it('an unusable keychain, no passphrase: exit 8 with both fixes', async () => {
      const {code, out} = await openInChild(childEnvironment(home, noBus))
      expect(code).to.equal(8)
      expect(out.exitCode).to.equal(8)
      expect(out.text).to.include('TERRACE_VAULT_PASSPHRASE').and.include('Secret Service')
    })

    it('TERRACE_VAULT=keychain with no D-Bus socket: exit 8 saying why', async () => {
      const {code, out} = await openInChild(childEnvironment(home, {...noBus, TERRACE_VAULT: 'keychain'}))
      expect(code).to.equal(8)
      expect(out.text).to.include('TERRACE_VAULT=keychain').and.include('unusable')
    })

    it('a working Secret Service (under scripts/with-keyring.sh) is chosen', async function () {
      requireOrSkip(this, Boolean(process.env.TERRACE_IN_KEYRING), 'not under scripts/with-keyring.sh')

      const {code, out} = await openInChild(childEnvironment(home, {TERRACE_VAULT_PASSPHRASE: 'pw'}))
      expect(code, JSON.stringify(out)).to.equal(0)
      expect(out.kind).to.equal('keychain')
      expect(out.notices).to.deep.equal([])
      expect(existsSync(fileVaultPath(home))).to.equal(false)
    })
  })
})
