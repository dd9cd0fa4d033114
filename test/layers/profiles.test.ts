/* eslint-disable camelcase -- tfvars keys are snake_case */
/* eslint-disable no-template-curly-in-string -- HCL interpolations are data here */
import {expect} from 'chai'

import {extractAccountIds, normaliseAccountId} from '../../src/layers/accounts.js'
import {type AccountRoles, mapProfile, profileExpressions, substitute} from '../../src/layers/profiles.js'

const accounts: AccountRoles = {
  apps: {id: '777777777777', ssoRole: 'DevOps'},
  'apps-devstg': {id: '555555555555', ssoRole: 'DevOps'},
  'apps-devstg-eu': {id: '888888888888', ssoRole: 'Reader'},
  'apps-prd': {id: '666666666666', ssoRole: 'DevOps'},
  management: {id: '111111111111', ssoRole: 'Administrator'},
  noid: {id: null, ssoRole: 'DevOps'},
  norole: {id: '999999999999', ssoRole: null},
  shared: {id: '333333333333', ssoRole: 'DevOps'},
}

describe('profiles and accounts', () => {
  describe('profile mapping', () => {
    const table: Array<[string, null | string, null | string, null | string, RegExp | undefined]> = [
      // name, account, accountId, role, warning
      ['bb-apps-devstg-devops', 'apps-devstg', '555555555555', 'DevOps', undefined],
      ['bb-apps-devstg-eu-reader', 'apps-devstg-eu', '888888888888', 'Reader', undefined],
      ['bb-apps-prd-devops', 'apps-prd', '666666666666', 'DevOps', undefined],
      ['bb-apps-devops', 'apps', '777777777777', 'DevOps', undefined],
      ['bb-management-administrator', 'management', '111111111111', 'Administrator', undefined],
      ['bb-shared', 'shared', '333333333333', 'DevOps', undefined],
      [
        'bb-shared-oaar',
        'shared',
        '333333333333',
        'DevOps',
        /names role "oaar" but account shared's sso_role is DevOps/,
      ],
      ['bb-noid-devops', 'noid', null, 'DevOps', /account noid has no id/],
      ['bb-norole-devops', 'norole', '999999999999', null, /has no sso_role/],
      ['bb-legacy-devops', null, null, null, /names no known account of project bb/],
      ['bb-appsx-devops', null, null, null, /names no known account/],
      ['other-shared-devops', null, null, null, /does not start with the project name \(bb-\)/],
    ]
    for (const [name, account, accountId, role, warning] of table) {
      it(`${name} -> ${account ?? 'unknown'}`, () => {
        const mapped = mapProfile(name, 'bb', accounts)
        expect(mapped.profile).to.deep.equal({account, accountId, name, role})
        if (warning) expect(mapped.warnings.join('\n')).to.match(warning)
        else expect(mapped.warnings).to.deep.equal([])
      })
    }

    it('a project name with a hyphen is matched as a whole', () => {
      expect(mapProfile('my-proj-shared-devops', 'my-proj', accounts).profile.account).to.equal('shared')
    })
  })

  describe('profile expressions', () => {
    const vars = {environment: 'dev', profile: 'bb-apps-devstg-devops', project: 'bb', region: 'us-east-1'}
    const table: Array<[string, null | string]> = [
      ['bb-shared-devops', 'bb-shared-devops'],
      ['${var.profile}', 'bb-apps-devstg-devops'],
      ['${var.project}-shared-devops', 'bb-shared-devops'],
      ['${ var.project }-${var.environment}-devops', 'bb-dev-devops'],
      ['${local.p}', 'bb-network-devops'],
      ['${local.chain}', 'bb-network-devops'],
      ['${var.unknown}-x', null],
      ['${lookup(var.m, "k")}', null],
      ['${local.missing}', null],
    ]
    for (const [expression, expected] of table) {
      it(`${expression} -> ${expected}`, () => {
        expect(substitute(expression, vars, {chain: '${local.p}', p: '${var.project}-network-devops'})).to.equal(
          expected,
        )
      })
    }

    it('finds profiles in provider "aws", backend and terraform_remote_state blocks only', () => {
      const parsed = {
        data: [{terraform_remote_state: {vpc: [{backend: 's3', config: {profile: 'remote'}}]}}],
        provider: {aws: [{profile: 'one'}, {alias: 'x', profile: 'two'}], google: [{profile: 'not-aws'}]},
        resource: {aws_instance: {x: [{profile: 'not-a-provider'}]}},
        terraform: [{backend: {s3: [{profile: 'backend'}]}}],
      }
      expect(profileExpressions(parsed, 'f.tf').map((p) => p.expression)).to.deep.equal([
        'one',
        'two',
        'backend',
        'remote',
      ])
    })
  })

  describe('account ids', () => {
    it('reads all three layouts and pads numeric ids', () => {
      const {ids, warnings} = extractAccountIds({
        accounts: {a: {email: 'x', id: '111111111111'}, b: {id: 22_222_222_222}},
        organization: {
          accounts: {c: {id: '333333333333'}},
          organizational_units: {ou: {accounts: {d: {id: '444444444444'}, e: {id: 'nope'}}}},
        },
      })
      expect(ids).to.deep.equal({a: '111111111111', b: '022222222222', c: '333333333333', d: '444444444444', e: null})
      expect(warnings).to.deep.equal([
        'account e in organization.organizational_units.ou.accounts: id "nope" is not a 12-digit account id',
      ])
    })

    it('normalises ids', () => {
      expect(normaliseAccountId(' 123456789012 ')).to.equal('123456789012')
      expect(normaliseAccountId('1234')).to.equal(null)
      expect(normaliseAccountId(true)).to.equal(null)
    })
  })
})
