/**
 * Issue 5: 16 `terrace exec` started at once on a cold cache, 8 in a layer of apps-devstg and 8 in a layer of
 * shared (two roles), each child asking STS who it is through the SDK's default chain: all succeed with their
 * layer's identity, and the sandbox sees exactly one GetRoleCredentials per role.
 */
import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, collect, FAKE_BIN_DIR, REPO, runCli, spawnCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

describe('e2e: 16 parallel terrace exec on a cold cache', function () {
  this.timeout(180_000)
  let sb: TestSandbox
  let dir: string
  let env: NodeJS.ProcessEnv

  before(async () => {
    assertBuilt()
    sb = await startTestSandbox({autoApprove: true})
    dir = mkdtempSync(join(tmpdir(), 'terrace-parallel-exec-'))
    cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
    env = {
      ...sb.env,
      HOME: join(dir, 'home'),
      TERRACE_HOME: join(dir, 'terrace-home'),
      TERRACE_VAULT: 'file',
      TERRACE_VAULT_PASSPHRASE: 'parallel exec passphrase',
    }
    const login = await runCli(['aws', 'sso', 'login', '--no-browser'], {cwd: join(dir, 'project'), env})
    expect(login.code, login.stderr).to.equal(0)
  })

  after(async () => {
    await sb?.stop()
    if (dir) rmSync(dir, {force: true, recursive: true})
  })

  it('all 16 succeed with their layer identity; exactly 2 GetRoleCredentials', async () => {
    const layers = [
      {account: '555555555555', cwd: join(dir, 'project', 'apps-devstg', 'us-east-1', 'base-network')},
      {account: '333333333333', cwd: join(dir, 'project', 'shared', 'us-east-1', 'base-network')},
    ]
    const script = join(FAKE_BIN_DIR, 'sts-identity.mjs')
    const runs = Array.from({length: 16}, (_, i) => {
      const layer = layers[i % 2]
      return collect(spawnCli(['exec', '--', process.execPath, script], {cwd: layer.cwd, env})).then((result) => ({
        ...result,
        layer,
      }))
    })
    const results = await Promise.all(runs)
    for (const r of results) {
      expect(r.code, r.stderr).to.equal(0)
      const line = JSON.parse(r.stdout.trim().split('\n')[0]) as {arn: string}
      expect(line.arn).to.match(new RegExp(`^arn:aws:sts::${r.layer.account}:assumed-role/AWSReservedSSO_DevOps_`))
    }

    const calls = (await sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials')
    expect(calls.map((c) => c.outcome)).to.deep.equal(['ok', 'ok'])
    const secrets = (await sb.control.secrets()).map((s) => ({kind: s.kind, value: s.value}))
    const texts = Object.fromEntries(results.map((r, i) => [`run ${i} stderr`, r.stderr]))
    expect(scanForSecrets({dirs: [dir], secrets, texts}).findings).to.deep.equal([])
  })
})
