import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, runCli} from '../helpers/cli.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'
import {VERSION_1, VERSION_2} from '../workspace/fixtures.js'

type Listed = {defaultRegion: null | string; sessions: Array<Record<string, unknown> & {id: string; name: string}>}

describe('e2e: terrace session (the workspace and its session definitions)', function () {
  this.timeout(60_000)
  let tmp: string
  let home: string
  let sb: TestSandbox
  /** alice's access keys as the console exports them: what `session add iam-user` stores in the vault */
  let keys: string[]

  before(async () => {
    assertBuilt()
    sb = await startTestSandbox()
  })

  after(async () => sb?.stop())

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-session-'))
    home = join(tmp, 'home')
    const csv = join(tmp, 'alice_accessKeys.csv')
    writeFileSync(csv, `Access key ID,Secret access key\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\n`)
    keys = ['--credentials-file', csv]
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  const cli = (...args: string[]) =>
    runCli(args, {
      cwd: tmp,
      env: {
        ...sb.env,
        TERRACE_HOME: home,
        TERRACE_VAULT: 'file',
        TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
      },
    })
  const ok = async (...args: string[]) => {
    const result = await cli(...args)
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0)
    return result
  }

  const list = async (...args: string[]): Promise<Listed> =>
    JSON.parse((await ok('session', 'list', '--json', ...args)).stdout)
  const names = async (...args: string[]) => (await list(...args)).sessions.map((s) => s.name)
  const file = () => join(home, 'workspace.json')

  const addAll = async () => {
    await ok(
      'session',
      'add',
      'sso-role',
      '--name',
      'prod-admin',
      '--start-url',
      'https://example.awsapps.com/start',
      '--sso-region',
      'us-east-1',
      '--account-id',
      '111111111111',
      '--role',
      'Administrator',
      '--account-name',
      'prod',
      '--region',
      'eu-west-1',
    )
    await ok(
      'session',
      'add',
      'iam-user',
      '--name',
      'alice',
      '--mfa-serial',
      'arn:aws:iam::222222222222:mfa/alice',
      '--profile',
      'work',
      ...keys,
    )
    await ok(
      'session',
      'add',
      'chained',
      '--name',
      'ops',
      '--parent',
      'alice',
      '--role-arn',
      'arn:aws:iam::333333333333:role/DevOps',
      '--external-id',
      'ext-123',
      '--role-session-name',
      'alice-ops',
    )
    await ok(
      'session',
      'add',
      'chained',
      '--name',
      'deep',
      '--parent',
      'ops',
      '--role-arn',
      'arn:aws:iam::444444444444:role/Deep',
    )
  }

  it('adds each type; list --json shows them with stable ids, profile default, inactive; the file is 0600 with no secret field', async () => {
    const added = JSON.parse(
      (await ok('session', 'add', 'iam-user', '--name', 'solo', '--json', ...keys)).stdout,
    ) as Listed['sessions'][number]
    expect(added).to.include({name: 'solo', profile: 'default', region: null, status: 'inactive', type: 'aws-iam-user'})
    await addAll()
    const {sessions} = await list()
    expect(sessions.map((s) => [s.name, s.type])).to.deep.equal([
      ['solo', 'aws-iam-user'],
      ['prod-admin', 'aws-sso-role'],
      ['alice', 'aws-iam-user'],
      ['ops', 'aws-iam-role-chained'],
      ['deep', 'aws-iam-role-chained'],
    ])
    expect(sessions[0].id).to.equal(added.id)
    expect(sessions[1]).to.include({
      accountId: '111111111111',
      accountName: 'prod',
      roleName: 'Administrator',
      ssoRegion: 'us-east-1',
    })
    expect(sessions[3]).to.include({externalId: 'ext-123', parentId: sessions[2].id, roleSessionName: 'alice-ops'})
    expect(sessions[4]).to.include({parentId: sessions[3].id})
    expect(statSync(file()).mode % 0o1000).to.equal(0o600)
    expect(readFileSync(file(), 'utf8')).not.to.match(/secret|accessKey|sessionToken/i)
  })

  it('list: a table by default; --type, --status and --filter narrow it; bad values exit 2', async () => {
    const empty = await ok('session', 'list')
    expect(empty.stdout).to.contain('No sessions')
    await addAll()
    const {stdout} = await ok('session', 'list')
    const lines = stdout.trimEnd().split('\n')
    expect(lines[0]).to.match(/^NAME +TYPE +ACCOUNT +ROLE +PROFILE +REGION +STATUS +EXPIRES$/)
    expect(lines[1]).to.match(
      /^prod-admin +sso-role +prod \(111111111111\) +Administrator +default +eu-west-1 +inactive +-$/,
    )
    expect(lines[3]).to.match(/^ops +chained +333333333333 +DevOps +default +- +inactive +-$/)
    expect(await names('--type', 'chained')).to.deep.equal(['ops', 'deep'])
    expect(await names('--type', 'aws-iam-user')).to.deep.equal(['alice'])
    expect(await names('--status', 'inactive', '--filter', 'DEEP')).to.deep.equal(['deep'])
    expect(await names('--status', 'active')).to.deep.equal([])
    expect(await names('--filter', '333333333333')).to.deep.equal(['ops'])
    expect((await ok('session', 'list', '--filter', 'nothing-like-this')).stdout).to.contain('No session matches')
    for (const args of [
      ['--type', 'vm'],
      ['--status', 'up'],
    ]) {
      const bad = await cli('session', 'list', ...args)
      expect(bad.code).to.equal(2)
      expect(bad.stderr).to.contain(args[0])
    }
  })

  it('session list answers the same without oclif (its fast path) as through oclif (--debug takes that path)', async () => {
    await addAll()
    await ok('session', 'default-region', 'eu-central-1')
    for (const args of [[], ['--json'], ['--type', 'chained'], ['--filter=prod', '--json'], ['--status', 'active']]) {
      const fast = await ok('session', 'list', ...args)
      const slow = await ok('session', 'list', ...args, '--debug')
      expect(fast.stdout, args.join(' ')).to.equal(slow.stdout)
    }

    for (const args of [
      ['--type', 'vm'],
      ['--type', 'vm', '--json'],
    ]) {
      const fast = await cli('session', 'list', ...args)
      const slow = await cli('session', 'list', ...args, '--debug')
      expect([fast.code, slow.code]).to.deep.equal([2, 2])
      expect(fast.stdout).to.equal(slow.stdout)
      expect(fast.stderr.split('\n')[0]).to.equal(slow.stderr.split('\n')[0])
    }
  })

  it('a missing required flag, without a terminal, exits 2 naming it; a bad value exits 2 naming its flag', async () => {
    const cases: Array<[string[], string]> = [
      [['session', 'add', 'iam-user'], '--name'],
      [
        [
          'session',
          'add',
          'sso-role',
          '--name',
          'x',
          '--sso-region',
          'us-east-1',
          '--account-id',
          '111111111111',
          '--role',
          'R',
        ],
        '--start-url',
      ],
      [['session', 'add', 'chained', '--name', 'x', '--role-arn', 'arn:aws:iam::333333333333:role/R'], '--parent'],
      [['session', 'add', 'iam-user', '--name', 'bad name'], '--name'],
      [['session', 'add', 'iam-user', '--name', 'u', '--region', 'mars'], '--region'],
      [['session', 'add', 'iam-user', '--name', 'u', '--mfa-serial', 'device'], '--mfa-serial'],
    ]
    for (const [args, flag] of cases) {
      const {code, stderr} = await cli(...args)
      expect(code, args.join(' ')).to.equal(2)
      expect(stderr, args.join(' ')).to.contain(flag)
    }

    const json = await cli('session', 'add', 'iam-user', '--json')
    expect(json.code).to.equal(2)
    expect(JSON.parse(json.stdout).error).to.include({code: 2})
    await ok('session', 'add', 'iam-user', '--name', 'u', ...keys)
    const twice = await cli('session', 'add', 'iam-user', '--name', 'u', ...keys)
    expect(twice.code).to.equal(2)
    expect(twice.stderr).to.contain('already exists')
  })

  it('edit renames and changes region and profile, keeping the id; an unknown session exits 4', async () => {
    await addAll()
    const before = await list()
    await ok('session', 'edit', 'alice', '--name', 'alice-prod', '--region', 'ap-south-1', '--profile', 'alice')
    const after = await list()
    expect(after.sessions[1]).to.include({
      id: before.sessions[1].id,
      name: 'alice-prod',
      profile: 'alice',
      region: 'ap-south-1',
    })
    expect(after.sessions[2]).to.include({parentId: before.sessions[1].id})
    expect((await cli('session', 'edit', 'alice-prod')).code).to.equal(2)
    const unknown = await cli('session', 'edit', 'nobody', '--region', 'eu-west-1')
    expect(unknown.code).to.equal(4)
    expect(unknown.stderr).to.contain('"nobody"')
  })

  it('remove: a parent with chained children exits 2 naming them; --with-children removes them all; a leaf goes alone', async () => {
    await addAll()
    const refused = await cli('session', 'remove', 'alice')
    expect(refused.code).to.equal(2)
    expect(refused.stderr).to.contain('ops, deep').and.contain('--with-children')
    expect(await names()).to.have.length(4)
    await ok('session', 'remove', 'prod-admin')
    expect(await names()).to.deep.equal(['alice', 'ops', 'deep'])
    const removed = await ok('session', 'remove', 'alice', '--with-children', '--json')
    expect(JSON.parse(removed.stdout)).to.deep.equal({deletedEntries: 1, removed: ['alice', 'ops', 'deep']})
    expect(await names()).to.deep.equal([])
    expect((await cli('session', 'remove', 'alice')).code).to.equal(4)
  })

  it('default-region: none, set, shown, used by list for sessions without a region; a bad one exits 2', async () => {
    expect((await ok('session', 'default-region', '--json')).stdout).to.contain('"defaultRegion": null')
    await ok('session', 'add', 'iam-user', '--name', 'u', ...keys)
    await ok('session', 'default-region', 'eu-central-1')
    expect((await ok('session', 'default-region')).stdout.trim()).to.equal('eu-central-1')
    expect((await list()).defaultRegion).to.equal('eu-central-1')
    expect((await ok('session', 'list')).stdout).to.match(/^u +iam-user .* eu-central-1 +inactive/m)
    expect((await cli('session', 'default-region', 'Frankfurt')).code).to.equal(2)
  })

  it('a damaged workspace.json is restored from the last good copy with a warning on stderr', async () => {
    await addAll()
    await ok('session', 'default-region', 'eu-central-1') // the last good copy now holds all four sessions
    writeFileSync(file(), '{"version": 2, "sessions": [')
    const {stderr, stdout} = await ok('session', 'list', '--json')
    expect(stderr).to.contain('Warning').and.contain(file()).and.contain(`${file()}.bak`).and.contain('not valid JSON')
    expect((JSON.parse(stdout) as Listed).sessions).to.have.length(4)
    expect(readFileSync(`${file()}.damaged`, 'utf8')).to.equal('{"version": 2, "sessions": [')
    expect((await ok('session', 'list')).stderr).to.equal('')
  })

  it('both workspace.json and its last good copy damaged: exit 4 naming both files', async () => {
    await addAll()
    writeFileSync(file(), 'garbage')
    writeFileSync(`${file()}.bak`, JSON.stringify({sessions: [{name: 'x'}], version: 2}))
    for (const args of [
      ['session', 'list'],
      ['session', 'add', 'iam-user', '--name', 'z'],
    ]) {
      const {code, stderr} = await cli(...args)
      expect(code, args.join(' ')).to.equal(4)
      expect(stderr).to.contain(file()).and.contain(`${file()}.bak`).and.contain('sessions[0].type')
    }
  })

  it('a version-1 workspace is read migrated and stored as version 3 by the next change', async () => {
    mkdirSync(home, {mode: 0o700})
    writeFileSync(file(), JSON.stringify(VERSION_1))
    expect(await names('--type', 'chained')).to.deep.equal(['ops', 'deep'])
    await ok('session', 'default-region', 'us-west-2')
    const stored = JSON.parse(readFileSync(file(), 'utf8')) as {
      integrations: unknown[]
      sessions: Array<{id: string; mode: unknown; parentId?: string; source: unknown}>
      version: number
    }
    expect(stored.version).to.equal(3)
    expect(stored.integrations).to.deep.equal([])
    expect(stored.sessions[2].parentId).to.equal(stored.sessions[1].id)
    expect(stored.sessions.map((s) => [s.mode, s.source])).to.deep.equal(Array.from({length: 4}, () => [null, null]))
  })

  it('a version-2 workspace is read migrated (mode, source, no integrations) and stored as version 3', async () => {
    mkdirSync(home, {mode: 0o700})
    writeFileSync(file(), JSON.stringify(VERSION_2))
    const listed = await list()
    expect(listed.sessions.map((s) => [s.name, s.mode, s.source])).to.deep.equal([
      ['shared-admin', 'process', null],
      ['alice', null, null],
      ['ops', null, null],
    ])
    await ok('session', 'edit', 'alice', '--region', 'us-west-2')
    const stored = JSON.parse(readFileSync(file(), 'utf8')) as {integrations: unknown[]; version: number}
    expect(stored).to.deep.include({integrations: [], version: 3})
  })
})
