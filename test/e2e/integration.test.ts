/**
 * Issue 14 through the built CLI against the sandbox: terrace integration add/list/login/sync/logout/remove for
 * IAM Identity Center (aws-sso). The 1,000-account runs are in integration-scale.test.ts.
 */
import {expect} from 'chai'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {assertBuilt, collect, spawnCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {runOnPty} from '../helpers/pty.js'
import {keys, ok, type Scenario, scenario, sessions, START_URL, sync} from './integration-helpers.js'

const ADD = ['integration', 'add', 'aws-sso', '--alias', 'corp', '--start-url', START_URL, '--region', 'us-east-1']

interface ListedIntegration {
  alias: string
  lastSync: null | {counts: Record<string, number>; result: string}
  loggedInUntil: null | string
  sessions: number
  type: string
}

const integrations = async (s: Scenario) =>
  (JSON.parse((await ok(s, 'integration', 'list', '--json')).stdout) as {integrations: ListedIntegration[]})
    .integrations

describe('e2e: terrace integration (aws-sso) against the sandbox', function () {
  this.timeout(180_000)
  let s: Scenario

  before(assertBuilt)

  afterEach(async () => {
    await s?.stop()
  })

  it('add: a missing or bad flag exits 2 naming it, a taken alias exits 2; list: not logged in, never synced', async () => {
    s = await scenario({accounts: 2, rolesPerAccount: 1})
    for (const [args, flag] of [
      [ADD.filter((a) => a !== '--alias' && a !== 'corp'), '--alias'],
      [ADD.slice(0, -2), '--region'],
      [ADD.map((a) => (a === START_URL ? 'http://corp.awsapps.com/start' : a)), '--start-url'],
      [[...ADD, '--default-region', 'Europe'], '--default-region'],
      [ADD.map((a) => (a === 'corp' ? 'my corp' : a)), '--alias'],
    ] as Array<[string[], string]>) {
      const {code, stderr} = await s.cli(...args)
      expect(code, args.join(' ')).to.equal(2)
      expect(stderr).to.contain(flag)
    }

    const none = await s.cli('integration', 'add', 'aws-sso', '--region', 'us-east-1')
    expect(none.code).to.equal(2)
    expect(none.stderr).to.contain('Missing --alias, --start-url: an aws-sso integration needs them.')
    const dynamo = await s.cli('integration', 'add', 'dynamodb', '--alias', 'tbl')
    expect(dynamo.code).to.equal(2)
    expect(dynamo.stderr).to.contain('Missing --table, --region, --source-session')

    const asked = await runOnPty({
      answers: [START_URL, 'us-east-1'],
      args: ['integration', 'add', 'aws-sso', '--alias', 'asked'],
      cwd: s.dir,
      dir: s.dir,
      env: s.env(),
      prompts: ['(--start-url): ', '(--region): '],
    })
    expect(asked.exit, asked.output).to.equal(0)
    expect(asked.asked).to.equal(2)
    expect(asked.output).to.contain('Added integration asked (aws-sso')
    await ok(s, 'integration', 'remove', 'asked')

    await ok(s, ...ADD, '--default-region', 'eu-west-1')
    const again = await s.cli(...ADD)
    expect(again.code).to.equal(2)
    expect(again.stderr).to.contain('already exists')
    expect(await integrations(s)).to.deep.equal([
      {
        alias: 'corp',
        defaultRegion: 'eu-west-1',
        lastSync: null,
        loggedInUntil: null,
        region: 'us-east-1',
        sessions: 0,
        startUrl: START_URL,
        type: 'aws-sso',
      },
    ])
    const table = await ok(s, 'integration', 'list')
    expect(table.stdout).to.match(/corp\s+aws-sso\s+-\s+0\s+never/)
    const notLoggedIn = await s.cli('integration', 'sync', 'corp')
    expect(notLoggedIn.code).to.equal(5)
    expect(notLoggedIn.stderr).to.contain('terrace integration login corp')
    const unknown = await s.cli('integration', 'sync', 'nope')
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('No integration named "nope"')
    expect(unknown.stderr).to.contain('Integrations: corp (terrace integration list)')
    expect(unknown.stderr, 'the lookup fails before the sync starts').not.to.contain('starting the sync')
  })

  it('login shares the token of aws sso login; sync creates a session per role; again: nothing written; 10 accounts gone and 10 new: exactly those removed and added, edits kept', async () => {
    s = await scenario({accounts: 40, rolesPerAccount: 3})
    await ok(s, ...ADD)
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    const status = await ok(s, 'aws', 'sso', 'status', '--start-url', START_URL, '--region', 'us-east-1', '--json')
    expect(JSON.parse(status.stdout)).to.include({loggedIn: true})

    const first = await sync(s)
    expect(first.counts).to.deep.equal({added: 120, removed: 0, unchanged: 0, updated: 0})
    expect(first.requests.requests).to.be.at.least(41) // 1 ListAccounts page + 40 ListAccountRoles, plus retries
    expect(first.requests.requests - first.requests.retries).to.equal(41)
    const listed = await sessions(s)
    expect(listed.map((x) => x.source?.key)).to.have.members(keys(1, 40, 3))
    expect(listed[0]).to.deep.include({
      mode: null,
      name: 'corp-generated-0001-Role1',
      profile: 'corp-generated-0001-Role1',
      status: 'inactive',
    })
    const [listedCorp] = await integrations(s)
    expect(listedCorp.sessions).to.equal(120)
    expect(listedCorp.loggedInUntil).to.be.a('string')
    expect(listedCorp.lastSync).to.deep.include({result: 'ok'})

    // a sync with nothing changed writes nothing
    const bytes = readFileSync(s.workspaceFile)
    const {mtimeMs} = statSync(s.workspaceFile)
    const second = await sync(s)
    expect(second).to.include({written: false})
    expect(second.counts).to.deep.equal({added: 0, removed: 0, unchanged: 120, updated: 0})
    expect(readFileSync(s.workspaceFile).equals(bytes)).to.equal(true)
    expect(statSync(s.workspaceFile).mtimeMs).to.equal(mtimeMs)
    const human = await ok(s, 'integration', 'sync', 'corp')
    expect(human.stdout)
      .to.match(/0 added, 0 updated, 0 removed, 120 unchanged/)
      .and.match(/requests 41, throttled \d+/)
    expect(human.stderr).to.contain('corp:') // progress on stderr

    // the user's edits on synced sessions
    const edited = listed.find((x) => x.source?.key === `${900_000_000_020}/Role2`)!
    await ok(s, 'session', 'edit', edited.name, '--name', 'my-role', '--region', 'ap-south-1', '--profile', 'work')
    const doomed = listed.find((x) => x.source?.key === `${900_000_000_005}/Role1`)!
    // a started session (served under its profile in ~/.aws/config)
    await ok(s, 'session', 'start', doomed.name)
    expect(readFileSync(join(s.dir, '.aws', 'config'), 'utf8')).to.contain(`[profile ${doomed.profile}]`)

    // accounts 1-10 gone, 41-50 new
    await s.restart({accounts: 40, firstIndex: 11, rolesPerAccount: 3})
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    const third = await sync(s)
    expect(third.counts).to.deep.equal({added: 30, removed: 30, unchanged: 90, updated: 0})
    expect(third.removed.map((r) => r.key)).to.have.members(keys(1, 10, 3))
    expect(third.added.map((a) => a.key)).to.have.members(keys(41, 10, 3))
    expect(third.removed.find((r) => r.id === doomed.id)).to.deep.include({reason: 'gone', stopped: true})
    expect(readFileSync(join(s.dir, '.aws', 'config'), 'utf8')).not.to.contain(`[profile ${doomed.profile}]`)
    const after = await sessions(s)
    expect(after).to.have.length(120)
    expect(after.find((x) => x.id === edited.id)).to.deep.include({
      name: 'my-role',
      profile: 'work',
      region: 'ap-south-1',
    })
    const ids = new Map(listed.map((x) => [x.source!.key, x.id]))
    for (const session of after)
      if (ids.has(session.source!.key)) expect(session.id).to.equal(ids.get(session.source!.key))
    const summary = await s.cli('integration', 'sync', 'corp')
    expect(summary.stdout).to.contain('120 unchanged')
  })

  it('logout: active sessions stopped, the token revoked at the sandbox, its vault entries wiped, no issued secret in any file', async () => {
    s = await scenario({accounts: 3, rolesPerAccount: 2})
    await ok(s, ...ADD)
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    await sync(s)
    const [started, stoppedBefore] = await sessions(s)
    await ok(s, 'session', 'start', started.name)
    // started and stopped before the logout: not one the logout stops
    await ok(s, 'session', 'start', stoppedBefore.name)
    await ok(s, 'session', 'stop', stoppedBefore.name)
    const awsConfig = join(s.dir, '.aws', 'config')
    expect(readFileSync(awsConfig, 'utf8')).to.contain(`[profile ${started.profile}]`)
    await s.sb().control.clearRequestLog()
    const out = JSON.parse((await ok(s, 'integration', 'logout', 'corp', '--json')).stdout)
    expect(out).to.include({alias: 'corp', revoked: true})
    expect(out.stopped).to.deep.equal([started.name])
    expect(readFileSync(awsConfig, 'utf8')).not.to.contain(`[profile ${started.profile}]`)
    expect(out.wiped).to.include(`sso-token:${START_URL}`)
    const log = await s.sb().control.requestLog()
    expect(log.filter((e) => e.operation === 'Logout' && e.outcome === 'ok')).to.have.length(1)
    expect((await sessions(s)).every((x) => x.status === 'inactive' && x.mode === null)).to.equal(true)
    expect((await integrations(s))[0].loggedInUntil).to.equal(null)
    const status = await s.cli('aws', 'sso', 'status', '--start-url', START_URL, '--region', 'us-east-1')
    expect(status.code).to.equal(5)
    const {filesScanned, findings} = scanForSecrets({
      dirs: [s.dir],
      secrets: (await s.sb().control.secrets()).map((x) => ({kind: x.kind, value: x.value})),
    })
    expect(filesScanned).to.be.greaterThan(2)
    expect(findings).to.deep.equal([])
  })

  it('remove --keep-sessions keeps them as your own; remove takes the sessions with it', async () => {
    s = await scenario({accounts: 2, rolesPerAccount: 2})
    await ok(s, ...ADD)
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    await sync(s)
    await ok(s, 'integration', 'remove', 'corp', '--keep-sessions')
    const kept = await sessions(s)
    expect(kept).to.have.length(4)
    expect(kept.every((x) => x.source === null)).to.equal(true)
    expect(await integrations(s)).to.deep.equal([])
    await ok(s, ...ADD.map((a) => (a === 'corp' ? 'corp2' : a)))
    const resynced = await sync(s, 'corp2')
    expect(resynced.counts.added).to.equal(4) // the kept ones are the user's now: the new integration adds its own
    const removed = JSON.parse((await ok(s, 'integration', 'remove', 'corp2', '--json')).stdout)
    expect(removed.removed).to.have.length(4)
    expect(await sessions(s)).to.have.length(4)
    expect((await s.cli('integration', 'remove', 'corp2')).code).to.equal(4)
  })

  it('Ctrl-C (SIGINT) during a sync: exit 130 and the workspace exactly as before', async () => {
    s = await scenario({accounts: 200, rolesPerAccount: 3})
    await ok(s, ...ADD)
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    await sync(s)
    await s.restart({accounts: 200, firstIndex: 50, rolesPerAccount: 3})
    await ok(s, 'integration', 'login', 'corp', '--no-browser')
    const bytes = readFileSync(s.workspaceFile)
    const backup = readFileSync(`${s.workspaceFile}.bak`)
    await s.sb().control.clearRequestLog()
    const child = spawnCli(['integration', 'sync', 'corp'], {cwd: s.dir, env: s.env()})
    const done = collect(child)
    for (;;) {
      const log = await s.sb().control.requestLog()
      if (log.filter((e) => e.operation === 'ListAccountRoles').length >= 40) break
      await new Promise((resolve) => {
        setTimeout(resolve, 50)
      })
    }

    child.kill('SIGINT')
    const result = await done
    expect(result.code, result.stderr).to.equal(130)
    expect(result.stderr).to.contain('interrupted')
    expect(readFileSync(s.workspaceFile).equals(bytes)).to.equal(true)
    expect(readFileSync(`${s.workspaceFile}.bak`).equals(backup)).to.equal(true)
    const after = await sync(s)
    expect(after.counts).to.deep.include({added: 147, removed: 147})
  })
})
