import {CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'

import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'
import {clients, DEVICE_GRANT, failure, login, register, START_URL, startDevice} from './sdk-clients.js'

describe('sandbox SSO-OIDC', () => {
  describe('sandbox SSO-OIDC through the real SDK client', () => {
    let sb: TestSandbox
    let oidc: ReturnType<typeof clients>['oidc']

    before(async () => {
      sb = await startTestSandbox()
      oidc = clients(sb.url).oidc
    })

    after(() => sb.stop())

    it('RegisterClient returns an id, a secret and the registration expiry in epoch seconds', async () => {
      const before = Math.floor(Date.now() / 1000)
      const client = await register(oidc)
      expect(client.clientId).to.be.a('string').and.not.empty
      expect(client.clientSecret).to.be.a('string').with.length.above(100)
      expect(client.clientIdIssuedAt).to.be.within(before, before + 5)
      expect(client.clientSecretExpiresAt! - client.clientIdIssuedAt!).to.equal(7_776_000)
    })

    it('RegisterClient refuses a non-public client type and unknown grant types', async () => {
      const confidential = await failure(() =>
        oidc.send(new RegisterClientCommand({clientName: 'x', clientType: 'confidential'})),
      )
      expect(confidential.name).to.equal('InvalidClientMetadataException')
      const grant = await failure(() =>
        oidc.send(new RegisterClientCommand({clientName: 'x', clientType: 'public', grantTypes: ['password']})),
      )
      expect(grant.name).to.equal('InvalidClientMetadataException')
    })

    it('StartDeviceAuthorization returns codes, the verification URLs, expiresIn and interval', async () => {
      const {device} = await startDevice(oidc)
      expect(device.userCode).to.match(/^[A-Z]{4}-[A-Z]{4}$/)
      expect(device.deviceCode).to.be.a('string').with.length.above(40)
      expect(device.verificationUri).to.equal(`${sb.url}/device`)
      expect(device.verificationUriComplete).to.equal(`${sb.url}/device?user_code=${device.userCode}`)
      expect(device.expiresIn).to.equal(600)
      expect(device.interval).to.equal(1)
    })

    it('answers AuthorizationPending, then SlowDown when polled faster than interval, then the tokens once approved', async () => {
      const {device, poll} = await startDevice(oidc)
      const pending = await failure(poll)
      expect(pending.name).to.equal('AuthorizationPendingException')
      expect(pending.error).to.equal('authorization_pending')
      expect(pending.$metadata?.httpStatusCode).to.equal(400)
      const slow = await failure(poll)
      expect(slow.name).to.equal('SlowDownException')
      await sb.control.approve(device.userCode!)
      await new Promise((resolve) => {
        setTimeout(resolve, 1000)
      })
      const token = await poll()
      expect(token.accessToken).to.match(/^aoa/)
      expect(token.refreshToken).to.match(/^aor/)
      expect(token.tokenType).to.equal('Bearer')
      expect(token.expiresIn).to.equal(28_800)
      const reused = await failure(poll)
      expect(reused.name).to.equal('InvalidGrantException')
    })

    it('AccessDenied when the user denies, ExpiredToken when the code has lapsed', async () => {
      const denied = await startDevice(oidc)
      await sb.control.deny(denied.device.userCode!)
      expect((await failure(denied.poll)).name).to.equal('AccessDeniedException')
      const lapsed = await startDevice(oidc)
      await sb.control.expire(['device-codes'])
      expect((await failure(lapsed.poll)).name).to.equal('ExpiredTokenException')
    })

    it('InvalidClient for a wrong secret, an unknown client or an expired registration (HTTP 401)', async () => {
      const client = await register(oidc)
      const wrong = await failure(() =>
        oidc.send(
          new StartDeviceAuthorizationCommand({clientId: client.clientId, clientSecret: 'nope', startUrl: START_URL}),
        ),
      )
      expect(wrong.name).to.equal('InvalidClientException')
      expect(wrong.$metadata?.httpStatusCode).to.equal(401)
      const unknown = await failure(() =>
        oidc.send(
          new StartDeviceAuthorizationCommand({clientId: 'unknown', clientSecret: 'nope', startUrl: START_URL}),
        ),
      )
      expect(unknown.name).to.equal('InvalidClientException')
      await sb.control.expire(['clients'])
      const expired = await failure(() =>
        oidc.send(
          new StartDeviceAuthorizationCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            startUrl: START_URL,
          }),
        ),
      )
      expect(expired.name).to.equal('InvalidClientException')
    })

    it('InvalidGrant for an unknown device code or a device code of another client', async () => {
      const mine = await startDevice(oidc)
      const other = await register(oidc)
      const foreign = await failure(() =>
        oidc.send(
          new CreateTokenCommand({
            clientId: other.clientId,
            clientSecret: other.clientSecret,
            deviceCode: mine.device.deviceCode,
            grantType: DEVICE_GRANT,
          }),
        ),
      )
      expect(foreign.name).to.equal('InvalidGrantException')
      const unknown = await failure(() =>
        oidc.send(
          new CreateTokenCommand({
            clientId: other.clientId,
            clientSecret: other.clientSecret,
            deviceCode: 'nope',
            grantType: DEVICE_GRANT,
          }),
        ),
      )
      expect(unknown.name).to.equal('InvalidGrantException')
    })

    it('rotates refresh tokens: a refresh token works once and returns a new pair', async () => {
      const {client, token} = await login(oidc, (code) => sb.control.approve(code))
      const refresh = (refreshToken: string) =>
        oidc.send(
          new CreateTokenCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            grantType: 'refresh_token',
            refreshToken,
          }),
        )
      const second = await refresh(token.refreshToken!)
      expect(second.accessToken).to.not.equal(token.accessToken)
      expect(second.refreshToken).to.match(/^aor/).and.not.equal(token.refreshToken)
      const reused = await failure(() => refresh(token.refreshToken!))
      expect(reused.name).to.equal('InvalidGrantException')
      const third = await refresh(second.refreshToken!)
      expect(third.accessToken).to.be.a('string')
      await sb.control.expire(['refresh-tokens'])
      expect((await failure(() => refresh(third.refreshToken!))).name).to.equal('InvalidGrantException')
    })

    it('refuses the refresh grant to a client registered without it, and unknown grant types', async () => {
      const flow = await startDevice(oidc, false)
      await sb.control.approve(flow.device.userCode!)
      const token = await flow.poll()
      expect(token.refreshToken).to.equal(undefined)
      const refused = await failure(() =>
        oidc.send(
          new CreateTokenCommand({
            clientId: flow.client.clientId,
            clientSecret: flow.client.clientSecret,
            grantType: 'refresh_token',
            refreshToken: 'aorwhatever',
          }),
        ),
      )
      expect(refused.name).to.equal('UnauthorizedClientException')
      const unsupported = await failure(() =>
        oidc.send(
          new CreateTokenCommand({
            clientId: flow.client.clientId,
            clientSecret: flow.client.clientSecret,
            grantType: 'password',
          }),
        ),
      )
      expect(unsupported.name).to.equal('UnsupportedGrantTypeException')
    })

    it('auto-approve issues tokens on the first poll', async () => {
      await sb.control.updateSettings({autoApprove: true})
      try {
        const {poll} = await startDevice(oidc)
        expect((await poll()).accessToken).to.match(/^aoa/)
      } finally {
        await sb.control.updateSettings({autoApprove: false})
      }
    })
  })

  describe('sandbox SSO-OIDC start URL', () => {
    it('refuses a start URL other than the configured one with InvalidRequest', async () => {
      const sb = await startTestSandbox({sso: {startUrl: 'https://mine.awsapps.com/start'}})
      try {
        const {oidc} = clients(sb.url)
        const client = await register(oidc)
        const error = await failure(() =>
          oidc.send(
            new StartDeviceAuthorizationCommand({
              clientId: client.clientId,
              clientSecret: client.clientSecret,
              startUrl: START_URL,
            }),
          ),
        )
        expect(error.name).to.equal('InvalidRequestException')
        const ok = await oidc.send(
          new StartDeviceAuthorizationCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            startUrl: 'https://mine.awsapps.com/start',
          }),
        )
        expect(ok.userCode).to.be.a('string')
      } finally {
        await sb.stop()
      }
    })
  })
})
