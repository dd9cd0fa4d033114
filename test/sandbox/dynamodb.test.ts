import {DynamoDBClient, DynamoDBServiceException, GetItemCommand} from '@aws-sdk/client-dynamodb'
import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  dynamoDbClient,
  DynamoDbError,
  type DynamoDbPort,
  type ScanInput,
} from '../../src/integrations/dynamodb/dynamodb-client.js'
import {normaliseConfig, SandboxConfigError, type SandboxConfigInput} from '../../src/sandbox/index.js'
import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'
import {clients, type Keys} from './sdk-clients.js'

const AWS_CLI = '/usr/bin/aws'
const ALICE: Keys = {accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}
const {security: SECURITY, shared: SHARED} = TEMPLATE.accounts

/** The letme example item, as its README shows it. */
const EXAMPLE = {
  description: 'reached through three roles',
  id: 555_555_555_555,
  name: 'example1',
  region: ['eu-west-1', 'eu-central-1'],
  role: [
    `arn:aws:iam::${SECURITY}:role/DevOps`,
    `arn:aws:iam::${SHARED}:role/DevOps`,
    'arn:aws:iam::555555555555:role/DevOps',
  ],
}

const DYNAMODB: SandboxConfigInput['dynamodb'] = {
  tables: {
    accounts: {
      account: 'security',
      generate: {count: 250, hops: [1, 3], via: ['security', 'shared']},
      items: [EXAMPLE],
      maxItemsPerPage: 200,
    },
    'eu-table': {account: 'security', items: [{name: 'x', role: [EXAMPLE.role[0]]}], region: 'eu-west-1'},
  },
}

async function failure(port: DynamoDbPort, input: ScanInput): Promise<DynamoDbError> {
  try {
    await port.scan(input)
  } catch (error) {
    expect(error).to.be.instanceOf(DynamoDbError)
    return error as DynamoDbError
  }

  throw new Error('the Scan succeeded')
}

describe('sandbox DynamoDB (JSON protocol, SigV4, Scan with pagination)', function () {
  this.timeout(30_000)
  let sb: TestSandbox

  before(async () => {
    sb = await startTestSandbox({dynamodb: DYNAMODB})
  })

  after(() => sb?.stop())

  const client = (keys: Keys, region = 'us-east-1'): DynamoDbPort =>
    dynamoDbClient({
      credentials: keys,
      env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url},
      maxAttempts: 1,
      region,
    })

  async function scanLog() {
    return (await sb.control.requestLog()).filter((entry) => entry.service === 'dynamodb')
  }

  it('exports AWS_ENDPOINT_URL_DYNAMODB with the other endpoint variables', () => {
    expect(sb.sandbox.env().AWS_ENDPOINT_URL_DYNAMODB).to.equal(sb.url)
    expect(sb.sandbox.exportVariables().AWS_ENDPOINT_URL_DYNAMODB).to.equal(sb.url)
  })

  it('Scan returns the items in the account table structure (id N, name S, region and role lists)', async () => {
    const page = await client(ALICE).scan({Limit: 1, TableName: 'accounts'})
    expect(page.Items).to.deep.equal([
      {
        description: {S: EXAMPLE.description},
        id: {N: '555555555555'},
        name: {S: 'example1'},
        region: {L: [{S: 'eu-west-1'}, {S: 'eu-central-1'}]},
        role: {L: EXAMPLE.role.map((arn) => ({S: arn}))},
      },
    ])
    expect(page.Count).to.equal(1)
    expect(page.LastEvaluatedKey).to.deep.equal({name: {S: 'example1'}})
  })

  it('Limit and ExclusiveStartKey page through all 251 items once, in order; the last full page still has a key', async () => {
    const port = client(ALICE)
    const names: string[] = []
    const keys: unknown[] = []
    let start: ScanInput['ExclusiveStartKey']
    do {
      const page = await port.scan({Limit: 50, TableName: 'accounts', ...(start ? {ExclusiveStartKey: start} : {})})
      names.push(...(page.Items ?? []).map((item) => (item.name as {S: string}).S))
      keys.push(page.LastEvaluatedKey)
      start = page.LastEvaluatedKey
    } while (start)

    expect(names).to.have.length(251)
    expect(new Set(names).size).to.equal(251)
    expect(names.slice(0, 3)).to.deep.equal(['example1', 'account-0001', 'account-0002'])
    // 251 = 5 × 50 + 1: six pages, each of the first five ending on its 50th item
    expect(keys).to.have.length(6)
    expect(keys[4]).to.deep.equal({name: {S: 'account-0249'}})
    expect(keys[5]).to.equal(undefined)
  })

  it('without Limit a page holds at most the table cap (maxItemsPerPage 200): two pages', async () => {
    const port = client(ALICE)
    const first = await port.scan({TableName: 'accounts'})
    expect(first.Items).to.have.length(200)
    expect(first.LastEvaluatedKey).to.deep.equal({name: {S: 'account-0199'}})
    const second = await port.scan({ExclusiveStartKey: first.LastEvaluatedKey, TableName: 'accounts'})
    expect(second.Items).to.have.length(51)
    expect(second.LastEvaluatedKey).to.equal(undefined)
    const generated = [...first.Items!, ...second.Items!].slice(1)
    const hops = generated.map((item) => (item.role as {L: unknown[]}).L.length)
    expect(hops.filter((count) => count === 1)).to.have.length(125)
    expect(hops.filter((count) => count === 3)).to.have.length(125)
    expect((generated[1].role as {L: Array<{S: string}>}).L.map((role) => role.S)).to.deep.equal([
      `arn:aws:iam::${SECURITY}:role/DevOps`,
      `arn:aws:iam::${SHARED}:role/DevOps`,
      `arn:aws:iam::${TEMPLATE.accounts.security}:role/DevOps`,
    ])
  })

  it('ProjectionExpression with ExpressionAttributeNames (as letme init asks) and Select COUNT', async () => {
    const raw = await fetchScan({
      ExpressionAttributeNames: {'#0': 'id', '#1': 'name'},
      Limit: 1,
      ProjectionExpression: '#0, #1',
      TableName: 'accounts',
    })
    expect(raw.Items).to.deep.equal([{id: {N: '555555555555'}, name: {S: 'example1'}}])
    const count = await fetchScan({Select: 'COUNT', TableName: 'eu-table'}, 'eu-west-1')
    expect(count).to.deep.equal({Count: 1, ScannedCount: 1})
  })

  /** A Scan with any input (beyond what the client's type allows), through the same signing. */
  async function fetchScan(input: Record<string, unknown>, region = 'us-east-1') {
    return client(ALICE, region).scan(input as unknown as ScanInput)
  }

  it('a missing table, or one in another region, is ResourceNotFoundException', async () => {
    const missing = await failure(client(ALICE), {TableName: 'nope'})
    expect(missing.name).to.equal('ResourceNotFoundException')
    expect(missing.status).to.equal(400)
    expect((await failure(client(ALICE), {TableName: 'eu-table'})).name).to.equal('ResourceNotFoundException')
    expect((await client(ALICE, 'eu-west-1').scan({TableName: 'eu-table'})).Count).to.equal(1)
  })

  it('a bad ExclusiveStartKey or Limit is ValidationException', async () => {
    const port = client(ALICE)
    const badKey = await failure(port, {ExclusiveStartKey: {name: {S: 'no-such'}}, TableName: 'accounts'})
    expect(badKey.name).to.equal('ValidationException')
    expect((await failure(port, {Limit: 0, TableName: 'accounts'})).name).to.equal('ValidationException')
  })

  it('a principal of another account is AccessDeniedException; session credentials of the table account are accepted', async () => {
    const {sts} = clients(sb.url, ALICE)
    const role = async (account: string) => {
      const {Credentials} = await sts.send(
        new AssumeRoleCommand({RoleArn: `arn:aws:iam::${account}:role/CI`, RoleSessionName: 'dynamo-test'}),
      )
      return {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      }
    }

    const denied = await failure(client(await role('555555555555')), {TableName: 'accounts'})
    expect(denied.name).to.equal('AccessDeniedException')
    expect(denied.message).to.contain('assumed-role/CI/dynamo-test is not authorized to perform: dynamodb:Scan')
    expect(denied.message).to.contain(`arn:aws:dynamodb:us-east-1:${SECURITY}:table/accounts`)
    expect((await client(await role(SECURITY)).scan({Limit: 2, TableName: 'accounts'})).Count).to.equal(2)
  })

  it('only keys the sandbox issued or configured sign: unknown key, wrong secret, expired session', async () => {
    const unknown = await failure(client({accessKeyId: 'AKIANOTISSUED0000000', secretAccessKey: 'x'.repeat(40)}), {
      TableName: 'accounts',
    })
    expect(unknown.name).to.equal('UnrecognizedClientException')
    const wrong = await failure(client({...ALICE, secretAccessKey: 'not/the/secret/key/00000000000000000'}), {
      TableName: 'accounts',
    })
    expect(wrong.name).to.equal('InvalidSignatureException')
    const {Credentials} = await clients(sb.url, ALICE).sts.send(
      new AssumeRoleCommand({RoleArn: `arn:aws:iam::${SECURITY}:role/CI`, RoleSessionName: 'soon-expired'}),
    )
    await sb.control.expire(['credentials'])
    const expired = await failure(
      client({
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      }),
      {TableName: 'accounts'},
    )
    expect(expired.name).to.equal('ExpiredTokenException')
    const outcomes = (await scanLog()).map((entry) => entry.outcome)
    expect(outcomes).to.include.members([
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'ExpiredTokenException',
    ])
  })

  it('an unsigned call is MissingAuthenticationTokenException; an operation it lacks is UnknownOperationException', async () => {
    const unsigned = await fetch(sb.url, {
      body: '{"TableName":"accounts"}',
      headers: {'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Scan'},
      method: 'POST',
    })
    expect(unsigned.status).to.equal(400)
    expect(((await unsigned.json()) as {__type: string}).__type).to.equal(
      'com.amazon.coral.service#MissingAuthenticationTokenException',
    )
    const sdk = new DynamoDBClient({credentials: ALICE, endpoint: sb.url, maxAttempts: 1, region: 'us-east-1'})
    let getItem: unknown
    try {
      await sdk.send(new GetItemCommand({Key: {name: {S: 'example1'}}, TableName: 'accounts'}))
    } catch (error) {
      getItem = error
    } finally {
      sdk.destroy()
    }

    expect(getItem).to.be.instanceOf(DynamoDBServiceException)
    expect((getItem as DynamoDBServiceException).name).to.equal('UnknownOperationException')
    expect((getItem as DynamoDBServiceException).$metadata.httpStatusCode).to.equal(400)
  })

  describe('with the real AWS CLI v2 (/usr/bin/aws dynamodb scan --endpoint-url)', () => {
    let home: string

    before(function () {
      requireOrSkip(this, existsSync(AWS_CLI), `the real AWS CLI v2 is not at ${AWS_CLI}`)
      home = mkdtempSync(join(tmpdir(), 'terrace-dynamo-cli-'))
      writeFileSync(join(home, 'config'), '')
      writeFileSync(join(home, 'credentials'), '')
    })

    after(() => {
      if (home) rmSync(home, {force: true, recursive: true})
    })

    function aws(args: string[], keys: Keys = ALICE) {
      const env: NodeJS.ProcessEnv = {
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_CONFIG_FILE: join(home, 'config'),
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
        HOME: home,
        PATH: process.env.PATH,
      }
      return new Promise<{code: number; stderr: string; stdout: string}>((resolve) => {
        execFile(
          AWS_CLI,
          ['dynamodb', ...args, '--endpoint-url', sb.url, '--output', 'json'],
          {env, maxBuffer: 16 * 1024 * 1024},
          (error, stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stderr, stdout}),
        )
      })
    }

    it('scan follows the two pages of the 251 items (two Scan calls in the sandbox log)', async () => {
      await sb.control.clearRequestLog()
      const result = await aws(['scan', '--table-name', 'accounts'])
      expect(result.stderr).to.equal('')
      expect(result.code).to.equal(0)
      const out = JSON.parse(result.stdout) as {Count: number; Items: Array<{name: {S: string}}>}
      expect(out.Items).to.have.length(251)
      expect(out.Count).to.equal(251)
      expect(new Set(out.Items.map((item) => item.name.S)).size).to.equal(251)
      const log = await scanLog()
      expect(log.map((entry) => `${entry.operation} ${entry.outcome} ${entry.caller}`)).to.deep.equal([
        `Scan ok arn:aws:iam::${SECURITY}:user/alice`,
        `Scan ok arn:aws:iam::${SECURITY}:user/alice`,
      ])
    })

    it('--page-size 100: three Scan calls, the same 251 items', async () => {
      await sb.control.clearRequestLog()
      const result = await aws(['scan', '--table-name', 'accounts', '--page-size', '100'])
      expect(result.code, result.stderr).to.equal(0)
      expect((JSON.parse(result.stdout) as {Items: unknown[]}).Items).to.have.length(251)
      expect(await scanLog()).to.have.length(3)
    })

    it('a missing table: the CLI exits 254 naming ResourceNotFoundException', async () => {
      const result = await aws(['scan', '--table-name', 'missing'])
      expect(result.code).to.equal(254)
      expect(result.stderr).to.contain('ResourceNotFoundException')
      expect(result.stderr).to.contain('Requested resource not found')
    })
  })

  describe('configuration', () => {
    const accounts = {security: {id: '222222222222'}, shared: {id: '333333333333'}}
    const problem = (dynamodb: unknown): string => {
      try {
        normaliseConfig({accounts, dynamodb} as SandboxConfigInput)
      } catch (error) {
        expect(error).to.be.instanceOf(SandboxConfigError)
        return (error as SandboxConfigError).problem
      }

      throw new Error('the configuration was accepted')
    }

    it('tables: listed items then generated ones, with the table account, key and region', () => {
      const config = normaliseConfig({
        accounts,
        dynamodb: {
          tables: {tab1: {account: 'shared', generate: {count: 2, hops: [2], via: ['security']}, items: [EXAMPLE]}},
        },
        region: 'eu-west-1',
      })
      const [table] = config.dynamoTables
      expect(table).to.include({
        accountId: '333333333333',
        key: 'name',
        maxItemsPerPage: null,
        name: 'tab1',
        region: 'eu-west-1',
      })
      expect(table.items.map((item) => item.name)).to.deep.equal([
        {S: 'example1'},
        {S: 'account-0001'},
        {S: 'account-0002'},
      ])
      expect(table.items[2].role).to.deep.equal({
        L: [{S: 'arn:aws:iam::222222222222:role/DevOps'}, {S: 'arn:aws:iam::333333333333:role/DevOps'}],
      })
      expect(table.items[2].region).to.deep.equal({L: [{S: 'eu-west-1'}]})
    })

    it('names what is wrong', () => {
      expect(problem({tables: {tab1: {items: []}}})).to.equal('dynamodb.tables.tab1.account: is required')
      expect(problem({tables: {tab1: {account: 'nowhere'}}})).to.equal(
        "dynamodb.tables.tab1.account 'nowhere' is not a configured account",
      )
      expect(problem({tables: {tab1: {account: 'shared', items: [{name: 'a', nmae: 'b', role: []}]}}})).to.match(
        /^dynamodb\.tables\.tab1\.items\[0\]\.nmae: unknown key/,
      )
      expect(problem({tables: {tab1: {account: 'shared', items: [{name: 'a', role: []}]}}})).to.equal(
        'dynamodb.tables.tab1.items[0].role must list at least one role ARN',
      )
      expect(
        problem({tables: {tab1: {account: 'shared', generate: {count: 3, hops: [1, 3], via: ['security']}}}}),
      ).to.equal('dynamodb.tables.tab1.generate.via must name at least 2 account(s) for items of 3 hops')
      const twice = {name: 'a', role: [EXAMPLE.role[0]]}
      expect(problem({tables: {tab1: {account: 'shared', items: [twice, twice]}}})).to.equal(
        "dynamodb.tables.tab1: key 'name' = a is used by two items",
      )
      expect(problem({tables: {x: {account: 'shared'}}})).to.match(/^dynamodb\.tables\.x: a table name is 3 to 255/)
    })
  })
})
