import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Project} from '../../../src/layers/project.js'

import {addChain, chainFromFlags, formatChain, listChains, removeChain} from '../../../src/auth/chains/chain-add.js'
import {chainProject} from '../../../src/layers/chain-bindings.js'
import {DEFAULT_SETTINGS} from '../../../src/layers/settings.js'
import {TerraceError} from '../../../src/lib/errors.js'

const PROJECT = chainProject({
  accounts: {
    'apps-devstg': {dir: null, id: '555555555555', region: null, ssoRole: 'DevOps'},
    management: {dir: null, id: '111111111111', region: null, ssoRole: 'Administrator'},
    nameless: {dir: null, id: null, region: null, ssoRole: null},
  },
  common: {
    project: 'bb',
    projectLong: null,
    region: null,
    regionPrimary: 'us-east-1',
    regionSecondary: null,
    ssoEnabled: true,
    ssoRegion: 'us-east-1',
    ssoStartUrl: 'https://bb.awsapps.com/start',
  },
  commonFile: '/p/config/common.tfvars',
  root: '/p',
  settings: DEFAULT_SETTINGS,
  values: {},
  warnings: [],
} as Project)

const ARN = 'arn:aws:iam::333333333333:role/DevOps'
const flags = (patch: Partial<Parameters<typeof chainFromFlags>[0]> = {}) => ({
  mfa: false,
  name: 'ops',
  overwrite: false,
  roles: [ARN],
  source: 'security',
  ...patch,
})

async function exitOf(fn: () => unknown): Promise<number | undefined> {
  try {
    await fn()
  } catch (error) {
    return error instanceof TerraceError ? error.exitCode : -1
  }

  return undefined
}

describe('auth/chains: chain add/list/remove', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-chains-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('resolves the source against the project: IAM user → project name, SSO account → id and start URL', () => {
    expect(chainFromFlags(flags(), PROJECT).source).to.deep.equal({
      kind: 'iam-user',
      project: 'bb',
      userType: 'security',
    })
    expect(chainFromFlags(flags({source: 'sso:apps-devstg/DevOps'}), PROJECT).source).to.deep.equal({
      account: 'apps-devstg',
      accountId: '555555555555',
      kind: 'sso',
      role: 'DevOps',
      ssoRegion: 'us-east-1',
      startUrl: 'https://bb.awsapps.com/start',
    })
    const byId = chainFromFlags(flags({source: 'sso:111111111111/Administrator'}), PROJECT).source
    expect(byId).to.include({account: 'management', accountId: '111111111111'})
  })

  it('refuses: unknown or id-less account (4), malformed ARN (4), --mfa on SSO, bad name, no role (2)', async () => {
    expect(await exitOf(() => chainFromFlags(flags({source: 'sso:nowhere/DevOps'}), PROJECT))).to.equal(4)
    expect(await exitOf(() => chainFromFlags(flags({source: 'sso:nameless/DevOps'}), PROJECT))).to.equal(4)
    expect(await exitOf(() => chainFromFlags(flags({roles: [ARN, 'arn:aws:iam::1:role/x']}), PROJECT))).to.equal(4)
    expect(await exitOf(() => chainFromFlags(flags({mfa: true, source: 'sso:management/X'}), PROJECT))).to.equal(2)
    expect(await exitOf(() => chainFromFlags(flags({name: 'a b'}), PROJECT))).to.equal(2)
    expect(await exitOf(() => chainFromFlags(flags({roles: []}), PROJECT))).to.equal(2)
    expect(await exitOf(() => chainFromFlags(flags({sessionName: 'x'}), PROJECT))).to.equal(4)
  })

  it('stores chains in chains.json (0600, no secret), refuses a duplicate unless --overwrite, removes', async () => {
    await addChain(dir, flags({roles: [ARN, 'arn:aws:iam::555555555555:role/DevOps']}), PROJECT)
    const path = join(dir, 'chains.json')
    expect((statSync(path).mode % 0o1000).toString(8)).to.equal('600')
    expect(JSON.parse(readFileSync(path, 'utf8')).chains.ops.hops).to.have.length(2)
    expect(await exitOf(() => addChain(dir, flags(), PROJECT))).to.equal(4)
    await addChain(dir, flags({overwrite: true}), PROJECT)
    await addChain(dir, flags({mfa: true, name: 'b', sessionName: 'me'}), PROJECT)
    const listed = await listChains(dir)
    expect(listed.map((c) => [c.name, c.hops.length, c.finalRole.roleArn, c.sessionName])).to.deep.equal([
      ['b', 1, ARN, 'me'],
      ['ops', 1, ARN, 'terrace-ops'],
    ])
    expect(formatChain(listed[0])).to.deep.equal([
      'b: IAM user security of project bb, MFA code on hop 1 (session me)',
      `  [1/1] ${ARN}`,
    ])
    await removeChain(dir, 'ops')
    expect((await listChains(dir)).map((c) => c.name)).to.deep.equal(['b'])
    expect(await exitOf(() => removeChain(dir, 'ops'))).to.equal(4)
  })
})
