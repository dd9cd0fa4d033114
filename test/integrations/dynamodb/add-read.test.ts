import {expect} from 'chai'

import type {Workspace} from '../../../src/workspace/session.js'

import {planDynamoDbAdd} from '../../../src/integrations/dynamodb/add.js'
import {readDynamoDbIntegration} from '../../../src/integrations/dynamodb/read.js'
import {systemClock} from '../../../src/lib/clock.js'
import {exitCodeOf} from '../../../src/lib/errors.js'
import {emptyWorkspace} from '../../../src/workspace/session.js'
import {usageProblem} from '../../helpers/errors.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../../helpers/sandbox.js'

const USER_ID = 'aaaaaaaa-0000-4000-8000-000000000001'
const SSO_ID = 'aaaaaaaa-0000-4000-8000-000000000002'

function workspace(mfaSerial: null | string = null): Workspace {
  const base = {
    mode: null,
    profile: 'default',
    region: null,
    source: null,
    startedAt: null,
    status: 'inactive' as const,
  }
  return {
    ...emptyWorkspace(),
    sessions: [
      {...base, id: USER_ID, mfaSerial, name: 'alice', type: 'aws-iam-user'},
      {
        ...base,
        accountId: '555555555555',
        accountName: null,
        id: SSO_ID,
        name: 'sso',
        roleName: 'DevOps',
        ssoRegion: 'us-east-1',
        startUrl: 'https://example.awsapps.com/start',
        type: 'aws-sso-role',
      },
    ],
  }
}

const FLAGS = {alias: 'corp', region: 'us-east-1', sourceSession: 'alice', table: 'accounts'}

describe('dynamodb integration: add and read', () => {
  describe('integration add dynamodb (flags → integration)', () => {
    it('records the table, region and the source session by id', () => {
      const {integration, sourceUpdated} = planDynamoDbAdd(workspace(), FLAGS)
      expect(integration).to.deep.equal({
        alias: 'corp',
        lastSync: null,
        mfaSerial: null,
        region: 'us-east-1',
        sourceSessionId: USER_ID,
        table: 'accounts',
        type: 'dynamodb',
      })
      expect(sourceUpdated).to.equal(null)
    })

    it('--mfa-serial gives an IAM user session without a device that device (MFA at the first hop)', () => {
      const {
        integration,
        sourceUpdated,
        workspace: next,
      } = planDynamoDbAdd(workspace(), {
        ...FLAGS,
        mfaSerial: TEMPLATE.mfaSerial,
      })
      expect(integration.mfaSerial).to.equal(TEMPLATE.mfaSerial)
      expect(sourceUpdated).to.deep.include({id: USER_ID, mfaSerial: TEMPLATE.mfaSerial})
      expect(next.sessions.find((s) => s.id === USER_ID)).to.deep.include({mfaSerial: TEMPLATE.mfaSerial})
      expect(
        planDynamoDbAdd(workspace(TEMPLATE.mfaSerial), {...FLAGS, mfaSerial: TEMPLATE.mfaSerial}).sourceUpdated,
      ).to.equal(null)
    })

    it('each bad or missing flag is exit 2 naming it', () => {
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {...FLAGS, table: undefined}))).to.contain('--table')
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {...FLAGS, table: 'x'}))).to.contain('--table "x"')
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {...FLAGS, region: 'mars'}))).to.contain('--region "mars"')
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {...FLAGS, sourceSession: undefined}))).to.contain(
        '--source-session',
      )
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {...FLAGS, mfaSerial: 'nope'}))).to.contain('--mfa-serial')
      expect(usageProblem(() => planDynamoDbAdd(workspace(), {alias: 'corp'}))).to.contain(
        'Missing --table, --region, --source-session: a dynamodb integration needs them.',
      )
      expect(
        usageProblem(() =>
          planDynamoDbAdd(workspace(), {...FLAGS, mfaSerial: TEMPLATE.mfaSerial, sourceSession: 'sso'}),
        ),
      ).to.contain('is an aws-sso-role session')
      const other = 'arn:aws:iam::222222222222:mfa/other'
      expect(
        usageProblem(() => planDynamoDbAdd(workspace(TEMPLATE.mfaSerial), {...FLAGS, mfaSerial: other})),
      ).to.contain(`already uses ${TEMPLATE.mfaSerial}`)
      const once = planDynamoDbAdd(workspace(), FLAGS).workspace
      expect(usageProblem(() => planDynamoDbAdd(once, FLAGS))).to.contain('"corp" already exists')
    })

    it('an unknown source session is exit 4 listing the sessions', () => {
      let failure: unknown
      try {
        planDynamoDbAdd(workspace(), {...FLAGS, sourceSession: 'bob'})
      } catch (error) {
        failure = error
      }

      expect(exitCodeOf(failure)).to.equal(4)
      expect((failure as Error).message).to.equal('No session named "bob".')
    })
  })

  describe('sync read against the sandbox (the source session credentials passed in)', function () {
    this.timeout(30_000)
    let sb: TestSandbox

    before(async () => {
      sb = await startTestSandbox({
        dynamodb: {
          tables: {
            accounts: {
              account: 'security',
              generate: {count: 250, hops: [1, 3], via: ['security', 'shared']},
              maxItemsPerPage: 200,
            },
          },
        },
      })
    })

    after(() => sb?.stop())

    const {integration} = planDynamoDbAdd(workspace(), FLAGS)
    const asked: string[] = []
    const deps = {
      clock: systemClock,
      async credentials(id: string) {
        asked.push(id)
        return {accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}
      },
    }

    it('250 items (half 1 hop, half 3) in two pages: 250 item sessions and the shared hop sessions', async () => {
      const progress: number[] = []
      const read = await readDynamoDbIntegration(
        integration,
        {env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url}, onProgress: (p) => progress.push(p.done), workspace: workspace()},
        deps,
      )
      expect(asked).to.deep.equal([USER_ID])
      expect(read.stats).to.include({pages: 2, requests: 2, retries: 0, throttled: 0})
      expect(progress).to.deep.equal([200, 250])
      const items = read.sessions.filter((s) => s.key.startsWith('account:'))
      expect(items).to.have.length(250)
      // every 3-hop item goes security → shared → target: one shared hop-1 and one shared hop-2 session
      const hops = read.sessions.filter((s) => s.key.startsWith('hop:'))
      expect(hops.map((s) => s.fields.roleArn)).to.deep.equal([
        'arn:aws:iam::222222222222:role/DevOps',
        'arn:aws:iam::333333333333:role/DevOps',
      ])
      expect(items.filter((s) => s.parentKey === hops[1].key)).to.have.length(125)
      expect(items.filter((s) => s.parentKey === undefined)).to.have.length(125)
      expect(new Set(read.sessions.map((s) => s.key)).size).to.equal(252)
    })

    it('a table not in that region is exit 6 naming table, region and integration', async () => {
      let failure: unknown
      try {
        await readDynamoDbIntegration(
          {...integration, region: 'eu-west-1'},
          {env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url}, workspace: workspace()},
          deps,
        )
      } catch (error) {
        failure = error
      }

      expect(exitCodeOf(failure)).to.equal(6)
      expect((failure as Error).message).to.equal(
        'AWS refused reading DynamoDB table accounts (eu-west-1) for integration corp: ResourceNotFoundException: Requested resource not found',
      )
    })

    it('an endpoint where nothing listens is exit 9', async () => {
      let failure: unknown
      try {
        await readDynamoDbIntegration(
          integration,
          {env: {AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9'}, workspace: workspace()},
          deps,
        )
      } catch (error) {
        failure = error
      }

      expect(exitCodeOf(failure)).to.equal(9)
    })

    it('every Scan answered 500 (endpoint from AWS_ENDPOINT_URL): 5 attempts, then exit 9 naming the table', async () => {
      await sb.control.updateSettings({faults: {kinds: ['5xx'], rate: 1, services: ['dynamodb']}})
      await sb.control.clearRequestLog()
      let failure: unknown
      try {
        await readDynamoDbIntegration(integration, {env: {AWS_ENDPOINT_URL: sb.url}, workspace: workspace()}, deps)
      } catch (error) {
        failure = error
      } finally {
        await sb.control.updateSettings({faults: {rate: 0}})
      }

      expect(exitCodeOf(failure), String(failure)).to.equal(9)
      expect((failure as Error).message).to.match(
        /^DynamoDB kept failing while reading DynamoDB table accounts \(us-east-1\) for integration corp: .+ \(HTTP 5\d\d\)\.$/,
      )
      const scans = (await sb.control.requestLog()).filter((entry) => entry.service === 'dynamodb')
      expect(scans.map((entry) => entry.outcome)).to.deep.equal(Array.from({length: 5}, () => 'fault:5xx'))
    })
  })
})
