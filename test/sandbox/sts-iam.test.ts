import {GetUserCommand, ListMFADevicesCommand} from '@aws-sdk/client-iam'
import {GetRoleCredentialsCommand} from '@aws-sdk/client-sso'
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {startTestSandbox, TEMPLATE, type TestSandbox, totp} from '../helpers/sandbox.js'
import {clients, failure, type Keys, login} from './sdk-clients.js'

const ALICE: Keys = {accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}
const roleArn = (account: string, role: string) => `arn:aws:iam::${account}:role/${role}`
const DEVSTG = TEMPLATE.accounts['apps-devstg']
const code = () => totp(TEMPLATE.mfaSecret)

function keysOf(
  credentials: undefined | {AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string},
): Keys {
  return {
    accessKeyId: credentials!.AccessKeyId!,
    secretAccessKey: credentials!.SecretAccessKey!,
    sessionToken: credentials!.SessionToken!,
  }
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({alg: 'RS256', typ: 'JWT'})}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`
}

describe('sandbox STS and IAM', () => {
  describe('sandbox STS and IAM through the real SDK clients', () => {
    let sb: TestSandbox
    let alice: ReturnType<typeof clients>

    before(async () => {
      sb = await startTestSandbox()
      alice = clients(sb.url, ALICE)
    })

    after(() => sb.stop())

    async function ssoRoleKeys(accountId: string, roleName: string): Promise<Keys> {
      const aws = clients(sb.url)
      const {token} = await login(aws.oidc, (userCode) => sb.control.approve(userCode))
      const {roleCredentials} = await aws.sso.send(
        new GetRoleCredentialsCommand({accessToken: token.accessToken!, accountId, roleName}),
      )
      return {
        accessKeyId: roleCredentials!.accessKeyId!,
        secretAccessKey: roleCredentials!.secretAccessKey!,
        sessionToken: roleCredentials!.sessionToken!,
      }
    }

    it('GetCallerIdentity for the IAM user', async () => {
      const identity = await alice.sts.send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal('arn:aws:iam::222222222222:user/alice')
      expect(identity.Account).to.equal('222222222222')
      expect(identity.UserId).to.match(/^AIDA[A-Z0-9]{17}$/)
    })

    it('IAM ListMFADevices and GetUser for the caller, by name, and NoSuchEntity for an unknown user', async () => {
      const own = await alice.iam.send(new ListMFADevicesCommand({}))
      expect(own.MFADevices?.map((device) => device.SerialNumber)).to.deep.equal([TEMPLATE.mfaSerial])
      expect(own.MFADevices?.[0].UserName).to.equal('alice')
      expect(own.MFADevices?.[0].EnableDate).to.be.instanceOf(Date)
      expect(own.IsTruncated).to.equal(false)
      const byName = await alice.iam.send(new ListMFADevicesCommand({UserName: 'alice'}))
      expect(byName.MFADevices).to.have.length(1)
      const unknown = await failure(() => alice.iam.send(new ListMFADevicesCommand({UserName: 'bob'})))
      expect(unknown.name).to.equal('NoSuchEntityException')
      expect(unknown.$metadata?.httpStatusCode).to.equal(404)
      const user = await alice.iam.send(new GetUserCommand({}))
      expect(user.User?.Arn).to.equal('arn:aws:iam::222222222222:user/alice')
    })

    it('AssumeRole with MFA gives role credentials that identify as the assumed role', async () => {
      const result = await alice.sts.send(
        new AssumeRoleCommand({
          DurationSeconds: 43_200,
          RoleArn: roleArn(DEVSTG, 'DevOps'),
          RoleSessionName: 'alice-session',
          SerialNumber: TEMPLATE.mfaSerial,
          TokenCode: code(),
        }),
      )
      expect(result.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/DevOps/alice-session`)
      expect(result.Credentials?.AccessKeyId).to.match(/^ASIA/)
      const lifetime = result.Credentials!.Expiration!.getTime() - Date.now()
      expect(lifetime).to.be.within(43_200_000 - 5000, 43_200_000)
      const identity = await clients(sb.url, keysOf(result.Credentials)).sts.send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/DevOps/alice-session`)
      expect(identity.UserId).to.match(/^AROA[A-Z0-9]{17}:alice-session$/)
    })

    it('AssumeRole without MFA is refused for a role that requires it, allowed for one that does not', async () => {
      const denied = await failure(() =>
        alice.sts.send(new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'DevOps'), RoleSessionName: 'alice'})),
      )
      expect(denied.name).to.equal('AccessDenied')
      expect(denied.$metadata?.httpStatusCode).to.equal(403)
      expect(denied.message).to.contain('not authorized to perform: sts:AssumeRole')
      const allowed = await alice.sts.send(
        new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'alice'}),
      )
      expect(allowed.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/CI/alice`)
    })

    it("AssumeRole refuses a wrong TOTP code, a serial that is not the caller's, and an unknown role", async () => {
      const good = code()
      const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0')
      const wrongCode = await failure(() =>
        alice.sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn(DEVSTG, 'DevOps'),
            RoleSessionName: 'alice',
            SerialNumber: TEMPLATE.mfaSerial,
            TokenCode: wrong,
          }),
        ),
      )
      expect(wrongCode.name).to.equal('AccessDenied')
      expect(wrongCode.message).to.contain('invalid MFA one time pass code')
      const otherSerial = await failure(() =>
        alice.sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn(DEVSTG, 'DevOps'),
            RoleSessionName: 'alice',
            SerialNumber: 'arn:aws:iam::222222222222:mfa/bob',
            TokenCode: good,
          }),
        ),
      )
      expect(otherSerial.name).to.equal('AccessDenied')
      expect(otherSerial.message).to.contain('unable to validate MFA code')
      const unknownRole = await failure(() =>
        alice.sts.send(new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'Nope'), RoleSessionName: 'alice'})),
      )
      expect(unknownRole.name).to.equal('AccessDenied')
    })

    it('accepts the codes of the neighbouring 30 s steps and refuses older ones', async () => {
      const assume = (tokenCode: string) =>
        alice.sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn(DEVSTG, 'DevOps'),
            RoleSessionName: 'alice',
            SerialNumber: TEMPLATE.mfaSerial,
            TokenCode: tokenCode,
          }),
        )
      await assume(totp(TEMPLATE.mfaSecret, Date.now() - 30_000))
      await assume(totp(TEMPLATE.mfaSecret, Date.now() + 30_000))
      expect((await failure(() => assume(totp(TEMPLATE.mfaSecret, Date.now() - 120_000)))).name).to.equal(
        'AccessDenied',
      )
    })

    it('refuses a reused TOTP code when rejectReusedTotp is on (off by default)', async () => {
      const own = await startTestSandbox()
      try {
        const {sts} = clients(own.url, ALICE)
        const assume = (tokenCode: string) =>
          sts.send(
            new AssumeRoleCommand({
              RoleArn: roleArn(DEVSTG, 'Administrator'),
              RoleSessionName: 'alice',
              SerialNumber: TEMPLATE.mfaSerial,
              TokenCode: tokenCode,
            }),
          )
        const now = code()
        await assume(now)
        await assume(now)
        await own.control.updateSettings({rejectReusedTotp: true})
        const fresh = totp(TEMPLATE.mfaSecret, Date.now() + 30_000)
        await assume(fresh)
        expect((await failure(() => assume(fresh))).name).to.equal('AccessDenied')
      } finally {
        await own.stop()
      }
    })

    it('caps chained role sessions at one hour (ValidationError above 3600 s), from SSO and from AssumeRole credentials', async () => {
      const sso = clients(sb.url, await ssoRoleKeys(DEVSTG, 'DevOps')).sts
      const capped = await failure(() =>
        sso.send(
          new AssumeRoleCommand({DurationSeconds: 3601, RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'chain'}),
        ),
      )
      expect(capped.name).to.equal('ValidationError')
      expect(capped.message).to.contain('1 hour session limit for roles assumed by role chaining')
      const hop = await sso.send(
        new AssumeRoleCommand({DurationSeconds: 3600, RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'chain'}),
      )
      const second = clients(sb.url, keysOf(hop.Credentials)).sts
      const again = await failure(() =>
        second.send(
          new AssumeRoleCommand({DurationSeconds: 7200, RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'chain2'}),
        ),
      )
      expect(again.name).to.equal('ValidationError')
      const ok = await second.send(
        new AssumeRoleCommand({RoleArn: roleArn(TEMPLATE.accounts.shared, 'CI'), RoleSessionName: 'chain2'}),
      )
      expect(ok.AssumedRoleUser?.Arn).to.equal('arn:aws:sts::333333333333:assumed-role/CI/chain2')
    })

    it('validates DurationSeconds against 900 and the role maximum', async () => {
      const short = await failure(() =>
        alice.sts.send(
          new AssumeRoleCommand({DurationSeconds: 899, RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'alice'}),
        ),
      )
      expect(short.name).to.equal('ValidationError')
      const long = await failure(() =>
        alice.sts.send(
          new AssumeRoleCommand({DurationSeconds: 3601, RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'alice'}),
        ),
      )
      expect(long.name).to.equal('ValidationError')
      expect(long.message).to.contain('MaxSessionDuration')
    })

    it('GetSessionToken with MFA gives a session that assumes an MFA role without asking again', async () => {
      const session = await alice.sts.send(
        new GetSessionTokenCommand({DurationSeconds: 36_000, SerialNumber: TEMPLATE.mfaSerial, TokenCode: code()}),
      )
      expect(session.Credentials!.Expiration!.getTime() - Date.now()).to.be.within(36_000_000 - 5000, 36_000_000)
      const sessionClients = clients(sb.url, keysOf(session.Credentials))
      const identity = await sessionClients.sts.send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal('arn:aws:iam::222222222222:user/alice')
      const role = await sessionClients.sts.send(
        new AssumeRoleCommand({DurationSeconds: 7200, RoleArn: roleArn(DEVSTG, 'DevOps'), RoleSessionName: 'alice'}),
      )
      expect(role.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/DevOps/alice`)
      const nested = await failure(() => sessionClients.sts.send(new GetSessionTokenCommand({})))
      expect(nested.name).to.equal('AccessDenied')
    })

    it('a GetSessionToken session without MFA cannot assume an MFA role', async () => {
      const session = await alice.sts.send(new GetSessionTokenCommand({}))
      expect(session.Credentials!.Expiration!.getTime() - Date.now()).to.be.within(43_200_000 - 5000, 43_200_000)
      const denied = await failure(() =>
        clients(sb.url, keysOf(session.Credentials)).sts.send(
          new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'DevOps'), RoleSessionName: 'alice'}),
        ),
      )
      expect(denied.name).to.equal('AccessDenied')
    })

    it('AssumeRoleWithWebIdentity (unsigned) for a role that trusts web identities', async () => {
      const token = jwt({
        aud: 'sts.amazonaws.com',
        exp: Math.floor(Date.now() / 1000) + 300,
        iss: 'https://token.ci.example',
        sub: 'repo:org/infra',
      })
      const anonymous = clients(sb.url).sts
      const result = await anonymous.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: roleArn(DEVSTG, 'CI'),
          RoleSessionName: 'ci-run',
          WebIdentityToken: token,
        }),
      )
      expect(result.AssumedRoleUser?.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/CI/ci-run`)
      expect(result.SubjectFromWebIdentityToken).to.equal('repo:org/infra')
      expect(result.Provider).to.equal('token.ci.example')
      const identity = await clients(sb.url, keysOf(result.Credentials)).sts.send(new GetCallerIdentityCommand({}))
      expect(identity.Arn).to.equal(`arn:aws:sts::${DEVSTG}:assumed-role/CI/ci-run`)

      const expired = jwt({exp: Math.floor(Date.now() / 1000) - 10, iss: 'https://token.ci.example', sub: 'x'})
      const lapsed = await failure(() =>
        anonymous.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn(DEVSTG, 'CI'),
            RoleSessionName: 'ci',
            WebIdentityToken: expired,
          }),
        ),
      )
      expect(lapsed.name).to.equal('ExpiredTokenException')
      const notTrusted = await failure(() =>
        anonymous.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn(DEVSTG, 'DevOps'),
            RoleSessionName: 'ci',
            WebIdentityToken: token,
          }),
        ),
      )
      expect(notTrusted.name).to.equal('AccessDenied')
      const garbage = await failure(() =>
        anonymous.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn(DEVSTG, 'CI'),
            RoleSessionName: 'ci',
            WebIdentityToken: 'nope',
          }),
        ),
      )
      expect(garbage.name).to.equal('InvalidIdentityTokenException')
    })

    it('InvalidClientTokenId for an unknown key or a missing/wrong session token', async () => {
      const unknown = await failure(() =>
        clients(sb.url, {accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'}).sts.send(
          new GetCallerIdentityCommand({}),
        ),
      )
      expect(unknown.name).to.equal('InvalidClientTokenId')
      expect(unknown.$metadata?.httpStatusCode).to.equal(403)
      const role = await alice.sts.send(
        new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'alice'}),
      )
      const keys = keysOf(role.Credentials)
      const noToken = await failure(() =>
        clients(sb.url, {accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey}).sts.send(
          new GetCallerIdentityCommand({}),
        ),
      )
      expect(noToken.name).to.equal('InvalidClientTokenId')
      const wrongToken = await failure(() =>
        clients(sb.url, {...keys, sessionToken: `${keys.sessionToken}x`}).iam.send(
          new ListMFADevicesCommand({UserName: 'alice'}),
        ),
      )
      expect(wrongToken.name).to.equal('InvalidClientTokenId')
    })

    it('SignatureDoesNotMatch for a wrong secret key, on STS and IAM', async () => {
      const wrong = clients(sb.url, {...ALICE, secretAccessKey: `${ALICE.secretAccessKey}x`})
      const sts = await failure(() => wrong.sts.send(new GetCallerIdentityCommand({})))
      expect(sts.name).to.equal('SignatureDoesNotMatch')
      expect(sts.$metadata?.httpStatusCode).to.equal(403)
      const iam = await failure(() => wrong.iam.send(new ListMFADevicesCommand({})))
      expect(iam.name).to.equal('SignatureDoesNotMatch')
    })

    it('ExpiredToken for temporary credentials past their expiry; long-term keys never expire', async () => {
      const role = await alice.sts.send(
        new AssumeRoleCommand({RoleArn: roleArn(DEVSTG, 'CI'), RoleSessionName: 'alice'}),
      )
      const roleSts = clients(sb.url, keysOf(role.Credentials)).sts
      await roleSts.send(new GetCallerIdentityCommand({}))
      await sb.control.expire(['credentials'])
      const expired = await failure(() => roleSts.send(new GetCallerIdentityCommand({})))
      expect(expired.name).to.equal('ExpiredToken')
      expect(expired.$metadata?.httpStatusCode).to.equal(403)
      await alice.sts.send(new GetCallerIdentityCommand({}))
    })
  })

  describe('sandbox clock', () => {
    it('credentials lapse when the injected clock passes their expiry', async () => {
      let offset = 0
      const sb = await startTestSandbox({}, {now: () => Date.now() + offset})
      try {
        const session = await clients(sb.url, ALICE).sts.send(new GetSessionTokenCommand({DurationSeconds: 900}))
        const {sts} = clients(sb.url, keysOf(session.Credentials))
        offset = 899_000
        await sts.send(new GetCallerIdentityCommand({}))
        offset = 900_001
        expect((await failure(() => sts.send(new GetCallerIdentityCommand({})))).name).to.equal('ExpiredToken')
      } finally {
        await sb.stop()
      }
    })
  })
})
