/**
 * SsoLogin through the real SDK adapter (sdkOidc) against the sandbox: client registration reuse and expiry,
 * re-registration when the identity center forgot terrace's registration, and refresh with and without
 * refresh-token rotation. The sandbox request log counts the calls.
 */
import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {sdkOidc} from '../../../src/auth/sso/sdk-ports.js'
import {REGISTRATION_MARGIN_MS, SsoLogin} from '../../../src/auth/sso/sso-login.js'
import {type SsoToken} from '../../../src/auth/sso/types.js'
import {NotLoggedInError} from '../../../src/lib/errors.js'
import {ssoClientEntry, ssoTokenEntry} from '../../../src/vault/entries.js'
import {MemoryStore} from '../../../src/vault/memory-store.js'
import {rejection} from '../../helpers/errors.js'
import {startTestSandbox, type TestSandbox} from '../../helpers/sandbox.js'

const START_URL = 'https://bb-sandbox.awsapps.com/start'
const REGION = 'us-east-1'
const noUi = {onCode() {}}
/** Real time, no waiting between device-code polls (the sandbox approves at once and never asks to slow down). */
const clock = {
  now: () => Date.now(),
  async sleep() {},
}

const stored = async (store: MemoryStore): Promise<SsoToken> =>
  JSON.parse((await store.get(ssoTokenEntry(START_URL)))!) as SsoToken

describe('auth/sso SsoLogin against the sandbox', function () {
  this.timeout(60_000)
  let sb: TestSandbox | undefined
  let lockDir: string
  const savedEnv = {...process.env}

  async function start(sso: Record<string, unknown> = {}) {
    sb = await startTestSandbox({autoApprove: true, sso: {pollInterval: 0, ...sso}})
    // sdkOidc builds the SDK client the CLI uses, which finds the sandbox through the SDK's standard variables
    Object.assign(process.env, sb.env)
    const store = new MemoryStore()
    return {
      log: async (operation: string) =>
        (await sb!.control.requestLog()).filter((e) => e.operation === operation).map((e) => e.outcome),
      sb,
      ssoLogin: new SsoLogin({clock, env: process.env, lockDir, oidc: sdkOidc, store}),
      store,
    }
  }

  beforeEach(async () => {
    lockDir = await mkdtemp(join(tmpdir(), 'terrace-sso-login-'))
  })

  afterEach(async () => {
    await sb?.stop()
    sb = undefined
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    await rm(lockDir, {force: true, recursive: true})
  })

  describe('client registration', () => {
    it('a stored registration is reused: two logins, one RegisterClient', async () => {
      const {log, ssoLogin, store} = await start()
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      const registration = await store.get(ssoClientEntry(START_URL, REGION))
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      expect(await log('RegisterClient')).to.deep.equal(['ok'])
      expect(await log('StartDeviceAuthorization')).to.deep.equal(['ok', 'ok'])
      expect(await store.get(ssoClientEntry(START_URL, REGION))).to.equal(registration)
    })

    it('a registration with more than a day left is reused', async () => {
      const lifetime = REGISTRATION_MARGIN_MS / 1000 + 3600
      const {log, ssoLogin} = await start({clientRegistrationLifetime: lifetime})
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      expect(await log('RegisterClient')).to.deep.equal(['ok'])
    })

    it('a registration with less than a day left is replaced before it is used', async () => {
      const lifetime = REGISTRATION_MARGIN_MS / 1000 - 3600
      const {log, ssoLogin, store} = await start({clientRegistrationLifetime: lifetime})
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      const first = JSON.parse((await store.get(ssoClientEntry(START_URL, REGION)))!)
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      const second = JSON.parse((await store.get(ssoClientEntry(START_URL, REGION)))!)
      expect(await log('RegisterClient')).to.deep.equal(['ok', 'ok'])
      expect(second.clientId).not.to.equal(first.clientId)
      expect(await log('StartDeviceAuthorization'), 'never used once replaced').to.deep.equal(['ok', 'ok'])
    })

    it('a registration the identity center forgot (InvalidClientException) is replaced once and the login goes on', async () => {
      const {log, sb: sandbox, ssoLogin, store} = await start()
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      const forgotten = JSON.parse((await store.get(ssoClientEntry(START_URL, REGION)))!)
      await sandbox.control.expire(['clients'])
      const token = await ssoLogin.login(START_URL, REGION, {ui: noUi})
      expect(token.accessToken).to.be.a('string')
      expect(await log('StartDeviceAuthorization')).to.deep.equal(['ok', 'InvalidClientException', 'ok'])
      expect(await log('RegisterClient')).to.deep.equal(['ok', 'ok'])
      const replacement = JSON.parse((await store.get(ssoClientEntry(START_URL, REGION)))!)
      expect(replacement.clientId).not.to.equal(forgotten.clientId)
    })

    it('a refresh refused with InvalidClientException: exit 5, the stale registration dropped, the next login registers', async () => {
      const {log, sb: sandbox, ssoLogin, store} = await start()
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      await sandbox.control.expire(['clients'])
      const error = await rejection(ssoLogin.accessToken(START_URL, {marginMs: Number.POSITIVE_INFINITY}))
      expect(error).to.be.instanceOf(NotLoggedInError)
      expect((error as Error).message).to.include('client registration')
      expect(await store.get(ssoClientEntry(START_URL, REGION))).to.equal(undefined)
      await ssoLogin.login(START_URL, REGION, {ui: noUi})
      expect(await log('StartDeviceAuthorization'), 'no attempt with the stale registration').to.deep.equal([
        'ok',
        'ok',
      ])
    })
  })

  describe('refresh', () => {
    for (const rotate of [true, false]) {
      it(`works again and again when AWS ${rotate ? 'rotates' : 'does not rotate'} refresh tokens`, async () => {
        const {log, sb: sandbox, ssoLogin, store} = await start({rotateRefreshTokens: rotate})
        const first = await ssoLogin.login(START_URL, REGION, {ui: noUi})
        const accessTokens = new Set([first.accessToken])
        const refreshTokens = new Set([first.refreshToken])
        for (let round = 0; round < 3; round++) {
          const renewed = await ssoLogin.accessToken(START_URL, {marginMs: Number.POSITIVE_INFINITY})
          accessTokens.add(renewed.accessToken)
          refreshTokens.add(renewed.refreshToken)
          expect((await stored(store)).accessToken).to.equal(renewed.accessToken)
        }

        expect(accessTokens.size).to.equal(4)
        expect(await log('CreateToken')).to.deep.equal(['ok', 'ok', 'ok', 'ok'])
        const issued = (await sandbox.control.secrets()).filter((x) => x.kind === 'refresh-token')
        expect(issued).to.have.length(rotate ? 4 : 1)
        expect(refreshTokens.size, 'the refresh token kept').to.equal(rotate ? 4 : 1)
        expect((await stored(store)).refreshToken).to.equal(issued.at(-1)!.value)
      })
    }
  })
})
