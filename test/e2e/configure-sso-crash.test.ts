/**
 * Issue 10: `aws configure sso` killed (SIGKILL, through TERRACE_TEST_DIE_AT) at each step of its write: the next
 * `logout` (or `configure sso`) leaves the AWS config's block and profiles.json agreeing, and no temp file, lock or
 * lock-break marker of the dead run behind.
 */
import {expect} from 'chai'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {blockProfileNames} from '../../src/awsfiles/managed-block.js'
import {assertBuilt, type CliResult, REPO, runCli} from '../helpers/cli.js'

const USER_CONFIG = '[default]\nregion = eu-west-1\n'
const PROFILES = 6
const DEATHS = [
  'config-file:temp-written:profiles.json',
  'configure-sso:registry-written',
  'aws-config:temp-written',
  'configure-sso:config-written',
]

describe('e2e: aws configure sso killed at each step', function () {
  this.timeout(120_000)
  let dir: string

  before(() => assertBuilt())

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-configure-crash-'))
    cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
    mkdirSync(join(dir, 'home', '.aws'), {recursive: true})
    writeFileSync(join(dir, 'home', '.aws', 'config'), USER_CONFIG)
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
    ...extra,
  })
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(args, {cwd: join(dir, 'project', 'apps-devstg'), env: env(extra)})
  const blockNames = () => blockProfileNames(readFileSync(join(dir, 'home', '.aws', 'config'), 'latin1')).sort()
  const registryNames = () => {
    const file = join(dir, 'terrace-home', 'config', 'profiles.json')
    return existsSync(file) ? Object.keys(JSON.parse(readFileSync(file, 'utf8')).profiles).sort() : []
  }

  const expectClean = () => {
    expect(blockNames(), 'the block and the registry agree').to.deep.equal(registryNames())
    expect(readdirSync(join(dir, 'home', '.aws'))).to.deep.equal(['config'])
    const own = join(dir, 'terrace-home', 'config')
    expect(existsSync(own) ? readdirSync(own).filter((f) => f.startsWith('profiles.json')) : []).to.satisfy(
      (files: string[]) => files.length === 0 || (files.length === 1 && files[0] === 'profiles.json'),
    )
  }

  for (const point of DEATHS) {
    it(`killed at ${point}: logout, then configure sso, leave both files consistent and no leftover`, async () => {
      const killed = await run(['aws', 'configure', 'sso'], {TERRACE_TEST_DIE_AT: point})
      expect(killed.signal ?? killed.code, killed.stderr).to.be.oneOf(['SIGKILL', 137])
      const logout = await run(['aws', 'sso', 'logout', '--all', '--json'])
      expect(logout.code, logout.stderr).to.equal(0)
      expectClean()
      expect(readFileSync(join(dir, 'home', '.aws', 'config'), 'utf8').startsWith(USER_CONFIG)).to.equal(true)
      const again = await run(['aws', 'configure', 'sso'])
      expect(again.code, again.stderr).to.equal(0)
      expectClean()
      expect(blockNames()).to.have.length(PROFILES)
    })
  }

  it('killed before its registry confirm, the next configure sso alone cleans the dead run too', async () => {
    const killed = await run(['aws', 'configure', 'sso'], {TERRACE_TEST_DIE_AT: 'aws-config:temp-written'})
    expect(killed.signal ?? killed.code).to.be.oneOf(['SIGKILL', 137])
    expect(readdirSync(join(dir, 'home', '.aws')).length, 'the dead run left files').to.be.greaterThan(1)
    const again = await run(['aws', 'configure', 'sso'])
    expect(again.code, again.stderr).to.equal(0)
    expectClean()
    expect(blockNames()).to.have.length(PROFILES)
  })
})
