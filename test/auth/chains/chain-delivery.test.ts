import {expect} from 'chai'

import type {ChainRef, ProfileBinding} from '../../../src/lib/role-refs.js'

import {guardedCodes} from '../../../src/auth/iam/mfa-code.js'
import {withAccountChains} from '../../../src/layers/chain-bindings.js'
import {MfaError} from '../../../src/lib/errors.js'
import {planDelivery} from '../../../src/runner/credentials/plan.js'

const CHAIN: ChainRef = {
  account: 'apps-devstg',
  accountId: '555555555555',
  chain: 'x',
  kind: 'chain',
  role: 'DevOps',
  source: 'terrace.json',
}
const sso = (name: string, account: string): ProfileBinding => ({
  name,
  ref: {
    account,
    accountId: '1',
    kind: 'sso',
    role: 'DevOps',
    source: null,
    ssoRegion: 'us-east-1',
    startUrl: 'https://x.awsapps.com/start',
  },
})

describe('auth/chains: delivery plan and MFA guard', () => {
  it("terrace.json chains: the mapped account's profiles (and the default) get the chain, others keep theirs", () => {
    const own = sso('bb-apps-devstg-devops', 'apps-devstg')
    const shared = sso('bb-shared-devops', 'shared')
    const out = withAccountChains([own, shared], own, {'apps-devstg': CHAIN})
    expect(out.bindings).to.deep.equal([{name: 'bb-apps-devstg-devops', ref: CHAIN}, shared])
    expect(out.defaultBinding).to.deep.equal({name: 'bb-apps-devstg-devops', ref: CHAIN})
    expect(withAccountChains([shared], null, {})).to.deep.equal({bindings: [shared], defaultBinding: null})
  })

  it('--chain outside a project: the chain is the only profile and the default', () => {
    const binding = {name: 'terrace-chain-x', ref: {...CHAIN, source: '--chain'}}
    const plan = planDelivery({
      chain: binding,
      context: null,
      mode: 'endpoint',
      profile: null,
      project: null,
      registry: {},
    })
    expect(plan).to.deep.equal({bindings: [binding], defaultBinding: binding, mode: 'endpoint', region: null})
  })

  it('no MFA prompt while a child owns the terminal: MfaError (exit 7) with the advice', async () => {
    let running = false
    const asked: string[] = []
    const codes = guardedCodes(
      {
        async code(serial) {
          asked.push(serial)
          return '123456'
        },
      },
      () => running,
    )
    expect(await codes.code('serial', 1)).to.equal('123456')
    running = true
    const error = await codes.code('serial', 1).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(MfaError)
    expect((error as Error).message).to.include('expired while the command was running')
    expect(asked).to.deep.equal(['serial'])
  })
})
