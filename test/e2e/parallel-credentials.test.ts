/**
 * Single-flight across real processes: 16 `terrace credential-process` started at once on a cold cache, 8 per
 * role, make exactly one GetRoleCredentials per role in the sandbox, and all 16 print the same credentials per
 * role. Run with both vaults (the keychain one against the gnome-keyring scripts/with-keyring.sh starts).
 */
import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {type ManagedProfile, updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {projectBindings} from '../../src/layers/profile-bindings.js'
import {loadProject} from '../../src/layers/project.js'
import {assertBuilt, type CliResult, collect, keyringEnv, REPO, runCli, spawnCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const operations = async (sb: TestSandbox, operation: string) =>
  (await sb.control.requestLog()).filter((e) => e.operation === operation)

/** Starts `count` credential-process runs at once, alternating between the profiles. */
async function storm(
  dir: string,
  env: NodeJS.ProcessEnv,
  profiles: string[],
  count: number,
): Promise<Array<CliResult & {profile: string}>> {
  const runs = Array.from({length: count}, (_, i) => {
    const profile = profiles[i % profiles.length]
    return collect(spawnCli(['credential-process', '--profile', profile], {cwd: dir, env})).then((r) => ({
      ...r,
      profile,
    }))
  })
  return Promise.all(runs)
}

for (const vault of ['file', 'keychain'] as const) {
  describe(`e2e: parallel credential-process on a cold cache (${vault} vault)`, function () {
    this.timeout(120_000)
    let sb: TestSandbox
    let dir: string
    let env: NodeJS.ProcessEnv
    const outputs: CliResult[] = []

    before(async function () {
      assertBuilt()
      requireOrSkip(
        this,
        vault !== 'keychain' || Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
        'no D-Bus session: run the suite through scripts/with-keyring.sh',
      )

      sb = await startTestSandbox({autoApprove: true})
      dir = mkdtempSync(join(tmpdir(), `terrace-parallel-${vault}-`))
      const project = join(dir, 'project')
      cpSync(join(REPO, 'templates', 'sample-project'), project, {recursive: true})
      env = {
        ...sb.env,
        HOME: join(dir, 'home'),
        TERRACE_HOME: join(dir, 'terrace-home'),
        TERRACE_VAULT: vault,
        ...(vault === 'file' ? {TERRACE_VAULT_PASSPHRASE: 'parallel passphrase'} : keyringEnv()),
      }
      // the keychain is shared by the whole test run: start from no entry at all for this start URL
      const logout = await runCli(['aws', 'sso', 'logout'], {cwd: project, env})
      expect(logout.code, logout.stderr).to.equal(0)
      // (after the logout, which also forgets the start URL's managed profiles)
      const set: Record<string, ManagedProfile> = {}
      for (const {name, ref} of projectBindings(await loadProject(project, {env})))
        set[name] = {ref, region: 'us-east-1'}
      await updateProfileRegistry(join(env.TERRACE_HOME!, 'config'), {set})
      const login = await runCli(['aws', 'sso', 'login', '--no-browser'], {cwd: project, env})
      outputs.push(logout, login)
      expect(login.code, login.stderr).to.equal(0)
    })

    after(async () => {
      if (vault === 'keychain' && env) await runCli(['aws', 'sso', 'logout'], {cwd: join(dir, 'project'), env})
      await sb?.stop()
      if (dir) rmSync(dir, {force: true, recursive: true})
    })

    it('16 processes across 2 roles: all succeed, exactly 2 GetRoleCredentials', async () => {
      const results = await storm(dir, env, ['bb-apps-devstg-devops', 'bb-shared-devops'], 16)
      outputs.push(...results)
      for (const r of results) expect(r.code, `${r.profile}: ${r.stderr}`).to.equal(0)
      const keys = new Map<string, Set<string>>()
      for (const r of results) {
        const json = JSON.parse(r.stdout)
        expect(json.Version).to.equal(1)
        keys.set(r.profile, (keys.get(r.profile) ?? new Set()).add(json.AccessKeyId))
      }

      expect(
        [...keys.values()].map((k) => k.size),
        'one set of credentials per role',
      ).to.deep.equal([1, 1])
      const calls = await operations(sb, 'GetRoleCredentials')
      expect(calls.length, JSON.stringify(calls)).to.equal(2)
    })

    it('again with an access token AWS rejects: one refresh grant, one successful GetRoleCredentials per role', async () => {
      const before = (await operations(sb, 'GetRoleCredentials')).length
      await sb.control.expire(['access-tokens'])
      const results = await storm(dir, env, ['bb-network-devops', 'bb-security-devops'], 16)
      outputs.push(...results)
      for (const r of results) expect(r.code, `${r.profile}: ${r.stderr}`).to.equal(0)
      const calls = (await operations(sb, 'GetRoleCredentials')).slice(before)
      expect(
        calls.filter((c) => c.outcome === 'ok'),
        JSON.stringify(calls),
      ).to.have.length(2)
      expect(calls.length, 'at most one rejected call per role').to.be.at.most(4)
      const refreshes = (await operations(sb, 'CreateToken')).filter((c) => c.outcome === 'ok')
      expect(refreshes, 'the device-flow token plus one refresh grant').to.have.length(2)
    })

    it('leaves no sandbox-issued secret in any file or on stderr', async () => {
      const secrets = (await sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
      const texts = Object.fromEntries(outputs.map((o, i) => [`run ${i} stderr`, o.stderr]))
      const {findings} = scanForSecrets({dirs: [dir], secrets, texts})
      expect(findings).to.deep.equal([])
    })
  })
}
