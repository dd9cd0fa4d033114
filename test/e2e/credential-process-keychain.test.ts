/**
 * `terrace credential-process` with the keychain vault (the real gnome-keyring scripts/with-keyring.sh starts): every
 * read and write goes through keytar. The warm path reads the cached credentials and loads neither oclif nor the AWS
 * SDK; a miss goes through the cold path and writes the cache.
 */
import {expect} from 'chai'
import {cpSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type ManagedProfile, updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {projectBindings} from '../../src/layers/profile-bindings.js'
import {loadProject} from '../../src/layers/project.js'
import {assertBuilt, type CliResult, keyringEnv, REPO, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {runRecordingModules} from '../helpers/module-record.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const PROFILE = 'bb-apps-devstg-devops'
const keytarLoaded = (modules: string[]) => modules.filter((url) => /\/keytar\//.test(url))

describe('e2e: credential-process with the keychain vault (keytar)', function () {
  this.timeout(120_000)
  let sb: TestSandbox
  let dir: string
  let project: string
  let env: NodeJS.ProcessEnv
  const outputs: CliResult[] = []

  const cp = async (extra: NodeJS.ProcessEnv = {}, profile = PROFILE) => {
    const recorded = await runRecordingModules(['credential-process', '--profile', profile], {
      cwd: join(dir, 'elsewhere'),
      env: {...env, ...extra},
    })
    outputs.push(recorded.result)
    return recorded
  }

  before(async function () {
    assertBuilt()
    requireOrSkip(
      this,
      Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
      'no D-Bus session: run the suite through scripts/with-keyring.sh',
    )

    sb = await startTestSandbox({autoApprove: true})
    dir = mkdtempSync(join(tmpdir(), 'terrace-cp-keychain-'))
    project = join(dir, 'project')
    cpSync(join(REPO, 'templates', 'sample-project'), project, {recursive: true})
    mkdirSync(join(dir, 'elsewhere'))
    env = {
      ...sb.env,
      HOME: join(dir, 'home'),
      TERRACE_HOME: join(dir, 'terrace-home'),
      TERRACE_VAULT: 'keychain',
      ...keyringEnv(),
    }
    // the keychain is shared by the whole test run: start from no entry at all for this start URL
    const logout = await runCli(['aws', 'sso', 'logout'], {cwd: project, env})
    expect(logout.code, logout.stderr).to.equal(0)
    const set: Record<string, ManagedProfile> = {}
    for (const {name, ref} of projectBindings(await loadProject(project, {env}))) set[name] = {ref, region: 'us-east-1'}
    await updateProfileRegistry(join(env.TERRACE_HOME!, 'config'), {set})
    const login = await runCli(['aws', 'sso', 'login', '--no-browser'], {cwd: project, env})
    outputs.push(logout, login)
    expect(login.code, login.stderr).to.equal(0)
  })

  after(async () => {
    if (env) await runCli(['aws', 'sso', 'logout'], {cwd: project, env})
    await sb?.stop()
    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  it('a miss goes through the cold path (keytar writes the cache); the warm path reads it through keytar, with no oclif or SDK', async () => {
    const cold = await cp()
    expect(cold.result.code, cold.result.stderr).to.equal(0)
    expect(cold.modules.some((url) => url.includes('@aws-sdk/client-sso'))).to.equal(true)
    expect(keytarLoaded(cold.modules)).to.not.deep.equal([])

    const warm = await cp()
    expect(warm.result.code, warm.result.stderr).to.equal(0)
    expect(JSON.parse(warm.result.stdout).AccessKeyId).to.equal(JSON.parse(cold.result.stdout).AccessKeyId)
    expect(warm.modules.some((url) => url.endsWith('/dist/credential-process/fast-path.cjs'))).to.equal(true)
    expect(warm.modules.filter((url) => /@oclif|@aws-sdk/.test(url))).to.deep.equal([])
    expect(keytarLoaded(warm.modules)).to.not.deep.equal([])
  })

  it('a bus that is not there: keytar is tried, and its failure is exit 8 naming the fix', async () => {
    const noBus = await cp({DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/terrace-test-bus'})
    expect(noBus.result.code).to.equal(8)
    expect(noBus.result.stderr).to.include('TERRACE_VAULT=keychain').and.include('TERRACE_VAULT=file')
    expect(noBus.result.stdout).to.equal('')
  })

  it('leaves no sandbox-issued secret in any file, and none on stderr', async () => {
    const secrets = (await sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
    expect(secrets.map((x) => x.kind)).to.include.members(['access-token', 'secret-access-key', 'session-token'])
    const texts: Record<string, string> = {}
    for (const [i, out] of outputs.entries()) texts[`run ${i} stderr`] = out.stderr
    const {filesScanned, findings} = scanForSecrets({dirs: [dir], secrets, texts})
    expect(filesScanned).to.be.greaterThan(5)
    expect(findings).to.deep.equal([])
  })
})
