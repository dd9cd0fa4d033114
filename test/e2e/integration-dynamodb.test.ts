import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, runCli} from '../helpers/cli.js'
import {TEMPLATE} from '../helpers/sandbox.js'

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
    const user = await cli('session', 'add', 'iam-user', '--name', 'alice')
    expect(user.code, user.stderr).to.equal(0)
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
})
