import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  buildEnvMfa,
  DEFAULT_SETTINGS,
  isMfaProject,
  loadProjectSettings,
  parseBuildEnv,
  parseSettings,
} from '../../src/layers/settings.js'

describe('layers/settings: terrace.json and build.env', () => {
  it('parses every key', () => {
    const s = parseSettings(
      JSON.stringify({
        $schema: './schemas/terrace.schema.json',
        binaries: {aws: '/usr/bin/aws', terraform: 'terraform-1.5'},
        chains: {'apps-prd': 'prod-admin'},
        iamUser: 'management',
        mfa: 'on',
        mfaSessionDurationSeconds: 3600,
        roles: {'apps-devstg': 'Administrator'},
      }),
      '/p/terrace.json',
    )
    expect(s).to.deep.include({
      binaries: {aws: '/usr/bin/aws', terraform: 'terraform-1.5'},
      chains: {'apps-prd': 'prod-admin'},
      file: '/p/terrace.json',
      iamUser: 'management',
      mfa: 'on',
      mfaSessionDurationSeconds: 3600,
      roles: {'apps-devstg': 'Administrator'},
    })
  })

  it('an empty object (and a BOM) gives the defaults', () => {
    expect(parseSettings('\uFEFF{}', '/p/terrace.json')).to.deep.equal({...DEFAULT_SETTINGS, file: '/p/terrace.json'})
  })

  const bad: Array<[string, string]> = [
    ['{"mfa": "yes"}', '"mfa"'],
    ['{"iamUser": "alice"}', '"iamUser"'],
    ['{"roles": {"apps": 3}}', '"roles.apps"'],
    ['{"roles": {"apps": "bad role"}}', '"roles.apps"'],
    ['{"roles": []}', '"roles"'],
    ['{"binaries": {"kubectl": "k"}}', '"binaries.kubectl"'],
    ['{"mfaSessionDurationSeconds": 60}', '"mfaSessionDurationSeconds"'],
    ['{"mfaSessionDurationSeconds": 1.5}', '"mfaSessionDurationSeconds"'],
    ['{"mfa_mode": "on"}', '"mfa_mode"'],
    ['[1]', 'must hold a JSON object'],
    ['{"mfa": ', 'not valid JSON'],
  ]
  for (const [text, named] of bad) {
    it(`${text} → exit 4 naming ${named}`, () => {
      let error: (Error & {exitCode?: number}) | undefined
      try {
        parseSettings(text, '/p/terrace.json')
      } catch (error_) {
        error = error_ as Error & {exitCode?: number}
      }

      expect(error?.exitCode).to.equal(4)
      expect(error?.message).to.include('/p/terrace.json').and.include(named)
    })
  }

  it('build.env: MFA_ENABLED with comments, export, quotes', () => {
    const vars = parseBuildEnv('# c\nPROJECT=bb\nexport MFA_ENABLED="True"  \r\nX=1 # note\n')
    expect(vars).to.deep.equal({MFA_ENABLED: 'True', PROJECT: 'bb', X: '1'})
    expect(buildEnvMfa(vars)).to.equal(true)
    expect(buildEnvMfa({MFA_ENABLED: 'false'})).to.equal(false)
    expect(buildEnvMfa({})).to.equal(null)
  })

  it('MFA project: mfa on/off win; auto follows sso_enabled = false or MFA_ENABLED=true', () => {
    const table: Array<[Partial<typeof DEFAULT_SETTINGS>, boolean | null, boolean]> = [
      [{mfa: 'on'}, true, true],
      [{mfa: 'off'}, false, false],
      [{}, false, true],
      [{}, true, false],
      [{}, null, false],
      [{buildEnvMfa: true}, true, true],
      [{buildEnvMfa: false}, null, false],
    ]
    for (const [over, ssoEnabled, expected] of table)
      expect(isMfaProject({...DEFAULT_SETTINGS, ...over}, {ssoEnabled}), JSON.stringify([over, ssoEnabled])).to.equal(
        expected,
      )
  })

  it('loads terrace.json and build.env from the root; both optional', async () => {
    const root = mkdtempSync(join(tmpdir(), 'terrace-settings-'))
    try {
      expect(await loadProjectSettings(root)).to.deep.equal(DEFAULT_SETTINGS)
      writeFileSync(join(root, 'terrace.json'), '{"iamUser": "bootstrap"}')
      writeFileSync(join(root, 'build.env'), 'MFA_ENABLED=true\n')
      const s = await loadProjectSettings(root)
      expect(s.iamUser).to.equal('bootstrap')
      expect(s.buildEnvMfa).to.equal(true)
      expect(s.file).to.equal(join(root, 'terrace.json'))
    } finally {
      rmSync(root, {force: true, recursive: true})
    }
  })
})
