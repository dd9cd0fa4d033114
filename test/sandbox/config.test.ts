import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  loadSandboxConfigFile,
  normaliseConfig,
  SandboxConfigError,
  sandboxConfigFromFile,
} from '../../src/sandbox/index.js'
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

  it('generates {count, rolesPerAccount, firstIndex} accounts with roles Role1…RoleN', () => {
    const config = normaliseConfig({accounts: {}, generateAccounts: {count: 100, firstIndex: 11, rolesPerAccount: 3}})
    expect(config.accounts).to.have.length(100)
    expect(config.accounts[0]).to.deep.include({id: '900000000011', name: 'generated-0011'})
    expect(config.accounts.at(-1)).to.deep.include({id: '900000000110', ssoRoles: ['Role1', 'Role2', 'Role3']})
    const plain = normaliseConfig({accounts: {}, defaultSsoRoles: ['X'], generateAccounts: {count: 2}})
    expect(plain.accounts.map((a) => [a.id, a.ssoRoles])).to.deep.equal([
      ['900000000001', ['X']],
      ['900000000002', ['X']],
    ])
  })

  const invalid: Array<[string, unknown, string]> = [
    ['generated accounts without a count', {generateAccounts: {rolesPerAccount: 3}}, 'generateAccounts.count'],
    ['a negative roles per account', {generateAccounts: {count: 1, rolesPerAccount: -1}}, 'rolesPerAccount'],
    ['generated accounts as a word', {generateAccounts: 'many'}, 'generateAccounts'],
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

  describe('a configuration file (terrace sandbox --config)', () => {
    let dir: string
    const file = (name: string, content: unknown) => {
      const path = join(dir, name)
      writeFileSync(path, JSON.stringify(content))
      return path
    }

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'terrace-sandbox-config-'))
    })

    afterEach(() => rmSync(dir, {force: true, recursive: true}))

    const solo = {id: '123456789012'}
    const bad: Array<[string, unknown, string]> = [
      ['a misspelt top-level key', {acounts: {solo}}, 'acounts: unknown key'],
      [
        'a misspelt key deep inside',
        {accounts: {solo: {...solo, iamRoles: [{name: 'R'}, {nmae: 'X'}]}}},
        'accounts.solo.iamRoles[1].nmae: unknown key',
      ],
      [
        'a misspelt key in an IAM user',
        {iamUsers: [{account: 'security', mfaDevices: [{seed: 'JBSWY3DPEHPK3PXP'}], name: 'bob'}]},
        'iamUsers[0].mfaDevices[0].seed: unknown key',
      ],
      ['a misspelt sso setting', {sso: {rotateRefreshToken: false}}, 'sso.rotateRefreshToken: unknown key'],
      ['a number as a string', {sso: {pollInterval: '1'}}, 'sso.pollInterval: must be an integer, not string'],
      ['an object where a list belongs', {iamUsers: {name: 'bob'}}, 'iamUsers: must be a list, not an object'],
      ['a list where an object belongs', {accounts: [solo]}, 'accounts: must be an object, not a list'],
      ['a number in a list of names', {defaultSsoRoles: ['DevOps', 1]}, 'defaultSsoRoles[1]: must be a string'],
      ['a fault rate as a word', {faults: {rate: 'high'}}, 'faults.rate: must be a number, not string'],
      [
        'a misspelt rate limit',
        {rateLimit: {portal: {brust: 2, requestsPerSecond: 5}}},
        'rateLimit.portal.brust: unknown key',
      ],
      ['an account without its id', {accounts: {solo: {email: 'a@b.c'}}}, 'accounts.solo.id: is required'],
      ['a value out of range', {accounts: {solo: {id: '12'}}}, 'accounts.solo.id must be a 12-digit account id'],
    ]
    for (const [what, content, message] of bad)
      it(`refuses ${what}, naming the file and the key`, () => {
        const path = file('bad.json', content)
        expect(() => sandboxConfigFromFile(path))
          .to.throw(SandboxConfigError)
          .with.property('message')
          .that.contains(`${path}: ${message}`)
      })

    it('without a file: the template', () => {
      expect(sandboxConfigFromFile()).to.deep.equal(templateConfig())
    })

    it('a partial file is merged over the default world', () => {
      const approve = normaliseConfig(sandboxConfigFromFile(file('a.json', {autoApprove: true})))
      expect(approve.settings.autoApprove).to.equal(true)
      expect(approve.accounts).to.deep.equal(normaliseConfig(templateConfig()).accounts)
      expect(approve.iamUsers.map((user) => user.name)).to.deep.equal(['alice'])

      const sso = normaliseConfig(sandboxConfigFromFile(file('s.json', {sso: {rotateRefreshTokens: false}})))
      expect(sso.rotateRefreshTokens).to.equal(false)
      expect(sso.ssoUser).to.equal('alice')
      expect(sso.lifetimes).to.deep.equal(normaliseConfig(templateConfig()).lifetimes)
      expect(sso.settings.portalRateLimit).to.deep.equal({burst: 20, requestsPerSecond: 20})
      expect(sso.accounts).to.have.length(6)

      const world = normaliseConfig(sandboxConfigFromFile(file('w.json', {accounts: {solo}, sso: {user: 'bob'}})))
      expect(world.accounts.map((account) => account.name)).to.deep.equal(['solo'])
      expect(world.iamUsers, "the template's alice lives in an account this world lacks").to.deep.equal([])
      expect(world.ssoUser).to.equal('bob')
      expect(world.lifetimes.accessToken).to.equal(28_800)
    })
  })
})
