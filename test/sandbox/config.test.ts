import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadSandboxConfigFile, normaliseConfig, SandboxConfigError} from '../../src/sandbox/index.js'
import {templateConfig} from '../helpers/sandbox.js'

describe('sandbox configuration', () => {
  it('the template describes the demo world', () => {
    const config = normaliseConfig(templateConfig())
    expect(config.ssoUser).to.equal('alice')
    expect(config.accounts.map((account) => `${account.name}=${account.id}`)).to.deep.equal([
      'management=111111111111',
      'security=222222222222',
      'shared=333333333333',
      'network=444444444444',
      'apps-devstg=555555555555',
      'apps-prd=666666666666',
    ])
    for (const account of config.accounts) {
      expect(account.ssoRoles).to.include.members(['DevOps', 'Administrator'])
      expect(account.ssoRoles.includes('ReadOnly')).to.equal(account.name === 'apps-prd')
      expect(account.iamRoles.map((role) => role.name)).to.include.members(['DevOps', 'Administrator'])
    }

    expect(config.iamUsers).to.have.length(1)
    expect(config.iamUsers[0]).to.deep.include({accountId: '222222222222', name: 'alice'})
    expect(config.iamUsers[0].mfaDevices).to.have.length(1)
    expect(config.settings.autoApprove).to.equal(false)
    expect(config.settings.rejectReusedTotp).to.equal(false)
  })

  it('fills defaults for an empty configuration', () => {
    const config = normaliseConfig({})
    expect(config.accounts).to.deep.equal([])
    expect(config.lifetimes).to.deep.equal({
      accessToken: 28_800,
      clientRegistration: 7_776_000,
      deviceCode: 600,
      refreshToken: 7_776_000,
      roleCredentials: 3600,
    })
    expect(config.settings.faults.rate).to.equal(0)
    expect(config.settings.portalRateLimit).to.equal(null)
    expect(config.rotateRefreshTokens).to.equal(true)
    expect(normaliseConfig({sso: {rotateRefreshTokens: false}}).rotateRefreshTokens).to.equal(false)
  })

  it('generates accounts with distinct 12-digit ids', () => {
    const config = normaliseConfig({accounts: {one: {id: '123456789012'}}, generateAccounts: 250})
    expect(config.accounts).to.have.length(251)
    expect(new Set(config.accounts.map((account) => account.id)).size).to.equal(251)
    expect(config.accounts.every((account) => /^\d{12}$/.test(account.id))).to.equal(true)
  })

  const invalid: Array<[string, unknown, string]> = [
    ['a short account id', {accounts: {a: {id: '123'}}}, 'accounts.a.id'],
    ['a duplicate account id', {accounts: {a: {id: '123456789012'}, b: {id: '123456789012'}}}, 'used twice'],
    ['a user in an unknown account', {iamUsers: [{account: 'nope', name: 'bob'}]}, 'not a configured account'],
    [
      'a malformed access key id',
      {
        accounts: {a: {id: '123456789012'}},
        iamUsers: [{accessKeys: [{accessKeyId: 'X', secretAccessKey: 'y'.repeat(40)}], account: 'a', name: 'bob'}],
      },
      'accessKeyId',
    ],
    [
      'a non-base32 MFA secret',
      {
        accounts: {a: {id: '123456789012'}},
        iamUsers: [{account: 'a', mfaDevices: [{name: 'bob', secret: 'not base32!'}], name: 'bob'}],
      },
      'base32',
    ],
    ['a fault rate above 1', {faults: {rate: 1.5}}, 'faults.rate'],
    ['a rotateRefreshTokens that is not a boolean', {sso: {rotateRefreshTokens: 'no'}}, 'sso.rotateRefreshTokens'],
    ['an unknown fault kind', {faults: {kinds: ['explode']}}, 'unknown fault kind'],
    ['a zero rate limit', {rateLimit: {portal: {requestsPerSecond: 0}}}, 'requestsPerSecond'],
    [
      'a role max session above 12 h',
      {defaultIamRoles: [{maxSessionDuration: 50_000, name: 'R'}]},
      'maxSessionDuration',
    ],
  ]
  for (const [what, input, message] of invalid)
    it(`refuses ${what}`, () => {
      expect(() => normaliseConfig(input as never))
        .to.throw(SandboxConfigError)
        .with.property('message')
        .that.contains(message)
    })

  it('loads a JSON file and says which file is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrace-sandbox-config-'))
    try {
      writeFileSync(join(dir, 'ok.json'), JSON.stringify({generateAccounts: 3}))
      expect(loadSandboxConfigFile(join(dir, 'ok.json'))).to.deep.equal({generateAccounts: 3})
      writeFileSync(join(dir, 'bad.json'), '{"accounts": ')
      expect(() => loadSandboxConfigFile(join(dir, 'bad.json'))).to.throw(
        SandboxConfigError,
        'bad.json is not valid JSON',
      )
      expect(() => loadSandboxConfigFile(join(dir, 'missing.json'))).to.throw(SandboxConfigError, 'cannot read')
    } finally {
      rmSync(dir, {force: true, recursive: true})
    }
  })
})
