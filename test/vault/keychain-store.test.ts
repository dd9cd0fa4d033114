import {expect} from 'chai'

import {ExitCode, formatError, TerraceError, VaultError} from '../../src/lib/errors.js'
import {probeKeychain} from '../../src/vault/keychain-probe.js'
import {KeychainStore, type KeytarApi, loadKeytar} from '../../src/vault/keychain-store.js'
import {rejection} from '../helpers/errors.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {describeStoreContract} from './helpers/store-contract.js'

/** A service of its own, so these tests never see (or wipe) real terrace entries. */
const SERVICE = `terrace-test-${process.pid}`

async function wipe(keytar: KeytarApi): Promise<void> {
  for (const {account} of await keytar.findCredentials(SERVICE)) await keytar.deletePassword(SERVICE, account)
}

function failing(message: string): KeytarApi {
  const fail = async () => {
    throw new Error(message)
  }

  return {deletePassword: fail, findCredentials: fail, getPassword: fail, setPassword: fail}
}

describe('vault/keychain-store', () => {
  describe('against the real OS keychain', () => {
    let keytar: KeytarApi

    before(async function () {
      const probe = await probeKeychain({keychainService: SERVICE, probeTimeoutMs: 5000})
      requireOrSkip(
        this,
        !('reason' in probe),
        `no usable Secret Service (${'reason' in probe ? probe.reason : ''}); run under scripts/with-keyring.sh`,
      )

      keytar = await loadKeytar()
      await wipe(keytar)
    })

    after(async () => {
      if (keytar) await wipe(keytar)
    })

    describeStoreContract('KeychainStore (Secret Service)', () => ({
      async open() {
        await wipe(keytar)
        return new KeychainStore(keytar, {service: SERVICE})
      },
      async reopen() {
        return new KeychainStore(await loadKeytar(), {service: SERVICE})
      },
    }))

    it('keeps entries under its own service name only', async () => {
      const store = new KeychainStore(keytar, {service: SERVICE})
      await store.set('sso-token:https://x', 'v')
      expect(await keytar.getPassword(SERVICE, 'sso-token:https://x')).to.equal('v')
      expect(await new KeychainStore(keytar, {service: `${SERVICE}-other`}).list()).to.deep.equal([])
    })
  })

  describe('with a failing keytar', () => {
    it('turns a D-Bus failure into exit 8 naming both fixes', async () => {
      const store = new KeychainStore(failing('Cannot autolaunch D-Bus without X11 $DISPLAY'), {service: SERVICE})
      for (const op of [() => store.get('a'), () => store.set('a', 'b'), () => store.delete('a'), () => store.list()]) {
        let caught: unknown
        try {
          await op()
        } catch (error) {
          caught = error
        }

        expect(caught).to.be.instanceOf(VaultError)
        expect((caught as TerraceError).exitCode).to.equal(ExitCode.VaultUnavailable)
        const text = formatError(caught)
        expect(text).to.include('Cannot autolaunch D-Bus')
        expect(text).to.include('Secret Service').and.include('TERRACE_VAULT=file')
      }
    })

    it('never puts the secret in the error', async () => {
      const store = new KeychainStore(failing('boom'), {service: SERVICE})
      const error = await rejection(store.set('acct', 'the-secret-value'))
      expect(error).to.be.instanceOf(VaultError)
      expect(formatError(error, true)).to.include('boom')
      expect(formatError(error, true)).not.to.include('the-secret-value')
    })
  })

  it('describes itself by platform', () => {
    const store = new KeychainStore({} as KeytarApi)
    expect(store.kind).to.equal('keychain')
    expect(store.description).to.match(/^OS keychain \(/)
  })
})
