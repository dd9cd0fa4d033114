import {expect} from 'chai'

import type {LookupResult} from '../../src/vault/secret-service/secret-service-reader.js'
import type {SecretStore} from '../../src/vault/secret-store.js'

import {probeKeychain} from '../../src/vault/keychain-probe.js'
import {KeychainStore, type KeytarApi, loadKeytar} from '../../src/vault/keychain-store.js'
import {MemoryStore} from '../../src/vault/memory-store.js'
import {
  directReadsEnabled,
  openSecretServiceStore,
  type SecretLookup,
  SecretServiceStore,
  transferEncrypted,
} from '../../src/vault/secret-service-store.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {describeStoreContract} from './helpers/store-contract.js'

/** A service of its own, so these tests never see (or wipe) real terrace entries. */
const SERVICE = `terrace-ss-test-${process.pid}`

/** A reader answering from a table, recording what it was asked. */
function fakeReader(answer: (account: string) => LookupResult | Promise<LookupResult>) {
  const asked: Array<Record<string, string>> = []
  const reader: SecretLookup = {
    async lookup(attributes) {
      asked.push(attributes)
      return answer(attributes.account)
    },
  }
  return {asked, reader}
}

/** A fallback store that counts how often it is opened and what reaches it. */
function countingFallback(seed: Record<string, string> = {}) {
  const memory = new MemoryStore()
  const calls: string[] = []
  let opened = 0
  const ready = Promise.all(Object.entries(seed).map(([k, v]) => memory.set(k, v)))
  const store: SecretStore = {
    async delete(account) {
      calls.push(`delete ${account}`)
      return memory.delete(account)
    },
    description: 'fallback',
    async get(account) {
      calls.push(`get ${account}`)
      return memory.get(account)
    },
    kind: 'keychain',
    async list(prefix) {
      calls.push(`list ${prefix ?? ''}`)
      return memory.list(prefix)
    },
    async set(account, secret) {
      calls.push(`set ${account}`)
      await memory.set(account, secret)
    },
  }
  return {
    calls,
    async open() {
      opened++
      await ready
      return store
    },
    opened: () => opened,
  }
}

describe('vault/secret-service-store', () => {
  describe('reads through the reader, everything else through keytar', () => {
    it('a found item comes from the reader, keytar is never loaded', async () => {
      const {asked, reader} = fakeReader(() => ({secret: 'from-dbus', state: 'found'}))
      const fallback = countingFallback()
      const store = new SecretServiceStore(reader, {openFallback: fallback.open, service: 'svc'})
      expect(await store.get('sso-token:https://x')).to.equal('from-dbus')
      expect(asked).to.deep.equal([
        {account: 'sso-token:https://x', service: 'svc', 'xdg:schema': 'org.freedesktop.Secret.Generic'},
      ])
      expect(fallback.opened()).to.equal(0)
    })

    it('a missing item is undefined without asking keytar', async () => {
      const {reader} = fakeReader(() => ({state: 'missing'}))
      const fallback = countingFallback({a: 'would be wrong'})
      const store = new SecretServiceStore(reader, {openFallback: fallback.open})
      expect(await store.get('a')).to.equal(undefined)
      expect(fallback.opened()).to.equal(0)
    })

    const fallsBack: Array<[string, () => LookupResult | Promise<LookupResult>]> = [
      ['a locked item (unlocking may prompt: keytar/libsecret does that)', () => ({state: 'locked'})],
      [
        'a reader that fails (D-Bus gone, timeout)',
        () => {
          throw new Error('the D-Bus connection closed')
        },
      ],
    ]
    for (const [name, answer] of fallsBack) {
      it(`${name}: asks keytar instead`, async () => {
        const {reader} = fakeReader(answer)
        const fallback = countingFallback({a: 'from-keytar'})
        const store = new SecretServiceStore(reader, {openFallback: fallback.open})
        expect(await store.get('a')).to.equal('from-keytar')
        expect(fallback.calls).to.deep.equal(['get a'])
      })
    }

    it('writes, deletes and listing go to keytar, opened once', async () => {
      const {asked, reader} = fakeReader(() => ({state: 'missing'}))
      const fallback = countingFallback()
      const store = new SecretServiceStore(reader, {openFallback: fallback.open})
      await store.set('a', '1')
      await store.set('b', '2')
      expect(await store.list()).to.deep.equal(['a', 'b'])
      expect(await store.delete('a')).to.equal(true)
      expect(fallback.calls).to.deep.equal(['set a', 'set b', 'list ', 'delete a'])
      expect(fallback.opened()).to.equal(1)
      expect(asked).to.deep.equal([])
      expect(store.kind).to.equal('keychain')
      expect(store.description).to.include('Secret Service')
    })
  })

  describe('settings', () => {
    it('direct reads: on except on macOS and Windows, or with TERRACE_KEYCHAIN_DIRECT=0', () => {
      expect(directReadsEnabled({}, 'linux')).to.equal(true)
      expect(directReadsEnabled({}, 'freebsd')).to.equal(true)
      expect(directReadsEnabled({}, 'darwin')).to.equal(false)
      expect(directReadsEnabled({}, 'win32')).to.equal(false)
      expect(directReadsEnabled({TERRACE_KEYCHAIN_DIRECT: '0'}, 'linux')).to.equal(false)
      expect(directReadsEnabled({TERRACE_KEYCHAIN_DIRECT: '1'}, 'linux')).to.equal(true)
    })

    it('transfer: plain unless TERRACE_KEYCHAIN_TRANSFER=encrypted', () => {
      expect(transferEncrypted({})).to.equal(false)
      expect(transferEncrypted({TERRACE_KEYCHAIN_TRANSFER: 'plain'})).to.equal(false)
      expect(transferEncrypted({TERRACE_KEYCHAIN_TRANSFER: ' Encrypted '})).to.equal(true)
    })

    it('no session bus: undefined quickly, so the caller tries keytar', async () => {
      // a missing socket fails at connect: long before the timeout, whatever the machine's load
      const timeoutMs = 20_000
      const started = Date.now()
      const env = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/terrace-test-bus'}
      expect(await openSecretServiceStore(env, {timeoutMs})).to.equal(undefined)
      expect(Date.now() - started).to.be.below(timeoutMs / 4)
    })
  })

  describe('against the real Secret Service', () => {
    let keytar: KeytarApi

    before(async function () {
      const probe = await probeKeychain({keychainService: SERVICE, probeTimeoutMs: 5000})
      requireOrSkip(
        this,
        !('reason' in probe),
        `no usable Secret Service (${'reason' in probe ? probe.reason : ''}); run under scripts/with-keyring.sh`,
      )

      keytar = await loadKeytar()
    })

    const wipe = async () => {
      for (const {account} of await keytar.findCredentials(SERVICE)) await keytar.deletePassword(SERVICE, account)
    }

    after(async () => {
      if (keytar) await wipe()
    })

    it('the keychain probe picks the direct reader on this machine', async () => {
      const probe = await probeKeychain({keychainService: SERVICE, probeTimeoutMs: 5000})
      expect('store' in probe && probe.store).to.be.instanceOf(SecretServiceStore)
      const viaKeytar = await probeKeychain({
        env: {...process.env, TERRACE_KEYCHAIN_DIRECT: '0'},
        keychainService: SERVICE,
        probeTimeoutMs: 5000,
      })
      expect('store' in viaKeytar && viaKeytar.store).to.be.instanceOf(KeychainStore)
    })

    for (const transfer of ['plain', 'encrypted']) {
      const env = () => ({...process.env, TERRACE_KEYCHAIN_TRANSFER: transfer})
      describeStoreContract(`SecretServiceStore (${transfer} transfer)`, () => ({
        async open() {
          await wipe()
          const store = await openSecretServiceStore(env(), {service: SERVICE, timeoutMs: 5000})
          if (!store) throw new Error('the Secret Service did not answer')
          return store
        },
        async reopen() {
          const store = await openSecretServiceStore(env(), {service: SERVICE, timeoutMs: 5000})
          if (!store) throw new Error('the Secret Service did not answer')
          return store
        },
      }))

      it(`(${transfer}) reads exactly what keytar wrote, and sees keytar's deletes`, async () => {
        await keytar.setPassword(SERVICE, 'role-credentials:1/r@u', '{"accessKeyId":"ASIA…","ü":"🔑"}')
        const store = await openSecretServiceStore(env(), {service: SERVICE, timeoutMs: 5000})
        expect(await store!.get('role-credentials:1/r@u')).to.equal('{"accessKeyId":"ASIA…","ü":"🔑"}')
        await keytar.deletePassword(SERVICE, 'role-credentials:1/r@u')
        expect(await store!.get('role-credentials:1/r@u')).to.equal(undefined)
      })
    }
  })
})
