import {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccountRoles,
  paginateListAccounts,
  SSOClient,
} from '@aws-sdk/client-sso'
import {CreateTokenCommand} from '@aws-sdk/client-sso-oidc'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {expect} from 'chai'

import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'
import {clients, failure, login} from './sdk-clients.js'

describe('sandbox SSO portal', () => {
  describe('sandbox SSO portal through the real SDK client', () => {
    let sb: TestSandbox
    let aws: ReturnType<typeof clients>
    let accessToken: string

    before(async () => {
      sb = await startTestSandbox({rateLimit: {portal: null}})
      aws = clients(sb.url)
      accessToken = (await login(aws.oidc, (code) => sb.control.approve(code))).token.accessToken!
    })

    after(() => sb.stop())

    it('ListAccounts lists the configured accounts with names and emails', async () => {
      const page = await aws.sso.send(new ListAccountsCommand({accessToken, maxResults: 100}))
      expect(page.nextToken).to.equal(undefined)
      expect(page.accountList?.map((account) => `${account.accountName}=${account.accountId}`)).to.deep.equal([
        'management=111111111111',
        'security=222222222222',
        'shared=333333333333',
        'network=444444444444',
        'apps-devstg=555555555555',
        'apps-prd=666666666666',
      ])
      expect(page.accountList?.[0].emailAddress).to.equal('management@sandbox.example')
    })

    it('pages with maxResults and nextToken, and refuses a forged nextToken or maxResults above 100', async () => {
      const first = await aws.sso.send(new ListAccountsCommand({accessToken, maxResults: 4}))
      expect(first.accountList).to.have.length(4)
      expect(first.nextToken).to.be.a('string')
      const second = await aws.sso.send(
        new ListAccountsCommand({accessToken, maxResults: 4, nextToken: first.nextToken}),
      )
      expect(second.accountList?.map((account) => account.accountName)).to.deep.equal(['apps-devstg', 'apps-prd'])
      expect(second.nextToken).to.equal(undefined)
      const forged = await failure(() => aws.sso.send(new ListAccountsCommand({accessToken, nextToken: 'forged'})))
      expect(forged.name).to.equal('InvalidRequestException')
      const tooMany = await failure(() => aws.sso.send(new ListAccountsCommand({accessToken, maxResults: 101})))
      expect(tooMany.name).to.equal('InvalidRequestException')
    })

    it('ListAccountRoles lists the roles of an account (ReadOnly only in apps-prd), with pagination', async () => {
      const roles = async (accountId: string) => {
        const names: string[] = []
        for await (const page of paginateListAccountRoles({client: aws.sso, pageSize: 1}, {accessToken, accountId}))
          names.push(...(page.roleList ?? []).map((role) => role.roleName!))
        return names
      }

      expect(await roles(TEMPLATE.accounts['apps-prd'])).to.deep.equal(['DevOps', 'Administrator', 'ReadOnly'])
      expect(await roles(TEMPLATE.accounts.network)).to.deep.equal(['DevOps', 'Administrator'])
      const page = await aws.sso.send(new ListAccountRolesCommand({accessToken, accountId: TEMPLATE.accounts.shared}))
      expect(page.roleList?.[0]).to.deep.equal({accountId: TEMPLATE.accounts.shared, roleName: 'DevOps'})
    })

    it('GetRoleCredentials returns keys with an epoch-millisecond expiration that identify as the SSO role', async () => {
      const before = Date.now()
      const {roleCredentials} = await aws.sso.send(
        new GetRoleCredentialsCommand({accessToken, accountId: TEMPLATE.accounts['apps-devstg'], roleName: 'DevOps'}),
      )
      expect(roleCredentials?.accessKeyId).to.match(/^ASIA[A-Z0-9]{16}$/)
      expect(roleCredentials?.expiration).to.be.within(before + 3_600_000 - 1000, Date.now() + 3_600_000)
      const {sts} = clients(sb.url, {
        accessKeyId: roleCredentials!.accessKeyId!,
        secretAccessKey: roleCredentials!.secretAccessKey!,
        sessionToken: roleCredentials!.sessionToken!,
      })
      const identity = await sts.send(new GetCallerIdentityCommand({}))
      expect(identity.Account).to.equal('555555555555')
      expect(identity.Arn).to.match(
        /^arn:aws:sts::555555555555:assumed-role\/AWSReservedSSO_DevOps_[\da-f]{16}\/alice$/,
      )
      expect(identity.UserId).to.match(/^AROA[A-Z0-9]{17}:alice$/)
    })

    it('GetRoleCredentials refuses a role the user is not assigned (ForbiddenException)', async () => {
      const error = await failure(() =>
        aws.sso.send(
          new GetRoleCredentialsCommand({accessToken, accountId: TEMPLATE.accounts.network, roleName: 'ReadOnly'}),
        ),
      )
      expect(error.name).to.equal('ForbiddenException')
      expect(error.$metadata?.httpStatusCode).to.equal(403)
    })

    it('answers UnauthorizedException (401) for an unknown or expired access token', async () => {
      const unknown = await failure(() => aws.sso.send(new ListAccountsCommand({accessToken: 'aoa-unknown'})))
      expect(unknown.name).to.equal('UnauthorizedException')
      expect(unknown.$metadata?.httpStatusCode).to.equal(401)
      const {token} = await login(aws.oidc, (code) => sb.control.approve(code))
      await aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!}))
      await sb.control.expire(['access-tokens'])
      const expired = await failure(() => aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!})))
      expect(expired.name).to.equal('UnauthorizedException')
      accessToken = (await login(aws.oidc, (code) => sb.control.approve(code))).token.accessToken!
    })

    it('Logout revokes the access token and its refresh token server-side', async () => {
      const {client, token} = await login(aws.oidc, (code) => sb.control.approve(code))
      await aws.sso.send(new LogoutCommand({accessToken: token.accessToken!}))
      const after = await failure(() => aws.sso.send(new ListAccountsCommand({accessToken: token.accessToken!})))
      expect(after.name).to.equal('UnauthorizedException')
      const refresh = await failure(() =>
        aws.oidc.send(
          new CreateTokenCommand({
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            grantType: 'refresh_token',
            refreshToken: token.refreshToken,
          }),
        ),
      )
      expect(refresh.name).to.equal('InvalidGrantException')
      // other logins are untouched
      await aws.sso.send(new ListAccountsCommand({accessToken}))
    })
  })

  describe('sandbox SSO portal at scale', () => {
    it('the SDK paginator walks 256 accounts (250 generated) without gaps or repeats', async () => {
      const sb = await startTestSandbox({generateAccounts: 250, rateLimit: {portal: null}})
      try {
        const aws = clients(sb.url)
        const {token} = await login(aws.oidc, (code) => sb.control.approve(code))
        const ids: string[] = []
        let pages = 0
        for await (const page of paginateListAccounts(
          {client: aws.sso, pageSize: 100},
          {accessToken: token.accessToken!},
        )) {
          pages++
          ids.push(...(page.accountList ?? []).map((account) => account.accountId!))
        }

        expect(pages).to.equal(3)
        expect(ids).to.have.length(256)
        expect(new Set(ids).size).to.equal(256)
        expect(ids.at(-1)).to.equal('900000000250')
        const log = await sb.control.requestLog()
        expect(log.filter((entry) => entry.operation === 'ListAccounts')).to.have.length(3)
      } finally {
        await sb.stop()
      }
    })

    it('a burst past the rate limit gets 429 TooManyRequestsException, and the SDK retries absorb it', async () => {
      const sb = await startTestSandbox({rateLimit: {portal: {burst: 5, requestsPerSecond: 10}}})
      try {
        const aws = clients(sb.url)
        const {token} = await login(aws.oidc, (code) => sb.control.approve(code))
        const raw = await fetch(`${sb.url}/assignment/accounts`, {
          headers: {'x-amz-sso_bearer_token': token.accessToken!},
        })
        expect(raw.status).to.equal(200)
        // the client as terrace configures it for the portal: adaptive retries (client-side rate limiting once
        // throttled) and 8 attempts; the SDK's default (standard, 3 attempts, full jitter) can lose a burst's race
        const portal = new SSOClient({endpoint: sb.url, maxAttempts: 8, region: 'us-east-1', retryMode: 'adaptive'})
        const results = await Promise.all(
          Array.from({length: 8}, () => portal.send(new ListAccountsCommand({accessToken: token.accessToken!}))),
        )
        expect(results.every((result) => result.accountList?.length === 6)).to.equal(true)
        expect(results.some((result) => result.$metadata.attempts! > 1)).to.equal(true)
        const log = await sb.control.requestLog()
        const throttled = log.filter((entry) => entry.outcome === 'TooManyRequestsException')
        expect(throttled.length).to.be.at.least(1)
        expect(throttled[0].status).to.equal(429)
      } finally {
        await sb.stop()
      }
    })
  })
})
