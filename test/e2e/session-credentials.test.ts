/**
 * Issue 13, workspace sessions with credentials, end to end: the built CLI against the sandbox, a file vault, a
 * private HOME (its ~/.aws files) and TERRACE_HOME. IAM user keys stored in the vault by `session add iam-user`
 * (verified with GetCallerIdentity) and deleted by `session remove`.
 */
import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {openVault} from '../../src/vault/select.js'
import {assertBuilt} from '../helpers/cli.js'
import {TEMPLATE} from '../helpers/sandbox.js'
import {ALICE_ARN} from './chain-helpers.js'
import {cli, type Scenario, setUp, tearDown} from './delivery-helpers.js'

describe('e2e: workspace sessions with credentials', function () {
  this.timeout(120_000)
  let s: Scenario
  let csvDir: string
  let csv: string

  before(async () => {
    assertBuilt()
    s = await setUp({mfa: {rejectReusedCodes: true}})
    // outside the scenario's folder: the leak scans must not find this copy of the secret key
    csvDir = mkdtempSync(join(tmpdir(), 'terrace-csv-'))
    csv = join(csvDir, 'alice_accessKeys.csv')
    writeFileSync(csv, `Access key ID,Secret access key\r\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\r\n`)
  })

  after(async () => {
    await tearDown(s)
    rmSync(csvDir, {force: true, recursive: true})
  })

  const vaultEntries = async () => {
    const store = await openVault({env: s.env, home: s.env.TERRACE_HOME!, interactive: false, notice() {}})
    return {list: () => store.list(), store}
  }

  const sessionId = async (name: string): Promise<string> => {
    const listed = await cli(s, ['session', 'list', '--json'])
    const found = JSON.parse(listed.stdout).sessions.find((session: {name: string}) => session.name === name)
    return found.id
  }

  it('add iam-user: keys from the console CSV, verified with GetCallerIdentity, in the vault keyed by the session id', async () => {
    const added = await cli(s, [
      'session',
      'add',
      'iam-user',
      '--name',
      'alice',
      '--credentials-file',
      csv,
      '--fetch-mfa-device',
    ])
    expect(added.code, added.stderr).to.equal(0)
    expect(added.stdout).to.include(ALICE_ARN).and.include(TEMPLATE.mfaSerial)
    expect(added.stdout).not.to.include(TEMPLATE.accessKeyId)
    const id = await sessionId('alice')
    const {store} = await vaultEntries()
    const stored = JSON.parse((await store.get(`session-keys:${id}`))!)
    expect(stored).to.deep.include({
      accessKeyId: TEMPLATE.accessKeyId,
      mfaSerial: TEMPLATE.mfaSerial,
      userArn: ALICE_ARN,
    })
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions[0]
    expect(listed).to.include({mfaSerial: TEMPLATE.mfaSerial, type: 'aws-iam-user'})
    const verified = (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetCallerIdentity')
    expect(verified.map((e) => e.caller)).to.deep.equal([ALICE_ARN])
  })

  it('add iam-user: keys AWS refuses exit 6 and store nothing; no CSV and no terminal exits 2 naming --credentials-file', async () => {
    const bad = join(csvDir, 'bad.csv')
    writeFileSync(bad, 'Access key ID,Secret access key\nAKIAUNKNOWNKEY000001,not-the-secret-of-any-key\n')
    const before = await (await vaultEntries()).list()
    const refused = await cli(s, ['session', 'add', 'iam-user', '--name', 'mallory', '--credentials-file', bad])
    expect(refused.code, refused.stderr).to.equal(6)
    const noKeys = await cli(s, ['session', 'add', 'iam-user', '--name', 'mallory'])
    expect(noKeys.code, noKeys.stderr).to.equal(2)
    expect(noKeys.stderr).to.include('--credentials-file')
    expect(await (await vaultEntries()).list()).to.deep.equal(before)
    const names = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions.map(
      (x: {name: string}) => x.name,
    )
    expect(names).not.to.include('mallory')
  })

  it('remove: nothing of the session is left in the vault', async () => {
    const added = await cli(s, ['session', 'add', 'iam-user', '--name', 'temp', '--credentials-file', csv])
    expect(added.code, added.stderr).to.equal(0)
    const id = await sessionId('temp')
    expect((await (await vaultEntries()).list()).filter((e) => e.includes(id))).to.have.length(1)
    const removed = await cli(s, ['session', 'remove', 'temp'])
    expect(removed.code, removed.stderr).to.equal(0)
    expect((await (await vaultEntries()).list()).filter((e) => e.includes(id))).to.deep.equal([])
  })
})
