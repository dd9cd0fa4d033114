import {expect} from 'chai'

import {paramsToRef, refToParams, type ServedRef} from '../../src/agent/role-ref-params.js'

describe('agent/role-ref-params: a role ref as the params of a credentials request', () => {
  const refs: ServedRef[] = [
    {
      account: 'apps-devstg',
      accountId: '555555555555',
      kind: 'sso',
      role: 'DevOps',
      source: '/p/apps-devstg/config/account.tfvars',
      ssoRegion: 'us-east-1',
      startUrl: 'https://bb.awsapps.com/start',
    },
    {
      account: null,
      accountId: '222222222222',
      kind: 'iam',
      project: 'bb',
      role: 'DevOps',
      source: null,
      userType: 'security',
    },
    {account: null, accountId: '333333333333', chain: 'deploy', kind: 'chain', role: 'Deployer', source: '--chain'},
    {kind: 'session', session: 's-3f2a'},
    {kind: 'profile', profile: 'bb-apps-devstg-devops'},
  ]
  for (const ref of refs) {
    it(`${ref.kind}: the params give back the same ref (null fields left out)`, () => {
      const params = refToParams(ref)
      expect(Object.values(params).every((v) => v !== null)).to.equal(true)
      expect(paramsToRef(params)).to.deep.equal({ref})
    })
  }

  it('a workspace session is named by its id only: its links and names stay off the wire', () => {
    const params = refToParams({
      account: 'dev',
      accountId: '111111111111',
      kind: 'session',
      links: [
        {
          accountId: '111111111111',
          accountName: 'dev',
          id: 's-3f2a',
          kind: 'sso',
          role: 'Admin',
          ssoRegion: 'us-east-1',
          startUrl: 'https://x.awsapps.com/start',
        },
      ],
      name: 'admin',
      role: 'Admin',
      session: 's-3f2a',
      source: 'session admin',
    })
    expect(params).to.deep.equal({kind: 'session', session: 's-3f2a'})
  })

  const bad: Array<[string, Record<string, string>, string]> = [
    ['no kind', {accountId: '1'}, 'needs a kind'],
    ['an unknown kind', {kind: 'vault-key'}, 'needs a kind'],
    ['a missing field', {accountId: '5', kind: 'sso', role: 'R', ssoRegion: 'us-east-1'}, 'needs startUrl'],
    ['a session without its id', {kind: 'session', name: 'admin'}, 'needs session'],
    ['an unknown IAM user', {accountId: '5', kind: 'iam', project: 'p', role: 'R', userType: 'root'}, 'IAM user type'],
  ]
  for (const [name, params, message] of bad) {
    it(`${name}: an error, no ref`, () => {
      const parsed = paramsToRef(params)
      expect('error' in parsed && parsed.error).to.contain(message)
    })
  }
})
