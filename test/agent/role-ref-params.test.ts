import {expect} from 'chai'

import {paramsToRef, refToParams} from '../../src/agent/role-ref-params.js'
import {type RoleRef} from '../../src/lib/role-refs.js'

describe('agent/role-ref-params: a role ref as the params of a credentials request', () => {
  const refs: RoleRef[] = [
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
    {
      account: null,
      accountId: '444444444444',
      kind: 'session',
      links: [
        {id: 'u-1', kind: 'iam-user', mfaSerial: 'arn:aws:iam::222222222222:mfa/alice'},
        {
          externalId: null,
          id: 's-2',
          kind: 'assume',
          roleArn: 'arn:aws:iam::444444444444:role/Ops',
          roleSessionName: 'x-y',
        },
      ],
      name: 'ops',
      role: 'Ops',
      session: 's-2',
      source: 'session ops',
    },
    {
      account: null,
      accountId: '',
      kind: 'session',
      links: [{id: 'u-1', kind: 'iam-user', mfaSerial: null}],
      name: 'alice',
      role: '',
      session: 'u-1',
      source: 'session alice',
    },
  ]
  for (const ref of refs) {
    it(`${ref.kind}: the params give back the same ref (null fields left out)`, () => {
      const params = refToParams(ref)
      expect(Object.values(params).every((v) => v !== null)).to.equal(true)
      expect(paramsToRef(params)).to.deep.equal({ref})
    })
  }

  const bad: Array<[string, Record<string, string>, string]> = [
    ['no kind', {accountId: '1'}, 'needs a kind'],
    ['an unknown kind', {kind: 'vault-key'}, 'needs a kind'],
    ['a missing field', {accountId: '5', kind: 'sso', role: 'R', ssoRegion: 'us-east-1'}, 'needs startUrl'],
    ['an unknown IAM user', {accountId: '5', kind: 'iam', project: 'p', role: 'R', userType: 'root'}, 'IAM user type'],
    ['session links not JSON', {kind: 'session', links: '[', name: 'a', session: 's'}, 'JSON array'],
    ['a session link of no kind', {kind: 'session', links: '[{"id":"s"}]', name: 'a', session: 's'}, 'each with an id'],
  ]
  for (const [name, params, message] of bad) {
    it(`${name}: an error, no ref`, () => {
      const parsed = paramsToRef(params)
      expect('error' in parsed && parsed.error).to.contain(message)
    })
  }
})
