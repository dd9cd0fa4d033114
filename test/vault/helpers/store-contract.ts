/* eslint-disable mocha/no-exports -- a shared contract suite, imported by each adapter's test file */
import {expect} from 'chai'

import type {SecretStore} from '../../../src/vault/secret-store.js'

/**
 * The behaviour every SecretStore adapter must share. `open` gives a fresh, empty store (each test starts from
 * nothing); `reopen` gives a second store on the same data (a new process would see the same), defaulting to open's.
 */
export type StoreHarness = {
  open(): Promise<SecretStore>
  reopen?(): Promise<SecretStore>
}

const large = JSON.stringify({
  accessToken: 'a'.repeat(20_000),
  refreshToken: 'r'.repeat(20_000),
  text: 'ünïcødé '.repeat(1000),
})

const cases: Array<[string, string, string]> = [
  ['plain ascii', 'sso-token:https://example.awsapps.com/start', 'token-value'],
  [
    'unicode account and value',
    'role-credentials:123456789012/Dévops+ñ@https://例え.example/start',
    'pässwörd 🔑 密码',
  ],
  [
    'json value with quotes, newlines and backslashes',
    'sso-client:eu-west-1:https://x',
    '{"a":"b\\"c\\n","d":[1,2]}\n\t',
  ],
  ['a large value (about 48 KB)', 'large', large],
  ['an account that is an Object.prototype name', '__proto__', 'not a prototype'],
]

export function describeStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`SecretStore contract: ${name}`, () => {
    let store: SecretStore
    let h: StoreHarness

    beforeEach(async () => {
      h = harness()
      store = await h.open()
    })

    const reopen = () => (h.reopen ? h.reopen() : Promise.resolve(store))

    it('get of a missing entry is undefined, and list is empty', async () => {
      expect(await store.get('nope')).to.equal(undefined)
      expect(await store.list()).to.deep.equal([])
    })

    for (const [title, account, secret] of cases) {
      it(`round-trips ${title}`, async () => {
        await store.set(account, secret)
        expect(await store.get(account)).to.equal(secret)
        expect(await (await reopen()).get(account)).to.equal(secret)
      })
    }

    it('overwrites an entry', async () => {
      await store.set('k', 'one')
      await store.set('k', 'two')
      expect(await (await reopen()).get('k')).to.equal('two')
      expect(await store.list()).to.deep.equal(['k'])
    })

    it('delete says whether something was deleted', async () => {
      await store.set('k', 'v')
      expect(await store.delete('k')).to.equal(true)
      expect(await store.get('k')).to.equal(undefined)
      expect(await store.delete('k')).to.equal(false)
      expect(await (await reopen()).get('k')).to.equal(undefined)
    })

    it('lists accounts sorted, optionally by prefix', async () => {
      for (const account of ['sso-token:b', 'role-credentials:1/r@b', 'sso-token:a', 'sso-client:eu-west-1:a']) {
        await store.set(account, `secret of ${account}`)
      }

      expect(await store.list()).to.deep.equal([
        'role-credentials:1/r@b',
        'sso-client:eu-west-1:a',
        'sso-token:a',
        'sso-token:b',
      ])
      expect(await store.list('sso-token:')).to.deep.equal(['sso-token:a', 'sso-token:b'])
      expect(await (await reopen()).list('sso-')).to.deep.equal([
        'sso-client:eu-west-1:a',
        'sso-token:a',
        'sso-token:b',
      ])
      expect(await store.list('nothing-like-this')).to.deep.equal([])
    })

    it('keeps entries independent', async () => {
      await store.set('a', '1')
      await store.set('b', '2')
      await store.delete('a')
      expect(await store.get('b')).to.equal('2')
      expect(await store.list()).to.deep.equal(['b'])
    })
  })
}
