import {expect} from 'chai'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {DBusValue, Variant} from '../../../src/vault/secret-service/wire.js'

import {sessionBusSocket} from '../../../src/vault/secret-service/bus-address.js'
import {BusConnection} from '../../../src/vault/secret-service/bus-connection.js'
import {type LookupResult, SecretServiceReader} from '../../../src/vault/secret-service/secret-service-reader.js'
import {decryptSecret, DH_ALGORITHM, SessionKeyExchange} from '../../../src/vault/secret-service/session-crypto.js'
import {rejection} from '../../helpers/errors.js'
import {requireOrSkip} from '../../helpers/require-or-skip.js'

/** A service of its own, so these tests never see (or wipe) real terrace entries. */
const SERVICE = `terrace-reader-test-${process.pid}`
const SCHEMA = 'org.freedesktop.Secret.Generic'

const ENTRIES: Record<string, string> = {
  ascii: 'plain-ascii-secret',
  big: randomBytes(15_000).toString('base64'), // 20,000 characters
  json: JSON.stringify({
    accessKeyId: 'ASIAEXAMPLEEXAMPLE',
    expiration: '2030-01-01T00:00:00.000Z',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjE'.repeat(40),
  }),
  utf8: 'pässwörd ✓ 🔑 日本語 кириллица',
}

type Keytar = typeof import('keytar')

function query(account: string): Record<string, string> {
  return {account, service: SERVICE, 'xdg:schema': SCHEMA}
}

function found(secret: string): LookupResult {
  return {secret, state: 'found'}
}

describe('vault/secret-service/reader', () => {
  describe('against the real gnome-keyring (scripts/with-keyring.sh)', () => {
    let keytar: Keytar

    before(async function () {
      requireOrSkip(
        this,
        Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
        'DBUS_SESSION_BUS_ADDRESS is unset (run under scripts/with-keyring.sh)',
      )

      keytar = (await import('keytar')).default
      for (const [account, secret] of Object.entries(ENTRIES)) await keytar.setPassword(SERVICE, account, secret)
    })

    after(async () => {
      if (!keytar) return
      for (const {account} of await keytar.findCredentials(SERVICE)) await keytar.deletePassword(SERVICE, account)
      expect(await keytar.findCredentials(SERVICE)).to.deep.equal([])
    })

    it('stores the test values as they should be (keytar reads them back)', async () => {
      expect(ENTRIES.big).to.have.length(20_000)
      for (const [account, secret] of Object.entries(ENTRIES)) {
        expect(await keytar.getPassword(SERVICE, account)).to.equal(secret)
      }
    })

    it('gnome-keyring takes the encrypted transfer: its GetSecret value is ciphertext the first key decrypts', async () => {
      // so the encrypted-session tests below exercise the encryption, not the plain fallback for NotSupported
      const {connection, ready} = BusConnection.open(sessionBusSocket(process.env)!, process.getuid!())
      const service = (member: string, signature: string, body: DBusValue[], path = '/org/freedesktop/secrets') =>
        connection.call({
          body,
          destination: 'org.freedesktop.secrets',
          interface: member === 'GetSecret' ? 'org.freedesktop.Secret.Item' : 'org.freedesktop.Secret.Service',
          member,
          path,
          signature,
        })
      try {
        await ready
        const exchange = new SessionKeyExchange()
        const [output, session] = (await service('OpenSession', 'sv', [
          DH_ALGORITHM,
          {signature: 'ay', value: exchange.publicKey},
        ])) as [Variant, string]
        expect(output.signature).to.equal('ay')
        const [unlocked] = (await service('SearchItems', 'a{ss}', [Object.entries(query('utf8'))])) as [string[]]
        expect(unlocked).to.have.length(1)
        const [[, iv, value]] = (await service('GetSecret', 'o', [session], unlocked[0])) as [[string, Buffer, Buffer]]
        expect(iv).to.have.length(16)
        expect(value.length % 16).to.equal(0)
        expect(value.includes(Buffer.from(ENTRIES.utf8))).to.equal(false)
        const [first] = exchange.keysFor(output.value as Buffer)
        expect(decryptSecret([first], iv, value).toString('utf8')).to.equal(ENTRIES.utf8)
      } finally {
        connection.close()
      }
    })

    for (const encrypted of [false, true]) {
      describe(encrypted ? 'encrypted session (dh-ietf1024-sha256-aes128-cbc-pkcs7)' : 'plain session', () => {
        let reader: SecretServiceReader

        before(async () => {
          reader = await SecretServiceReader.connect(process.env, {encrypted, timeoutMs: 5000})
        })

        after(() => {
          reader?.close()
        })

        for (const account of Object.keys(ENTRIES)) {
          it(`finds what keytar wrote: ${account}`, async () => {
            expect(await reader.lookup(query(account))).to.deep.equal(found(ENTRIES[account]))
          })
        }

        it('finds an entry by service and account alone', async () => {
          expect(await reader.lookup({account: 'ascii', service: SERVICE})).to.deep.equal(found(ENTRIES.ascii))
        })

        it('says missing for an account that is not there', async () => {
          expect(await reader.lookup(query('no-such-account'))).to.deep.equal({state: 'missing'})
          expect(await reader.lookup({...query('ascii'), service: `${SERVICE}-other`})).to.deep.equal({
            state: 'missing',
          })
        })

        it('answers 30 sequential lookups on one connection', async () => {
          const accounts = Object.keys(ENTRIES)
          for (let i = 0; i < 30; i++) {
            const account = accounts[i % accounts.length]
            expect(await reader.lookup(query(account)), `lookup ${i}`).to.deep.equal(found(ENTRIES[account]))
          }
        })

        it('answers 10 concurrent lookups, each with its own result', async () => {
          const accounts = [...Object.keys(ENTRIES), 'missing-1', ...Object.keys(ENTRIES).reverse(), 'missing-2']
          expect(accounts).to.have.length(10)
          const results = await Promise.all(accounts.map((account) => reader.lookup(query(account))))
          expect(results).to.deep.equal(
            accounts.map((account) => (account in ENTRIES ? found(ENTRIES[account]) : {state: 'missing'})),
          )
        })

        it('says missing once keytar has deleted the entry', async () => {
          const account = `to-delete-${encrypted ? 'encrypted' : 'plain'}`
          await keytar.setPassword(SERVICE, account, 'short-lived')
          expect(await reader.lookup(query(account))).to.deep.equal(found('short-lived'))
          expect(await keytar.deletePassword(SERVICE, account)).to.equal(true)
          expect(await reader.lookup(query(account))).to.deep.equal({state: 'missing'})
        })

        it('sees a value keytar overwrote', async () => {
          const account = `overwritten-${encrypted ? 'encrypted' : 'plain'}`
          await keytar.setPassword(SERVICE, account, 'first')
          expect(await reader.lookup(query(account))).to.deep.equal(found('first'))
          await keytar.setPassword(SERVICE, account, 'second')
          expect(await reader.lookup(query(account))).to.deep.equal(found('second'))
        })
      })
    }
  })

  describe('without a reachable bus', () => {
    let dir: string

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'terrace-reader-'))
    })

    afterEach(() => {
      rmSync(dir, {force: true, recursive: true})
    })

    for (const encrypted of [false, true]) {
      it(`rejects long before its timeout when DBUS_SESSION_BUS_ADDRESS points at a nonexistent socket (encrypted: ${encrypted})`, async () => {
        const env = {DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'nonexistent')}`}
        // a missing socket fails at connect, not at the timeout, whatever the machine's load
        const timeoutMs = 20_000
        const started = Date.now()
        const caught = await rejection(SecretServiceReader.connect(env, {encrypted, timeoutMs}))
        expect(Date.now() - started).to.be.lessThan(timeoutMs / 4)
        expect(caught).to.be.instanceOf(Error)
        expect((caught as NodeJS.ErrnoException).code).to.equal('ENOENT')
      })
    }

    it('rejects when there is no session bus address at all', async () => {
      let caught: unknown
      try {
        await SecretServiceReader.connect({XDG_RUNTIME_DIR: dir}, {encrypted: false, timeoutMs: 5000})
      } catch (error) {
        caught = error
      }

      expect((caught as Error).message).to.match(/no D-Bus session bus/)
    })
  })
})
