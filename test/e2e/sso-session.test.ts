/**
 * Issue 10, login and logout end to end (built CLI, sandbox, file vault): re-registration after the identity
 * center forgot terrace's client, start URL / region checked before anything happens, network failures in words,
 * and a logout that ends the sign-in session even when the access token had expired.
 */
import {CreateTokenCommand, SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, type CliResult, REPO, runCli} from '../helpers/cli.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const LAYER = join('apps-devstg', 'us-east-1', 'base-network')

interface Scenario {
  dir: string
  env: NodeJS.ProcessEnv
  layer: string
  sb: TestSandbox
  vault: string
}

async function setUp(sso: Record<string, unknown> = {}): Promise<Scenario> {
  const sb = await startTestSandbox({autoApprove: true, sso: {pollInterval: 0, ...sso}})
  const dir = mkdtempSync(join(tmpdir(), 'terrace-sso-session-'))
  cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    HOME: join(dir, 'home'),
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
  }
  return {dir, env, layer: join(dir, 'project', LAYER), sb, vault: join(dir, 'terrace-home', 'vault.enc')}
}

const cli = (s: Scenario, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(args, {cwd: s.layer, env: {...s.env, ...env}})

const outcomes = async (sb: TestSandbox, operation: string) =>
  (await sb.control.requestLog()).filter((e) => e.operation === operation).map((e) => e.outcome)

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const {port} = server.address() as {port: number}
  await new Promise((resolve) => {
    server.close(resolve)
  })
  return port
}

/** Every refresh token the sandbox issued, tried once more with the client it was issued to. */
async function refreshTokenOutcomes(sb: TestSandbox): Promise<string[]> {
  const secrets = await sb.control.secrets()
  const clientSecret = secrets.findLast((x) => x.kind === 'client-secret')!.value
  const clientId = (await sb.control.requestLog()).findLast((e) => e.operation === 'CreateToken')!.caller
  const oidc = new SSOOIDCClient({endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
  const results: string[] = []
  for (const {value: refreshToken} of secrets.filter((x) => x.kind === 'refresh-token')) {
    const outcome = await oidc
      .send(new CreateTokenCommand({clientId, clientSecret, grantType: 'refresh_token', refreshToken}))
      .then(
        () => 'accepted',
        (error: Error) => error.name,
      )
    results.push(outcome)
  }

  return results
}

describe('e2e: sso sessions (issue 10)', function () {
  this.timeout(120_000)
  let s: Scenario | undefined

  before(() => assertBuilt())

  afterEach(async () => {
    await s?.sb.stop()
    if (s) rmSync(s.dir, {force: true, recursive: true})
    s = undefined
  })

  describe('the identity center forgot the client registration (sandbox restarted)', () => {
    for (const force of [false, true]) {
      it(`\`sso login${force ? ' --force' : ''}\` registers again once and logs in`, async () => {
        s = await setUp()
        const first = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
        expect(first.code, first.stderr).to.equal(0)
        // a restart on the same port: every client, token and code forgotten
        const port = Number(new URL(s.sb.url).port)
        await s.sb.stop()
        s.sb = await startTestSandbox({autoApprove: true, sso: {pollInterval: 0}}, {port})
        const again = await cli(s, ['aws', 'sso', 'login', '--no-browser', ...(force ? ['--force'] : [])])
        expect(again.code, again.stderr).to.equal(0)
        expect(again.stderr).to.match(/Logged in to https:\/\/bb-sandbox/)
        expect(await outcomes(s.sb, 'RegisterClient')).to.deep.equal(['ok'])
        expect((await outcomes(s.sb, 'StartDeviceAuthorization')).at(-1)).to.equal('ok')
        const status = await cli(s, ['aws', 'sso', 'status', '--json'])
        expect(status.code, status.stderr).to.equal(0)
      })
    }
  })

  describe('start URL and region are checked before any network call or vault write', () => {
    const bad: Array<[string, string[], RegExp]> = [
      ['--start-url notaurl', ['--start-url', 'notaurl', '--region', 'us-east-1'], /--start-url: "notaurl"/],
      ['--start-url http://…', ['--start-url', 'http://bb-sandbox.awsapps.com/start'], /https/],
      ['--region ireland', ['--region', 'ireland'], /--region: "ireland"/],
    ]
    for (const [title, flags, message] of bad) {
      it(`${title}: exit 2`, async () => {
        s = await setUp()
        for (const command of ['login', 'logout', 'status']) {
          const result = await cli(s, ['aws', 'sso', command, ...flags])
          expect(result.code, `${command}: ${result.stderr}`).to.equal(2)
          expect(result.stderr).to.match(message)
        }

        expect(await s.sb.control.requestLog()).to.deep.equal([])
        expect(existsSync(s.vault)).to.equal(false)
      })
    }

    it('sso_start_url = "notaurl" in common.tfvars: exit 4 naming the file and line', async () => {
      s = await setUp()
      const common = join(s.dir, 'project', 'config', 'common.tfvars')
      writeFileSync(common, readFileSync(common, 'utf8').replace(/sso_start_url = ".*"/, 'sso_start_url = "notaurl"'))
      const result = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
      expect(result.code, result.stderr).to.equal(4)
      expect(result.stderr).to.include(`${common}:9:`).and.include('sso_start_url')
      expect(await s.sb.control.requestLog()).to.deep.equal([])
      expect(existsSync(s.vault)).to.equal(false)
    })
  })

  it('an unreachable identity center: exit 9 naming the cause and the endpoint, not (Error)', async () => {
    s = await setUp()
    const endpoint = `http://127.0.0.1:${await closedPort()}`
    const result = await cli(s, ['aws', 'sso', 'login', '--no-browser'], {AWS_ENDPOINT_URL_SSO_OIDC: endpoint})
    expect(result.code, result.stderr).to.equal(9)
    expect(result.stderr).to.include(endpoint).and.include('connection refused').and.not.include('(Error)')
  })

  describe('logout after the access token expired ends the session', () => {
    for (const rotate of [true, false]) {
      it(`renews, then revokes: no refresh token works afterwards (${rotate ? 'rotating' : 'non-rotating'} refresh tokens)`, async () => {
        s = await setUp({rotateRefreshTokens: rotate})
        const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
        expect(login.code, login.stderr).to.equal(0)
        await s.sb.control.expire(['access-tokens'])
        const logout = await cli(s, ['aws', 'sso', 'logout'])
        expect(logout.code, logout.stderr).to.equal(0)
        expect(logout.stderr).to.match(/token revoked/)
        expect(await outcomes(s.sb, 'Logout')).to.deep.equal(['UnauthorizedException', 'ok'])
        const afterwards = await refreshTokenOutcomes(s.sb)
        expect(afterwards).to.have.length(rotate ? 2 : 1)
        expect(
          afterwards.every((outcome) => outcome === 'InvalidGrantException'),
          afterwards.join(', '),
        ).to.equal(true)
      })
    }

    it('when AWS cannot be reached: the vault is wiped, exit 9, and it says the refresh token stays valid', async () => {
      s = await setUp()
      const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
      expect(login.code, login.stderr).to.equal(0)
      const endpoint = `http://127.0.0.1:${await closedPort()}`
      const logout = await cli(s, ['aws', 'sso', 'logout'], {AWS_ENDPOINT_URL_SSO: endpoint})
      expect(logout.code, logout.stderr).to.equal(9)
      expect(logout.stderr)
        .to.include('NOT ended')
        .and.include('refresh token stays valid')
        .and.include('connection refused')
        .and.include(endpoint)
      expect(logout.stderr).to.match(/wiped [1-9]\d* vault entries/)
      const status = await cli(s, ['aws', 'sso', 'status', '--json'])
      expect(status.code).to.equal(5)
      expect(await refreshTokenOutcomes(s.sb)).to.deep.equal(['accepted'])
    })
  })

  describe('issue 15: a login renews again and again whether or not AWS rotates refresh tokens', () => {
    for (const rotate of [true, false]) {
      it(`login, then two renewals after the access token expired (${rotate ? 'rotating' : 'non-rotating'} refresh tokens)`, async () => {
        s = await setUp({rotateRefreshTokens: rotate})
        const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'])
        expect(login.code, login.stderr).to.equal(0)
        for (const round of [1, 2]) {
          await s.sb.control.expire(['access-tokens'])
          const refresh = await cli(s, ['aws', 'sso', 'refresh', '--force'])
          expect(refresh.code, `renewal ${round}: ${refresh.stderr}`).to.equal(0)
        }

        expect(await outcomes(s.sb, 'CreateToken')).to.deep.equal(['ok', 'ok', 'ok'])
        const issued = (await s.sb.control.secrets()).filter((x) => x.kind === 'refresh-token')
        expect(issued, 'refresh tokens the sandbox issued').to.have.length(rotate ? 3 : 1)
        const status = await cli(s, ['aws', 'sso', 'status'])
        expect(status.code, status.stderr).to.equal(0)
      })
    }
  })
})
