import {expect} from 'chai'

import type {ChainRef, ProfileBinding} from '../../src/lib/role-refs.js'

import {chainProfileName, chainProject, chainRef, withAccountChains} from '../../src/layers/chain-bindings.js'
import {ExitCode} from '../../src/lib/errors.js'
import {exitCodeOf, project, SSO, ssoDevstg, ssoMgmt} from './binding-fixtures.js'

describe('layers/chain-bindings (pure)', () => {
  const definition = {
    hops: [
      {accountId: '333333333333', role: 'Hop'},
      {accountId: '555555555555', role: 'Deploy'},
    ],
  }

  it('chainRef: the final hop, its account named when the project knows the id', () => {
    expect(chainRef('ops', definition, {from: '/p/terrace.json', project: project()})).to.deep.equal({
      account: 'apps-devstg',
      accountId: '555555555555',
      chain: 'ops',
      kind: 'chain',
      role: 'Deploy',
      source: '/p/terrace.json',
    })
    expect(
      chainRef('ops', {hops: [{accountId: '999999999999', role: 'X'}]}, {from: '--chain', project: null}),
    ).to.deep.equal({
      account: null,
      accountId: '999999999999',
      chain: 'ops',
      kind: 'chain',
      role: 'X',
      source: '--chain',
    })
    expect(chainProfileName('ops')).to.equal('terrace-chain-ops')
  })

  it("withAccountChains: a mapped account's profiles (and the default) get the chain; others and chain bindings stay", () => {
    const chain: ChainRef = chainRef('ops', definition, {from: '/p/terrace.json', project: project()})
    const chained: ProfileBinding = {name: 'terrace-chain-x', ref: {...chain, account: 'apps-devstg', chain: 'x'}}
    expect(withAccountChains([ssoDevstg, ssoMgmt, chained], ssoDevstg, {'apps-devstg': chain})).to.deep.equal({
      bindings: [{name: 'bb-apps-devstg-devops', ref: chain}, ssoMgmt, chained],
      defaultBinding: {name: 'bb-apps-devstg-devops', ref: chain},
    })
  })

  it('chainProject: account ids by name; the SSO portal only when asked (ConfigError, exit 4, when missing)', () => {
    const view = chainProject(project({common: {ssoStartUrl: null}}))
    expect(view.name).to.equal('bb')
    expect(view.accountIds).to.deep.equal({
      'apps-devstg': '555555555555',
      management: '111111111111',
      nameless: null,
      security: '222222222222',
    })
    expect(exitCodeOf(() => view.sso())).to.equal(ExitCode.Config)
    expect(chainProject(project()).sso()).to.deep.equal(SSO)
  })
})
