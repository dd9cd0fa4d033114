import {ListMFADevicesCommand} from '@aws-sdk/client-iam'
import {GetRoleCredentialsCommand, ListAccountsCommand, SSOClient} from '@aws-sdk/client-sso'
import {CreateTokenCommand, SSOOIDCClient} from '@aws-sdk/client-sso-oidc'
import {AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {createControlClient} from '../../src/sandbox/index.js'
import {startTestSandbox, TEMPLATE, type TestSandbox, totp} from '../helpers/sandbox.js'
import {clients, failure, login, register} from './sdk-clients.js'

const ALICE = {accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}

describe('sandbox control API, secrets, log, faults and env', () => {
  describe('sandbox secret list and request log', () => {
    let sb: TestSandbox

    before(async () => {
      sb = await startTestSandbox()
    })

    after(() => sb.stop())

    it('lists every secret it issued: N logins, N refreshes and N credential sets of each kind all appear', async () => {
      const N = 4
      const aws = clients(sb.url)
      const alice = clients(sb.url, ALICE).sts
      const issued: Array<[string, string]> = []
      for (let index = 0; index < N; index++) {
        const {client, device, token} = await login(aws.oidc, (code) => sb.control.approve(code))
        issued.push(
          ['client-secret', client.clientSecret!],
          ['device-code', device.deviceCode!],
          ['access-token', token.accessToken!],
          ['refresh-token', token.refreshToken!],
        )
        const refreshed = await aws.oidc.send(
          new CreateTokenCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            grantType: 'refresh_token',
            refreshToken: token.refreshToken,
          }),
        )
        issued.push(['access-token', refreshed.accessToken!], ['refresh-token', refreshed.refreshToken!])
        const {roleCredentials} = await aws.sso.send(
          new GetRoleCredentialsCommand({
            accessToken: token.accessToken!,
            accountId: '111111111111',
            roleName: 'Administrator',
          }),
        )
        issued.push(
          ['secret-access-key', roleCredentials!.secretAccessKey!],
          ['session-token', roleCredentials!.sessionToken!],
        )
        const session = await alice.send(
          new GetSessionTokenCommand({SerialNumber: TEMPLATE.mfaSerial, TokenCode: totp(TEMPLATE.mfaSecret)}),
        )
        const role = await alice.send(
          new AssumeRoleCommand({RoleArn: 'arn:aws:iam::333333333333:role/CI', RoleSessionName: `s${index}`}),
        )
        for (const credentials of [session.Credentials!, role.Credentials!])
          issued.push(['secret-access-key', credentials.SecretAccessKey!], ['session-token', credentials.SessionToken!])
      }

      const secrets = await sb.control.secrets()
      const listed = new Set(secrets.map((secret) => `${secret.kind}:${secret.value}`))
      expect(issued).to.have.length(N * 12)
      for (const [kind, value] of issued)
        expect(listed.has(`${kind}:${value}`), `${kind} ${value.slice(0, 8)}…`).to.equal(true)
      expect(listed.has(`iam-user-secret-key:${TEMPLATE.secretAccessKey}`)).to.equal(true)
      expect(listed.has(`mfa-seed:${TEMPLATE.mfaSecret}`)).to.equal(true)
      for (const kind of ['access-token', 'refresh-token', 'client-secret', 'device-code'])
        expect(secrets.filter((secret) => secret.kind === kind)).to.have.length(kind.endsWith('token') ? 2 * N : N)
      expect(secrets.every((secret) => !Number.isNaN(Date.parse(secret.issuedAt)))).to.equal(true)
    })

    it('logs every AWS call with time, operation, caller and outcome', async () => {
      await sb.control.clearRequestLog()
      const started = Date.now()
      const aws = clients(sb.url)
      const {client, token} = await login(aws.oidc, (code) => sb.control.approve(code))
      await aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      await failure(() => aws.sso.send(new ListAccountsCommand({accessToken: 'aoa-bogus'})))
      await clients(sb.url, ALICE).sts.send(new GetCallerIdentityCommand({}))
      await failure(() =>
        clients(sb.url, {...ALICE, secretAccessKey: 'wrong-secret-key'}).iam.send(new ListMFADevicesCommand({})),
      )
      const log = await sb.control.requestLog()
      expect(log.map(({caller, operation, outcome, service}) => ({caller, operation, outcome, service}))).to.deep.equal(
        [
          {caller: client.clientId, operation: 'RegisterClient', outcome: 'ok', service: 'oidc'},
          {caller: client.clientId, operation: 'StartDeviceAuthorization', outcome: 'ok', service: 'oidc'},
          {caller: client.clientId, operation: 'CreateToken', outcome: 'ok', service: 'oidc'},
          {caller: 'sso-user:alice', operation: 'ListAccounts', outcome: 'ok', service: 'portal'},
          {caller: 'anonymous', operation: 'ListAccounts', outcome: 'UnauthorizedException', service: 'portal'},
          {
            caller: 'arn:aws:iam::222222222222:user/alice',
            operation: 'GetCallerIdentity',
            outcome: 'ok',
            service: 'sts',
          },
          {caller: 'anonymous', operation: 'ListMFADevices', outcome: 'SignatureDoesNotMatch', service: 'iam'},
        ],
      )
      for (const entry of log) {
        expect(Date.parse(entry.time)).to.be.within(started - 1000, Date.now())
        expect(entry.status).to.be.a('number')
      }

      expect(log.map((entry) => entry.status)).to.deep.equal([200, 200, 200, 200, 401, 200, 403])
    })
  })

  describe('sandbox control API over HTTP', () => {
    let sb: TestSandbox

    before(async () => {
      sb = await startTestSandbox()
    })

    after(() => sb.stop())

    it('the HTTP control client approves codes, expires tokens and reads log and secrets like the in-process one', async () => {
      const remote = createControlClient(sb.url)
      const aws = clients(sb.url)
      const {token} = await login(aws.oidc, (code) => remote.approve(code))
      await aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      expect(await remote.expire(['access-tokens'])).to.deep.equal({expired: 1})
      expect(
        (await failure(() => aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!})))).name,
      ).to.equal('UnauthorizedException')
      expect((await remote.secrets()).map((secret) => secret.value)).to.include(token.accessToken)
      expect(await remote.requestLog()).to.deep.equal(await sb.control.requestLog())
      expect(await remote.settings()).to.deep.equal(await sb.control.settings())
      const error = await failure(() => remote.approve('NOPE-NOPE'))
      expect(error.message).to.contain('unknown user code')
      const response = await fetch(`${sb.url}/_sandbox/nothing-here`)
      expect(response.status).to.equal(404)
    })

    it('changes latency, rate limit and faults at run time and refuses invalid settings', async () => {
      const remote = createControlClient(sb.url)
      const settings = await remote.updateSettings({latencyMs: 150, portalRateLimit: {burst: 2, requestsPerSecond: 1}})
      expect(settings.latencyMs).to.equal(150)
      const sso = new SSOClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
      const {token} = await login(clients(sb.url).oidc, (code) => sb.control.approve(code))
      const started = Date.now()
      await sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      expect(Date.now() - started).to.be.at.least(150)
      await sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      const throttled = await failure(() => sso.send(new ListAccountsCommand({accessToken: token.accessToken!})))
      expect(throttled.name).to.equal('TooManyRequestsException')
      expect(throttled.$metadata?.httpStatusCode).to.equal(429)
      await remote.updateSettings({latencyMs: 0, portalRateLimit: null})
      await sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      expect((await failure(() => remote.updateSettings({faults: {rate: 2}}))).message).to.contain('faults.rate')
      expect((await failure(() => remote.updateSettings({latencyMs: -1}))).message).to.contain('latencyMs')
    })
  })

  describe('sandbox injected faults', () => {
    let sb: TestSandbox

    beforeEach(async () => {
      sb = await startTestSandbox({rateLimit: {portal: null}})
    })

    afterEach(() => sb.stop())

    it('5xx faults fail calls with InternalFailure / InternalServerException once SDK retries run out', async () => {
      await sb.control.updateSettings({faults: {kinds: ['5xx'], rate: 1, services: ['sts', 'oidc']}})
      const sts = new STSClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 2, region: 'us-east-1'})
      const error = await failure(() => sts.send(new GetCallerIdentityCommand({})))
      expect(error.name).to.equal('InternalFailure')
      expect(error.$metadata?.httpStatusCode).to.equal(500)
      expect((error.$metadata as {attempts?: number}).attempts).to.equal(2)
      const oidc = new SSOOIDCClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
      expect((await failure(() => register(oidc))).name).to.equal('InternalServerException')
      // services not listed are untouched
      const {token} = await (async () => {
        await sb.control.updateSettings({faults: {services: ['sts']}})
        return login(clients(sb.url).oidc, (code) => sb.control.approve(code))
      })()
      expect(token.accessToken).to.be.a('string')
      const log = await sb.control.requestLog()
      expect(log.filter((entry) => entry.outcome === 'fault:5xx')).to.have.length(3)
    })

    it('429 faults throttle the portal (TooManyRequestsException) and STS (Throttling), logged as fault:429', async () => {
      await sb.control.updateSettings({faults: {kinds: ['429'], rate: 1, services: ['sts', 'portal']}})
      const sts = new STSClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
      const stsError = await failure(() => sts.send(new GetCallerIdentityCommand({})))
      expect(stsError.name).to.equal('Throttling')
      const sso = new SSOClient({endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
      const portalError = await failure(() => sso.send(new ListAccountsCommand({accessToken: 'x'})))
      expect(portalError.name).to.equal('TooManyRequestsException')
      expect(portalError.$metadata?.httpStatusCode).to.equal(429)
      const log = await sb.control.requestLog()
      expect(log.filter((entry) => entry.outcome === 'fault:429')).to.have.length(2)
    })

    it('a limited number of faults is absorbed by the SDK retries', async () => {
      await sb.control.updateSettings({faults: {count: 2, kinds: ['5xx', 'reset'], rate: 1, status: 503}})
      const result = await clients(sb.url, ALICE).sts.send(new GetCallerIdentityCommand({}))
      expect(result.Arn).to.equal('arn:aws:iam::222222222222:user/alice')
      expect(result.$metadata.attempts).to.equal(3)
    })

    it('connection resets surface as network errors', async () => {
      await sb.control.updateSettings({faults: {kinds: ['reset'], rate: 1}})
      const sts = new STSClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
      const error = await failure(() => sts.send(new GetCallerIdentityCommand({})))
      expect(`${(error as NodeJS.ErrnoException).code} ${error.message}`).to.match(/ECONNRESET|socket hang up/)
    })

    it('stalls hang until the client gives up (requestTimeout)', async () => {
      await sb.control.updateSettings({faults: {kinds: ['stall'], rate: 1, stallMs: 10_000}})
      const sts = new STSClient({
        credentials: ALICE,
        endpoint: sb.url,
        maxAttempts: 1,
        region: 'us-east-1',
        requestHandler: {requestTimeout: 300, throwOnRequestTimeout: true},
      })
      const started = Date.now()
      const error = await failure(() => sts.send(new GetCallerIdentityCommand({})))
      expect(Date.now() - started).to.be.within(250, 5000)
      expect(error.name).to.match(/TimeoutError/)
    })
  })

  describe('sandbox env()', () => {
    const saved = {...process.env}

    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
      Object.assign(process.env, saved)
    })

    it('the standard AWS_ENDPOINT_URL_* variables alone point SDK clients at the sandbox', async () => {
      const sb = await startTestSandbox()
      try {
        expect(sb.sandbox.env()).to.deep.equal({
          AWS_ENDPOINT_URL: sb.url,
          AWS_ENDPOINT_URL_DYNAMODB: sb.url,
          AWS_ENDPOINT_URL_IAM: sb.url,
          AWS_ENDPOINT_URL_SSO: sb.url,
          AWS_ENDPOINT_URL_SSO_OIDC: sb.url,
          AWS_ENDPOINT_URL_STS: sb.url,
        })
        Object.assign(process.env, sb.sandbox.env())
        const {token} = await login(new SSOOIDCClient({region: 'us-east-1'}), (code) => sb.control.approve(code))
        const accounts = await new SSOClient({region: 'us-east-1'}).send(
          new ListAccountsCommand({accessToken: token.accessToken!}),
        )
        expect(accounts.accountList).to.have.length(6)
        const identity = await new STSClient({credentials: ALICE, region: 'us-east-1'}).send(
          new GetCallerIdentityCommand({}),
        )
        expect(identity.Account).to.equal('222222222222')
        expect(sb.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      } finally {
        await sb.stop()
      }
    })
  })
})
