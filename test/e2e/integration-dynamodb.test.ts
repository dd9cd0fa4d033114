import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {openVault} from '../../src/vault/select.js'
import {assertBuilt, runCli} from '../helpers/cli.js'
import {TEMPLATE, totp} from '../helpers/sandbox.js'
import {aliceIamUserSession, aliceKeysCsv} from '../helpers/session-fixtures.js'
import {ALICE_ARN, assumedArn, roleArn} from './chain-helpers.js'
import {AWS_V2, type Scenario, cli as scenarioCli, setUp, tearDown} from './delivery-helpers.js'

const run = promisify(execFile)

describe('e2e: terrace integration add dynamodb', function () {
  this.timeout(60_000)
  let tmp: string
  let home: string

  before(() => assertBuilt())

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-integ-dynamo-'))
    home = join(tmp, 'home')
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  const cli = (...args: string[]) => runCli(args, {cwd: tmp, env: {TERRACE_HOME: home}})
  const add = [
    'integration',
    'add',
    'dynamodb',
    '--alias',
    'corp',
    '--region',
    'us-east-1',
    '--source-session',
    'alice',
  ]

  it('records the integration with its source session; --mfa-serial gives the IAM user its device', async () => {
    // alice as `session add iam-user` leaves her without an MFA device (her keys, in the vault, play no part here)
    mkdirSync(home, {recursive: true})
    const alice = {
      id: 'aaaaaaaa-0000-4000-8000-000000000001',
      mfaSerial: null,
      mode: null,
      name: 'alice',
      profile: 'default',
      region: null,
      source: null,
      startedAt: null,
      status: 'inactive',
      type: 'aws-iam-user',
    }
    writeFileSync(
      join(home, 'workspace.json'),
      JSON.stringify({defaultRegion: null, integrations: [], sessions: [alice], version: 3}),
      {mode: 0o600},
    )
    const result = await cli(...add, '--table', 'accounts', '--mfa-serial', TEMPLATE.mfaSerial)
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stdout).to.contain(`Session alice now asks MFA with ${TEMPLATE.mfaSerial}.`)
    expect(result.stdout).to.contain('Added integration corp (dynamodb, table accounts in us-east-1)')
    const workspace = JSON.parse(readFileSync(join(home, 'workspace.json'), 'utf8')) as {
      integrations: Array<Record<string, unknown>>
      sessions: Array<Record<string, unknown>>
    }
    expect(workspace.sessions[0]).to.deep.include({mfaSerial: TEMPLATE.mfaSerial, name: 'alice'})
    expect(workspace.integrations).to.deep.equal([
      {
        alias: 'corp',
        lastSync: null,
        mfaSerial: TEMPLATE.mfaSerial,
        region: 'us-east-1',
        sourceSessionId: workspace.sessions[0].id,
        table: 'accounts',
        type: 'dynamodb',
      },
    ])
    const again = await cli(...add, '--table', 'accounts')
    expect(again.code).to.equal(2)
    expect(again.stderr).to.contain('An integration named "corp" already exists.')
    for (const command of ['login', 'logout']) {
      const none = await cli('integration', command, 'corp')
      expect(none.code, command).to.equal(2)
      expect(none.stderr).to.contain('A dynamodb integration has no login of its own.')
      expect(none.stderr).to.contain('session alice').and.contain('terrace integration sync corp')
    }
  })

  it('a missing flag is exit 2 naming it; an unknown source session exit 4; nothing written', async () => {
    const missing = await cli(...add)
    expect(missing.code).to.equal(2)
    expect(missing.stderr).to.contain('Missing --table')
    const unknown = await cli(...add, '--table', 'accounts')
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('No session named "alice".')
    const listed = await cli('session', 'list', '--json')
    expect(JSON.parse(listed.stdout)).to.deep.include({sessions: []})
  })

  describe('sync a 250-item table (1 and 3 hops) and start a 3-hop session (sandbox, file vault, the real AWS CLI)', () => {
    let s: Scenario
    let csvDir: string

    before(async () => {
      s = await setUp({
        dynamodb: {
          tables: {
            accounts: {
              account: 'security',
              generate: {count: 250, hops: [1, 3], via: ['security', 'shared']},
              // one item no session can be made of: named in the sync's summary, no session
              items: [{id: 555_555_555_555, name: 'broken', region: ['us-east-1'], role: ['not-an-arn']}],
              maxItemsPerPage: 200,
            },
          },
        },
        mfa: {rejectReusedCodes: true},
      })
      const keys = aliceKeysCsv()
      csvDir = keys.dir
      const added = await scenarioCli(s, ['session', 'add', ...aliceIamUserSession(keys.csv)])
      expect(added.code, added.stderr).to.equal(0)
    })

    after(async () => {
      await tearDown(s)
      if (csvDir) rmSync(csvDir, {force: true, recursive: true})
    })

    const log = async (operations: string[]) =>
      (await s.sb.control.requestLog())
        .filter((entry) => operations.includes(entry.operation))
        .map((entry) => `${entry.operation} ${entry.outcome} ${entry.caller}`)

    it('integration sync reads the table in two Scan pages with the source session (one MFA code): 252 sessions', async () => {
      const added = await scenarioCli(s, [
        'integration',
        'add',
        'dynamodb',
        '--alias',
        'corp',
        '--table',
        'accounts',
        '--region',
        'us-east-1',
        '--source-session',
        'alice',
      ])
      expect(added.code, added.stderr).to.equal(0)
      await s.sb.control.clearRequestLog()
      const synced = await scenarioCli(s, ['integration', 'sync', 'corp', '--json'], {
        env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)},
      })
      expect(synced.code, synced.stderr).to.equal(0)
      const summary = JSON.parse(synced.stdout) as {counts: Record<string, number>; requests: {requests: number}}
      expect(summary.counts).to.deep.equal({added: 252, removed: 0, unchanged: 0, updated: 0})
      expect((summary as unknown as {skipped: string[]}).skipped).to.deep.equal([
        'item "broken": "not-an-arn" is not a role ARN',
      ])
      expect(synced.stderr).to.contain('1 entry of the source could not become sessions').and.contain('broken')
      expect(summary.requests.requests).to.equal(2)
      expect(await log(['GetSessionToken', 'Scan', 'AssumeRole'])).to.deep.equal([
        `GetSessionToken ok ${ALICE_ARN}`,
        `Scan ok ${ALICE_ARN}`,
        `Scan ok ${ALICE_ARN}`,
      ])
      const again = await scenarioCli(s, ['integration', 'sync', 'corp', '--json'])
      expect(again.code, again.stderr).to.equal(0)
      expect(JSON.parse(again.stdout)).to.deep.include({written: false})
      expect(JSON.parse(again.stdout).counts).to.deep.equal({added: 0, removed: 0, unchanged: 252, updated: 0})
    })

    it('integration list shows it: type dynamodb, no login, 252 sessions, the last sync', async () => {
      const listed = await scenarioCli(s, ['integration', 'list', '--json'])
      expect(listed.code, listed.stderr).to.equal(0)
      const [corp] = JSON.parse(listed.stdout).integrations as Array<Record<string, unknown>>
      expect(corp).to.deep.include({alias: 'corp', loggedInUntil: null, sessions: 252, type: 'dynamodb'})
    })

    it('session start of a 3-hop item asks MFA once, shows [i/3], and the real AWS CLI gets the last role', async () => {
      // a fresh start: alice's cached MFA session (from the sync) is wiped, so the chain walks from her keys
      const store = await openVault({env: s.env, home: s.env.TERRACE_HOME!, interactive: false, notice() {}})
      for (const entry of await store.list()) if (entry.startsWith('session-credentials:')) await store.delete(entry)
      await s.sb.control.clearRequestLog()
      // account-0004: the fourth generated item, three hops (security → shared → network 444444444444)
      const started = await scenarioCli(s, ['session', 'start', 'corp.account-0004'], {
        env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret, Date.now() + 30_000)},
      })
      expect(started.code, started.stderr).to.equal(0)
      const hops = [roleArn('222222222222'), roleArn('333333333333'), roleArn('444444444444')]
      expect(started.stderr.split('\n').filter((line) => /^\[\d\/\d] /.test(line))).to.deep.equal(
        hops.map((arn, i) => `[${i + 1}/3] ${arn}`),
      )
      const walk = await log(['GetSessionToken', 'AssumeRole'])
      expect(walk.map((line) => line.split(' ').slice(0, 2).join(' '))).to.deep.equal([
        'GetSessionToken ok',
        'AssumeRole ok',
        'AssumeRole ok',
        'AssumeRole ok',
      ])
      const {stdout} = await run(
        AWS_V2,
        [
          '--profile',
          'corp.account-0004',
          'sts',
          'get-caller-identity',
          '--output',
          'json',
          '--endpoint-url',
          s.sb.url,
        ],
        {cwd: s.dir, env: {...s.env, PATH: process.env.PATH}},
      )
      expect(JSON.parse(stdout).Arn).to.equal(assumedArn('444444444444', 'terrace-corp.account-0004'))
      // served from the vault through credential_process: no new MFA code, no new walk
      expect(await log(['GetSessionToken', 'AssumeRole'])).to.have.length(4)
    })
  })
})
