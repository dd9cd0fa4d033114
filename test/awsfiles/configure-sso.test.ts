import {expect} from 'chai'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {hostname, tmpdir} from 'node:os'
import {join} from 'node:path'

import type {ManagedProfile} from '../../src/auth/credentials/profile-registry.js'
import type {ProfileBinding, SsoRoleRef} from '../../src/lib/role-refs.js'

import {
  planProfiles,
  reconcileManagedProfiles,
  sanitizeName,
  skippedProfilesError,
  writeSsoProfiles,
} from '../../src/awsfiles/configure-sso.js'
import {credentialProcessLine, quoteArg} from '../../src/awsfiles/credential-process-line.js'

const SSO = {ssoRegion: 'us-east-1', startUrl: 'https://bb.awsapps.com/start'}
const NAMING = {
  accounts: {'apps-devstg': {id: '555555555555', region: 'us-east-2'}, management: {id: '111111111111', region: null}},
  defaultRegion: 'us-east-1',
  project: 'bb',
  ...SSO,
}
const binding = (account: string, accountId: string, role: string): ProfileBinding<SsoRoleRef> => ({
  name: `bb-${account}-${role.toLowerCase()}`,
  ref: {account, accountId, kind: 'sso', role, source: `${account}/config/account.tfvars`, ...SSO},
})
const BINDINGS = [
  binding('apps-devstg', '555555555555', 'DevOps'),
  binding('management', '111111111111', 'Administrator'),
]

describe('awsfiles: aws configure sso', () => {
  it('quotes node and entry paths so shlex and sh read them alike', () => {
    expect(quoteArg('/usr/bin/node')).to.equal('"/usr/bin/node"')
    expect(quoteArg('/opt/my tools/run.js')).to.equal('"/opt/my tools/run.js"')
    expect(quoteArg("/opt/it's $HOME/run.js")).to.equal(String.raw`'/opt/it'\''s $HOME/run.js'`)
    expect(quoteArg('bb-apps-devstg-devops')).to.equal('bb-apps-devstg-devops')
    expect(credentialProcessLine({entry: '/a b/bin/run.js', node: '/usr/bin/node', profile: 'bb-x-devops'})).to.equal(
      '"/usr/bin/node" "/a b/bin/run.js" credential-process --profile bb-x-devops',
    )
  })

  it('sanitizes SSO account names', () => {
    for (const [input, expected] of [
      ['My Account (Prod)', 'my-account-prod'],
      ['generated-0001', 'generated-0001'],
      ['  ', ''],
      ['a__b..c', 'a__b..c'],
    ])
      expect(sanitizeName(input)).to.equal(expected)
  })

  it('plans the project bindings with their regions, then reachable roles named after project or SSO accounts', () => {
    const planned = planProfiles(NAMING, BINDINGS, [
      {accountId: '555555555555', accountName: 'whatever', roleName: 'DevOps'}, // already a binding
      {accountId: '555555555555', accountName: 'whatever', roleName: 'ReadOnly'},
      {accountId: '900000000001', accountName: 'Generated 0001', roleName: 'DevOps'},
      {accountId: '900000000002', accountName: 'generated 0001', roleName: 'DevOps'}, // same sanitized name
      {accountId: '900000000003', accountName: null, roleName: 'Admin'},
    ])
    expect(planned.map((p) => [p.name, p.ref.accountId, p.ref.role, p.region])).to.deep.equal([
      ['bb-apps-devstg-devops', '555555555555', 'DevOps', 'us-east-2'],
      ['bb-management-administrator', '111111111111', 'Administrator', 'us-east-1'],
      ['bb-apps-devstg-readonly', '555555555555', 'ReadOnly', 'us-east-2'],
      ['bb-generated-0001-devops', '900000000001', 'DevOps', 'us-east-1'],
      ['bb-generated-0001-900000000002-devops', '900000000002', 'DevOps', 'us-east-1'],
      ['bb-900000000003-admin', '900000000003', 'Admin', 'us-east-1'],
    ])
    expect(planned[3].ref).to.deep.include({account: null, source: null, ...SSO})
    expect(planned[2].ref.account).to.equal('apps-devstg')
  })

  it('skips portal roles whose names could break the file, warning with the name escaped', () => {
    const warnings: string[] = []
    const planned = planProfiles(
      NAMING,
      BINDINGS,
      [
        {accountId: '900000000001', accountName: 'ok', roleName: 'Evil]\n[profile pwn'},
        {accountId: '900000000001', accountName: 'ok', roleName: 'x\ncredential_process = /bin/sh -c id'},
        {accountId: '900000000001', accountName: 'ok', roleName: 'Admin+Ops'}, // a valid IAM name, not a safe profile
        {accountId: '9000]\n[x', accountName: 'ok', roleName: 'DevOps'},
        {accountId: '900000000001', accountName: 'Evil]\n[profile pwn', roleName: 'DevOps'}, // account names are sanitized
      ],
      (message) => warnings.push(message),
    )
    expect(planned.map((p) => p.name)).to.deep.equal([
      'bb-apps-devstg-devops',
      'bb-management-administrator',
      'bb-evil-profile-pwn-devops',
    ])
    expect(warnings).to.have.length(4)
    expect(warnings.filter((w) => w.includes(String.raw`"Evil]\n[profile pwn"`))).to.have.length(1)
    for (const warning of warnings) expect(warning).to.not.include('\n')
  })

  describe('writing and forgetting', () => {
    let dir: string
    let registry: Record<string, ManagedProfile>
    const deps = () => ({
      configFile: join(dir, 'config'),
      credentialsFile: join(dir, 'credentials'),
      entry: '/opt/terrace/bin/run.js',
      node: '/usr/bin/node',
      projectRoot: '/work/bb',
      readRegistry: async () => registry,
      async updateRegistry(change: {remove?: string[]; set?: Record<string, ManagedProfile>}) {
        registry = {...registry, ...change.set}
        for (const name of change.remove ?? []) delete registry[name]
      },
    })

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'terrace-configure-'))
      registry = {}
    })

    afterEach(() => rmSync(dir, {force: true, recursive: true}))

    it('writes profiles, records them, reports written then unchanged', async () => {
      writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n')
      const planned = planProfiles(NAMING, BINDINGS)
      const first = await writeSsoProfiles(planned, deps())
      expect(first.profiles.map((p) => p.status)).to.deep.equal(['written', 'written'])
      const text = readFileSync(join(dir, 'config'), 'utf8')
      expect(text).to.include(
        '[profile bb-apps-devstg-devops]\ncredential_process = "/usr/bin/node" "/opt/terrace/bin/run.js" credential-process --profile bb-apps-devstg-devops\nregion = us-east-2\n',
      )
      expect(registry['bb-apps-devstg-devops']).to.deep.equal({
        configFile: join(dir, 'config'),
        projectRoot: '/work/bb',
        ref: BINDINGS[0].ref,
        region: 'us-east-2',
      })
      const second = await writeSsoProfiles(planned, deps())
      expect(second.profiles.map((p) => p.status)).to.deep.equal(['unchanged', 'unchanged'])
      expect(readFileSync(join(dir, 'config'), 'utf8')).to.equal(text)
    })

    it('never writes a section header or line break from a hostile name (the renderer refuses it too)', async () => {
      const evil = {name: 'bb-x-evil]\n[profile pwn', ref: BINDINGS[0].ref, region: 'us-east-1'}
      const error = await writeSsoProfiles([evil], deps()).catch((error_: Error) => error_)
      expect(error).to.have.property('exitCode', 4)
      const badRegion = {name: 'bb-x', ref: BINDINGS[0].ref, region: 'us-east-1\ncredential_process = /bin/sh'}
      const error2 = await writeSsoProfiles([badRegion], deps()).catch((error_: Error) => error_)
      expect(error2).to.have.property('exitCode', 4)
      expect(() => readFileSync(join(dir, 'config'), 'utf8')).to.throw(/ENOENT/)
      expect(registry).to.deep.equal({})
    })

    it('a clash skips that profile only: the others are written and recorded, the skipped one named', async () => {
      writeFileSync(join(dir, 'config'), '[profile bb-management-administrator]\nregion = x\n')
      const result = await writeSsoProfiles(planProfiles(NAMING, BINDINGS), deps())
      expect(result.profiles.map((p) => [p.name, p.status, p.clash])).to.deep.equal([
        ['bb-apps-devstg-devops', 'written', undefined],
        ['bb-management-administrator', 'skipped', `${join(dir, 'config')}:1`],
      ])
      expect(Object.keys(registry)).to.deep.equal(['bb-apps-devstg-devops'])
      const text = readFileSync(join(dir, 'config'), 'utf8')
      expect(text.startsWith('[profile bb-management-administrator]\nregion = x\n')).to.equal(true)
      expect(text.match(/bb-management-administrator/g)).to.have.length(1)
      expect(text).to.include('[profile bb-apps-devstg-devops]')
      const error = skippedProfilesError(result.profiles)
      expect(error).to.have.property('exitCode', 4)
      expect(error?.message).to.include(`bb-management-administrator (${join(dir, 'config')}:1)`)
      expect(skippedProfilesError(result.profiles.filter((p) => p.status !== 'skipped'))).to.equal(undefined)
    })

    it('a section of the same name in the credentials file (which would shadow the profile) is a clash', async () => {
      writeFileSync(
        join(dir, 'credentials'),
        '[default]\naws_access_key_id = x\n\n[bb-management-administrator]\nx = y\n',
      )
      const result = await writeSsoProfiles(planProfiles(NAMING, BINDINGS), deps())
      expect(result.profiles.map((p) => [p.name, p.status])).to.deep.equal([
        ['bb-apps-devstg-devops', 'written'],
        ['bb-management-administrator', 'skipped'],
      ])
      expect(skippedProfilesError(result.profiles)?.message).to.include(
        `bb-management-administrator (${join(dir, 'credentials')}:4)`,
      )
      expect(readFileSync(join(dir, 'config'), 'utf8')).to.not.include('bb-management-administrator')
      expect(Object.keys(registry)).to.deep.equal(['bb-apps-devstg-devops'])
    })

    it('another project of the same name (another start URL) does not take over the profiles: exit 4 naming both', async () => {
      await writeSsoProfiles(planProfiles(NAMING, BINDINGS), deps())
      const before = readFileSync(join(dir, 'config'), 'utf8')
      const recorded = structuredClone(registry)
      const otherSso = {ssoRegion: 'us-east-1', startUrl: 'https://other-org.awsapps.com/start'}
      const other = BINDINGS.map((b) => ({...b, ref: {...b.ref, ...otherSso}}))
      const error = await writeSsoProfiles(planProfiles({...NAMING, ...otherSso}, other), {
        ...deps(),
        projectRoot: '/elsewhere/bb',
      }).catch((error_: Error) => error_)
      expect(error).to.have.property('exitCode', 4)
      expect((error as Error).message)
        .to.include(SSO.startUrl)
        .and.include(otherSso.startUrl)
        .and.include('/work/bb')
        .and.include('/elsewhere/bb')
      expect(readFileSync(join(dir, 'config'), 'utf8')).to.equal(before)
      expect(registry).to.deep.equal(recorded)
    })

    it("reconciles the block and the registry: drops what one has and the other lacks, and dead runs' leftovers", async () => {
      await writeSsoProfiles(planProfiles(NAMING, BINDINGS), deps())
      const configFile = join(dir, 'config')
      // a registry entry the config never got (killed between the two), an entry of another config file (kept),
      // a block profile the registry lost, and a dead process's temp file and lock beside the config
      registry['bb-unwritten'] = {configFile, ref: BINDINGS[0].ref, region: 'us-east-1'}
      registry['bb-other-file'] = {configFile: join(dir, 'other'), ref: BINDINGS[0].ref, region: 'us-east-1'}
      delete registry['bb-management-administrator']
      writeFileSync(join(dir, '.config.999999999.abcd.tmp'), 'half')
      writeFileSync(join(dir, 'config.terrace.lock'), JSON.stringify({host: hostname(), pid: 999_999_999, token: 't'}))
      writeFileSync(join(dir, 'config.terrace.lock.break'), JSON.stringify({host: hostname(), pid: 999_999_999}))
      writeFileSync(join(dir, 'config.mine.tmp'), 'not terrace') // not terrace's: kept
      const result = await reconcileManagedProfiles({
        configFile,
        readRegistry: async () => registry,
        registryFile: join(dir, 'profiles.json'),
        updateRegistry: deps().updateRegistry,
      })
      expect(result.removed).to.deep.equal(['bb-management-administrator', 'bb-unwritten'])
      expect(Object.keys(registry).sort()).to.deep.equal(['bb-apps-devstg-devops', 'bb-other-file'])
      expect(readFileSync(configFile, 'utf8'))
        .to.include('[profile bb-apps-devstg-devops]')
        .and.not.include('management')
      expect(readdirSync(dir).sort()).to.deep.equal(['config', 'config.mine.tmp'])
    })
  })
})
