import {expect} from 'chai'

import {dynamoDbClient, type DynamoDbPort} from '../../../src/integrations/dynamodb/dynamodb-client.js'
import {readAccountTable} from '../../../src/integrations/dynamodb/table-reader.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../../helpers/sandbox.js'

const ALICE = {accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}

/** A seeded generator, so the injected faults fall the same way on every run. */
function seeded(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state / 2_147_483_648
  }
}

describe('dynamodb integration: reading the account table (sandbox)', function () {
  this.timeout(30_000)
  let sb: TestSandbox

  before(async () => {
    sb = await startTestSandbox(
      {
        dynamodb: {
          tables: {
            accounts: {
              account: 'security',
              generate: {count: 250, hops: [1, 3], via: ['security', 'shared']},
              items: [{name: 'broken', role: ['not-an-arn']}],
              maxItemsPerPage: 200,
            },
          },
        },
      },
      {random: seeded(7)},
    )
  })

  after(() => sb?.stop())

  const port = (maxAttempts = 1) =>
    dynamoDbClient({
      credentials: ALICE,
      env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url},
      maxAttempts,
      region: 'us-east-1',
    })

  const scans = async () =>
    (await sb.control.requestLog()).filter((entry) => entry.service === 'dynamodb' && entry.operation === 'Scan')

  it('follows the table two pages (LastEvaluatedKey), every item once, the unreadable one named', async () => {
    await sb.control.clearRequestLog()
    const progress: Array<[number, number]> = []
    const reading = await readAccountTable(port(), 'accounts', {
      progress: (pages, items) => progress.push([pages, items]),
    })
    expect(reading.pages).to.equal(2)
    expect(reading.items).to.have.length(250)
    expect(new Set(reading.items.map((item) => item.name)).size).to.equal(250)
    expect(reading.skipped).to.deep.equal(['item "broken": "not-an-arn" is not a role ARN'])
    expect(progress).to.deep.equal([
      [1, 199],
      [2, 250],
    ])
    expect((await scans()).map((entry) => entry.outcome)).to.deep.equal(['ok', 'ok'])
    const hops = reading.items.map((item) => item.roles.length)
    expect(hops.filter((n) => n === 3)).to.have.length(125)
    expect(reading.items[1].roles).to.deep.equal([
      'arn:aws:iam::222222222222:role/DevOps',
      'arn:aws:iam::333333333333:role/DevOps',
      `arn:aws:iam::${reading.items[1].id}:role/DevOps`,
    ])
  })

  it('with a page size (Limit 100): three pages, the same items', async () => {
    const reading = await readAccountTable(port(), 'accounts', {pageSize: 100})
    expect(reading.pages).to.equal(3)
    expect(reading.items).to.have.length(250)
  })

  it('with 30% of the Scans answered 500, retries bring every item, none twice', async () => {
    await sb.control.updateSettings({faults: {kinds: ['5xx'], rate: 0.3, services: ['dynamodb']}})
    await sb.control.clearRequestLog()
    try {
      const reading = await readAccountTable(port(10), 'accounts', {pageSize: 25})
      expect(reading.items).to.have.length(250)
      expect(new Set(reading.items.map((item) => item.name)).size).to.equal(250)
      const outcomes = (await scans()).map((entry) => entry.outcome)
      expect(outcomes.filter((outcome) => outcome === 'ok')).to.have.length(reading.pages)
      expect(outcomes.filter((outcome) => outcome === 'fault:5xx').length).to.be.greaterThan(0)
    } finally {
      await sb.control.updateSettings({faults: {rate: 0}})
    }
  })

  it('with 30% of the Scans throttled (429 kind: ProvisionedThroughputExceededException), every item, throttles counted', async function () {
    // the SDK backs off throttling from a 500 ms base (full jitter) and adaptive mode slows its send rate: seconds
    this.timeout(60_000)
    await sb.control.updateSettings({faults: {kinds: ['429'], rate: 0.3, services: ['dynamodb']}})
    const counts = {requests: 0, retries: 0, throttled: 0}
    try {
      const client = dynamoDbClient({
        counts,
        credentials: ALICE,
        env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url},
        maxAttempts: 10,
        region: 'us-east-1',
      })
      const reading = await readAccountTable(client, 'accounts', {pageSize: 25})
      expect(reading.items).to.have.length(250)
      const outcomes = (await scans()).filter((entry) => entry.outcome === 'fault:429')
      expect(counts.throttled).to.be.greaterThan(0)
      expect(counts.throttled).to.equal(counts.retries)
      expect(counts.requests).to.equal(reading.pages + counts.retries)
      expect(outcomes.length).to.be.at.least(counts.throttled)
    } finally {
      await sb.control.updateSettings({faults: {kinds: ['5xx'], rate: 0}})
    }
  })

  it('a table that hands back a key it already gave is an error, not an endless loop', async () => {
    const looping: DynamoDbPort = {
      scan: async () => ({Items: [], LastEvaluatedKey: {name: {S: 'same'}}}),
    }
    let failure: unknown
    try {
      await readAccountTable(looping, 'accounts')
    } catch (error) {
      failure = error
    }

    expect((failure as Error)?.message).to.equal('DynamoDB table accounts returned the same LastEvaluatedKey twice')
  })
})
