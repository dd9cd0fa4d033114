/**
 * Issue 4 end to end: the built CLI against the sandbox, with both vault adapters (the keychain one against the
 * real gnome-keyring the test script starts under dbus-run-session).
 */
import {ListAccountsCommand, SSOClient} from '@aws-sdk/client-sso'
import {CreateTokenCommand, SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, type CliResult, collect, keyringEnv, REPO, runCli, spawnCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const START_URL = 'https://bb-sandbox.awsapps.com/start'
const LAYER = join('apps-devstg', 'us-east-1', 'base-network')

/** The keychain adapter needs the D-Bus session the test script (scripts/with-keyring.sh) started. */
interface Scenario {
  dir: string
  env: NodeJS.ProcessEnv
  layer: string
  outputs: CliResult[]
  sb: TestSandbox
}

async function setUp(vault: 'file' | 'keychain', sandboxOverrides: Parameters<typeof startTestSandbox>[0] = {}) {
  const sb = await startTestSandbox(sandboxOverrides)
  const dir = mkdtempSync(join(tmpdir(), `terrace-sso-${vault}-`))
  cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: vault,
    ...(vault === 'file' ? {TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple'} : keyringEnv()),
  }
  return {dir, env, layer: join(dir, 'project', LAYER), outputs: [] as CliResult[], sb}
}

async function cli(s: Scenario, args: string[]): Promise<CliResult> {
  const result = await runCli(args, {cwd: s.layer, env: s.env})
  s.outputs.push(result)
  return result
}

/** Runs `aws sso login`, approving (or denying) the code through the sandbox's control API once it is pending. */
async function loginApproving(s: Scenario, decision: 'approve' | 'deny' | 'none' = 'approve'): Promise<CliResult> {
  const running = collect(spawnCli(['aws', 'sso', 'login', '--no-browser'], {cwd: s.layer, env: s.env}))
  if (decision !== 'none') {
    let code: string | undefined
    const until = Date.now() + 15_000
    while (!code && Date.now() < until) {
      code = (await s.sb.control.pendingUserCodes())[0]?.userCode
      if (!code)
        await new Promise((r) => {
          setTimeout(r, 50)
        })
    }

    expect(code, 'a pending user code').to.be.a('string')
    await (decision === 'approve' ? s.sb.control.approve(code!) : s.sb.control.deny(code!))
  }

  const result = await running
  s.outputs.push(result)
  return result
}

const count = async (s: Scenario, operation: string) =>
  (await s.sb.control.requestLog()).filter((e) => e.operation === operation).length

for (const vault of ['file', 'keychain'] as const) {
  describe(`e2e: sso login, status, logout (${vault} vault)`, function () {
    this.timeout(120_000)
    let s: Scenario

    before(async function () {
      assertBuilt()
      requireOrSkip(
        this,
        vault !== 'keychain' || Boolean(process.env.DBUS_SESSION_BUS_ADDRESS),
        'no D-Bus session: run the suite through scripts/with-keyring.sh (npm test does)',
      )

      s = await setUp(vault, {sso: {pollInterval: 1}})
    })

    after(async () => {
      await s?.sb.stop()
      if (s) rmSync(s.dir, {force: true, recursive: true})
    })

    it('logs in through the device flow once the code is approved', async () => {
      const result = await loginApproving(s)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr)
        .to.match(/open this URL/)
        .and.match(/Logged in to https:\/\/bb-sandbox/)
      expect(await count(s, 'RegisterClient')).to.equal(1)
      expect(await count(s, 'StartDeviceAuthorization')).to.equal(1)
    })

    it('status --json reports the login and exits 0', async () => {
      const result = await cli(s, ['aws', 'sso', 'status', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      const status = JSON.parse(result.stdout)
      expect(status).to.include({loggedIn: true, refreshable: true, region: 'us-east-1', startUrl: START_URL, vault})
      expect(Date.parse(status.expiresAt)).to.be.greaterThan(Date.now())
    })

    it('a second login starts no device flow and says until when', async () => {
      const result = await cli(s, ['sso', 'login'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr).to.match(/Already logged in to .* until \d{4}-/)
      expect(await count(s, 'StartDeviceAuthorization')).to.equal(1)
    })

    it('renews through the refresh grant after the access token expired, without a device flow', async () => {
      await s.sb.control.expire(['access-tokens'])
      const before = await count(s, 'CreateToken')
      const result = await cli(s, ['aws', 'sso', 'status', '--json'])
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).loggedIn).to.equal(true)
      expect(await count(s, 'CreateToken')).to.equal(before + 1)
      expect(await count(s, 'StartDeviceAuthorization')).to.equal(1)
    })

    it('two processes renewing at once both succeed, with one refresh between them', async () => {
      await s.sb.control.expire(['access-tokens'])
      const before = await count(s, 'CreateToken')
      const results = await Promise.all([1, 2].map(() => cli(s, ['aws', 'sso', 'status', '--json'])))
      for (const result of results) {
        expect(result.code, result.stderr).to.equal(0)
        expect(JSON.parse(result.stdout).loggedIn).to.equal(true)
      }

      expect(await count(s, 'CreateToken')).to.equal(before + 1)
      const refreshes = (await s.sb.control.requestLog()).filter(
        (e) => e.operation === 'CreateToken' && e.outcome !== 'ok',
      )
      expect(refreshes, 'no refused refresh').to.deep.equal([])
    })

    it('logout revokes the token server-side and wipes the vault', async () => {
      const secrets = await s.sb.control.secrets()
      const lastOf = (kind: string) => secrets.findLast((x) => x.kind === kind)!.value
      const accessToken = lastOf('access-token')
      const refreshToken = lastOf('refresh-token')
      const clientSecret = lastOf('client-secret')
      const clientId = (await s.sb.control.requestLog()).find((e) => e.operation === 'CreateToken')!.caller

      const result = await cli(s, ['aws', 'sso', 'logout'])
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stderr)
        .to.match(/token revoked/)
        .and.match(/wiped [2-9] vault entries/)
      const status = await cli(s, ['aws', 'sso', 'status', '--json'])
      expect(status.code).to.equal(5)
      expect(JSON.parse(status.stdout).loggedIn).to.equal(false)

      const sso = new SSOClient({endpoint: s.sb.url, maxAttempts: 1, region: 'us-east-1'})
      const refused = await sso.send(new ListAccountsCommand({accessToken})).catch((error: Error) => error)
      expect((refused as Error).name).to.equal('UnauthorizedException')
      const oidc = new SSOOIDCClient({endpoint: s.sb.url, maxAttempts: 1, region: 'us-east-1'})
      const refresh = await oidc
        .send(new CreateTokenCommand({clientId, clientSecret, grantType: 'refresh_token', refreshToken}))
        .catch((error: Error) => error)
      expect((refresh as Error).name).to.equal('InvalidGrantException')

      const again = await cli(s, ['aws', 'sso', 'logout'])
      expect(again.code, 'logging out twice is not an error').to.equal(0)
    })

    it('leaves no sandbox-issued secret in any file or output', async () => {
      const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
      expect(secrets.map((x) => x.kind)).to.include.members(['access-token', 'refresh-token', 'client-secret'])
      const texts: Record<string, string> = {}
      for (const [i, out] of s.outputs.entries()) {
        texts[`run ${i} stdout`] = out.stdout
        texts[`run ${i} stderr`] = out.stderr
      }

      const {filesScanned, findings} = scanForSecrets({dirs: [s.dir], secrets, texts})
      expect(filesScanned).to.be.greaterThan(10)
      expect(findings).to.deep.equal([])
    })
  })
}

describe('e2e: device flow endings', function () {
  this.timeout(120_000)
  let s: Scenario

  afterEach(async () => {
    await s?.sb.stop()
    if (s) rmSync(s.dir, {force: true, recursive: true})
  })

  it('a denied code ends with exit 6 and says so', async () => {
    s = await setUp('file', {sso: {pollInterval: 1}})
    const result = await loginApproving(s, 'deny')
    expect(result.code).to.equal(6)
    expect(result.stderr).to.match(/denied/)
    expect(result.stderr).not.to.match(/\n\s+at /)
  })

  it('SlowDown makes the next poll 5 s later (on the sandbox request log)', async () => {
    s = await setUp('file', {sso: {pollInterval: 1}})
    await s.sb.control.updateSettings({slowDownPolls: 1})
    const result = await loginApproving(s)
    expect(result.code, result.stderr).to.equal(0)
    const polls = (await s.sb.control.requestLog()).filter((e) => e.operation === 'CreateToken')
    expect(polls.map((p) => p.outcome)).to.deep.equal(['SlowDownException', 'ok'])
    const gap = Date.parse(polls[1].time) - Date.parse(polls[0].time)
    // the interval was 1 s (pollInterval above); SlowDown adds 5 s (RFC 8628). The wait is a real sleep, so the gap
    // is never shorter (100 ms for the log's timestamps); a load spike may stretch it by seconds, but not by another
    // 5 s step, which is what a doubled slow-down would show
    const intervalMs = 1000
    const slowDownMs = 5000
    expect(gap).to.be.at.least(intervalMs + slowDownMs - 100)
    expect(gap).to.be.below(intervalMs + 2 * slowDownMs)
    expect(result.stderr).to.match(/poll less often; now every 6s/)
  })

  it('an expired device code ends with exit 5 naming the login command', async () => {
    s = await setUp('file', {sso: {deviceCodeExpiresIn: 3, pollInterval: 1}})
    const result = await loginApproving(s, 'none')
    expect(result.code).to.equal(5)
    expect(result.stderr)
      .to.match(/expired before it was approved/)
      .and.match(/terrace aws sso login/)
  })

  it('outside a project without --start-url: exit 3 (not inside a project, as everywhere) with the flags to pass', async () => {
    s = await setUp('file')
    const result = await runCli(['aws', 'sso', 'login'], {cwd: s.dir, env: s.env})
    expect(result.code).to.equal(3)
    expect(result.stderr).to.match(/--start-url/)
  })
})
