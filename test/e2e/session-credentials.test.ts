/**
 * Issue 13, workspace sessions with credentials, end to end: the built CLI against the sandbox, a file vault, a
 * private HOME (its ~/.aws files) and TERRACE_HOME. IAM user keys stored in the vault by `session add iam-user`
 * (verified with GetCallerIdentity) and deleted by `session remove`; each type started in process mode and used by
 * the real AWS CLI and the AWS SDK through credential_process; a three-hop chained session on an MFA user asking
 * for the code once; start on a profile another session serves stops that one; current; rotate; export.
 *
 * The sandbox rejects a reused TOTP code (mfa.rejectReusedCodes): a start that succeeds with one code used it once.
 */
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {openVault} from '../../src/vault/select.js'
import {assertBuilt} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {runAskingMfaOnce, runOnPty} from '../helpers/pty.js'
import {TEMPLATE, totp} from '../helpers/sandbox.js'
import {aliceIamUserSession, aliceKeysCsv, ssoAdminSession} from '../helpers/session-fixtures.js'
import {ALICE_ARN, assumedArn, roleArn, stsWalk} from './chain-helpers.js'
import {AWS_V2, cli, login, type Scenario, setUp, ssoArn, STS_IDENTITY, tearDown} from './delivery-helpers.js'

const run = promisify(execFile)

/** What the user keeps in their own AWS config: terrace must never change these bytes (no final newline, on purpose). */
const USER_CONFIG = '# my own settings\r\n[profile mine]\r\nregion = eu-west-1\r\noutput = text'

describe('e2e: workspace sessions with credentials', function () {
  this.timeout(120_000)
  let s: Scenario
  let csvDir: string
  let csv: string

  before(async () => {
    assertBuilt()
    s = await setUp({mfa: {rejectReusedCodes: true}})
    // outside the scenario's folder: the leak scans must not find this copy of the secret key
    const keys = aliceKeysCsv()
    csv = keys.csv
    csvDir = keys.dir
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
    const added = await cli(s, ['session', 'add', ...aliceIamUserSession(csv)])
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

  const configFile = () => join(s.env.HOME!, '.aws', 'config')
  /** the real AWS CLI reading the user's ~/.aws/config (credential_process → terrace credential-process) */
  const awsIdentity = async (profile: string) => {
    const {stdout} = await run(
      AWS_V2,
      ['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json', '--endpoint-url', s.sb.url],
      {
        cwd: s.dir,
        env: {...s.env, PATH: process.env.PATH, TERRACE_AGENT: 'off'}, // no agent started on demand, none left behind
      },
    )
    return JSON.parse(stdout).Arn as string
  }

  /** the AWS SDK for JavaScript (its default provider chain with the profile) */
  const sdkIdentity = async (profile: string) => {
    const {stdout} = await run(process.execPath, [STS_IDENTITY, profile], {
      cwd: s.dir,
      env: {...s.env, PATH: process.env.PATH, TERRACE_AGENT: 'off'}, // no agent started on demand, none left behind
    })
    return JSON.parse(stdout.trim().split('\n').at(-1)!).arn as string
  }

  describe('started in process mode', () => {
    const ids: Record<string, string> = {}

    const add = async (...args: string[]) => {
      const added = await cli(s, ['session', 'add', ...args, '--json'])
      expect(added.code, added.stderr).to.equal(0)
      const session = JSON.parse(added.stdout)
      ids[session.name] = session.id
    }

    before(async () => {
      mkdirSync(join(s.env.HOME!, '.aws'), {recursive: true})
      writeFileSync(configFile(), USER_CONFIG)
      await login(s)
      await cli(s, ['session', 'default-region', 'eu-central-1'])
      await add('iam-user', '--name', 'bob', '--profile', 'bob', '--credentials-file', csv, '--fetch-mfa-device')
      await add(
        'chained',
        '--name',
        'ops',
        '--parent',
        'bob',
        '--role-arn',
        roleArn('333333333333'),
        '--profile',
        'dev',
      )
      await add(
        'chained',
        '--name',
        'net',
        '--parent',
        'ops',
        '--role-arn',
        roleArn('444444444444'),
        '--profile',
        'dev',
      )
      const last = ['--role-arn', roleArn('555555555555'), '--role-session-name', 'dev-x', '--region', 'us-west-2']
      await add('chained', '--name', 'dev', '--parent', 'net', ...last, '--profile', 'dev')
      await add(...ssoAdminSession())
    })

    it('a three-hop chained session on an MFA user: one MFA code at start, hops shown [i/3]; the AWS CLI and the SDK get hop 3', async () => {
      const before = (await stsWalk(s)).length
      const started = await cli(s, ['session', 'start', 'dev'], {env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)}})
      expect(started.code, started.stderr).to.equal(0)
      const progress = started.stderr.split('\n').filter((line) => /^\[\d\/\d] /.test(line))
      expect(progress).to.deep.equal(
        ['333333333333', '444444444444', '555555555555'].map((account, i) => `[${i + 1}/3] ${roleArn(account)}`),
      )
      const walk = (await stsWalk(s)).slice(before)
      expect(walk.map((e) => e.operation)).to.deep.equal(['GetSessionToken', 'AssumeRole', 'AssumeRole', 'AssumeRole'])
      expect(walk.every((e) => e.outcome === 'ok')).to.equal(true)

      const text = readFileSync(configFile(), 'utf8')
      expect(text.startsWith(USER_CONFIG)).to.equal(true)
      expect(text).to.include('[profile dev]').and.include(`credential-process --session ${ids.dev}`)
      expect(text).to.include('region = us-west-2')
      const expected = assumedArn('555555555555', 'dev-x')
      // no MFA code from here on: the AWS CLI and the SDK get credentials from the vault through credential_process
      expect(await awsIdentity('dev')).to.equal(expected)
      expect(await sdkIdentity('dev')).to.equal(expected)
      expect((await stsWalk(s)).length - before).to.equal(4)
    })

    it('each type: the IAM user (its MFA session) and the SSO role session, by the AWS CLI and the SDK', async () => {
      for (const name of ['bob', 'admin']) {
        const started = await cli(s, ['session', 'start', name])
        expect(started.code, started.stderr).to.equal(0)
      }

      expect(await awsIdentity('bob')).to.equal(ALICE_ARN)
      expect(await sdkIdentity('bob')).to.equal(ALICE_ARN)
      expect(await awsIdentity('default')).to.match(ssoArn('111111111111', 'Administrator'))
      expect(await sdkIdentity('default')).to.match(ssoArn('111111111111', 'Administrator'))
      const text = readFileSync(configFile(), 'utf8')
      expect(text).to.match(/\[default]\r\ncredential_process = .*--session [\da-f-]+\r\nregion = eu-central-1/)
    })

    it('start on a profile another session serves stops that one; current says which is active', async () => {
      const started = await cli(s, ['session', 'start', 'net'])
      expect(started.code, started.stderr).to.equal(0)
      expect(started.stdout).to.include('Stopped session dev')
      const current = JSON.parse((await cli(s, ['session', 'current', '--json'])).stdout).sessions
      expect(current.map((c: {name: string; profile: string}) => [c.profile, c.name])).to.deep.equal([
        ['bob', 'bob'],
        ['default', 'admin'],
        ['dev', 'net'],
      ])
      const dev = JSON.parse((await cli(s, ['session', 'current', '--profile', 'dev', '--json'])).stdout).sessions
      expect(dev.map((c: {name: string}) => c.name)).to.deep.equal(['net'])
      const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
      const status = Object.fromEntries(
        listed
          .filter((x: {name: string}) => x.name in ids)
          .map((x: {name: string; status: string}) => [x.name, x.status]),
      )
      expect(status).to.deep.equal({admin: 'active', bob: 'active', dev: 'inactive', net: 'active', ops: 'inactive'})
      const mode = Object.fromEntries(listed.map((x: {mode: null | string; name: string}) => [x.name, x.mode]))
      expect(mode).to.include({admin: 'process', dev: 'process', net: 'process', ops: null})
      expect(await awsIdentity('dev')).to.equal(assumedArn('444444444444', 'terrace-net'))
      const text = readFileSync(configFile(), 'utf8')
      expect(text.match(/\[profile dev]/g)).to.have.length(1)
    })

    it('credential-process --session by name or id prints Version 1 JSON; an unknown session exits 4', async () => {
      for (const which of ['net', ids.net]) {
        const out = await cli(s, ['credential-process', '--session', which])
        expect(out.code, out.stderr).to.equal(0)
        expect(JSON.parse(out.stdout)).to.include({Version: 1})
      }

      const unknown = await cli(s, ['credential-process', '--session', 'nobody'])
      expect(unknown.code, unknown.stderr).to.equal(4)
    })

    it('rotate: new credentials now, served to the next ask; export prints them with a warning on stderr', async () => {
      const before = JSON.parse((await cli(s, ['credential-process', '--session', 'net'])).stdout).AccessKeyId
      const rotated = await cli(s, ['session', 'rotate', 'net'])
      expect(rotated.code, rotated.stderr).to.equal(0)
      const after = JSON.parse((await cli(s, ['credential-process', '--session', 'net'])).stdout).AccessKeyId
      expect(after).not.to.equal(before)

      const exported = await cli(s, ['session', 'export', 'net'])
      expect(exported.code, exported.stderr).to.equal(0)
      expect(exported.stderr).to.include('Warning').and.include('in your hands')
      expect(exported.stdout).to.include(`export AWS_ACCESS_KEY_ID=${after}`).and.include('export AWS_SESSION_TOKEN=')
      const json = await cli(s, ['session', 'export', 'net', '--format', 'json'])
      expect(JSON.parse(json.stdout)).to.include({AccessKeyId: after, Region: 'eu-central-1', Version: 1})
    })

    it('exec --session and aws --session: the session through the loopback endpoint, run from any folder', async () => {
      const identityArgs = ['sts', 'get-caller-identity', '--endpoint-url', s.sb.url, '--output', 'json']
      const exec = await cli(s, ['exec', '--session', 'dev', '--', AWS_V2, ...identityArgs], {cwd: s.dir})
      expect(exec.code, exec.stderr).to.equal(0)
      expect(JSON.parse(exec.stdout).Arn).to.equal(assumedArn('555555555555', 'dev-x'))
      const aws = await cli(s, ['aws', '--session', 'admin', ...identityArgs], {cwd: s.dir})
      expect(aws.code, aws.stderr).to.equal(0)
      expect(JSON.parse(aws.stdout).Arn).to.match(ssoArn('111111111111', 'Administrator'))
      // inside the project too: the session, not the folder's role
      const inProject = await cli(s, ['exec', '--session', 'bob', '--', AWS_V2, ...identityArgs])
      expect(inProject.code, inProject.stderr).to.equal(0)
      expect(JSON.parse(inProject.stdout).Arn).to.equal(ALICE_ARN)
      const both = await cli(s, ['exec', '--session', 'bob', '--profile', 'x', '--', 'true'], {cwd: s.dir})
      expect(both.code).to.equal(2)
      expect(both.stderr).to.include('--session and --profile cannot be combined')
    })

    it('stop takes the profile out, leaving the user bytes; remove stops an active session first', async () => {
      const stopped = await cli(s, ['session', 'stop', 'net'])
      expect(stopped.code, stopped.stderr).to.equal(0)
      expect(readFileSync(configFile(), 'utf8')).not.to.include('[profile dev]')
      const removed = await cli(s, ['session', 'remove', 'bob', '--with-children'])
      expect(removed.code, removed.stderr).to.equal(0)
      expect(readFileSync(configFile(), 'utf8')).not.to.include('[profile bob]')
      expect((await cli(s, ['session', 'stop', 'admin'])).code).to.equal(0)
      // every session stopped: the block is gone and the user's bytes are exactly what they were
      expect(readFileSync(configFile(), 'utf8')).to.equal(USER_CONFIG)
      const left = (await (await vaultEntries()).list()).filter((e) =>
        ['bob', 'ops', 'net', 'dev'].some((name) => e.includes(ids[name])),
      )
      expect(left).to.deep.equal([])
    })

    it('on a terminal: a fresh three-hop chained session asks for the MFA code once, at the start', async () => {
      await add('iam-user', '--name', 'carol', '--profile', 'carol', '--credentials-file', csv, '--fetch-mfa-device')
      let parent = 'carol'
      for (const [i, account] of ['333333333333', '444444444444', '555555555555'].entries()) {
        await add(
          'chained',
          '--name',
          `c${i + 1}`,
          '--parent',
          parent,
          '--role-arn',
          roleArn(account),
          '--profile',
          'c',
        )
        parent = `c${i + 1}`
      }

      const before = (await stsWalk(s)).length
      const result = await runAskingMfaOnce(
        s,
        ['session', 'start', 'c3'],
        totp(TEMPLATE.mfaSecret, Date.now() + 30_000),
      )
      expect(result.output)
        .to.include(`[1/3] ${roleArn('333333333333')}`)
        .and.include(`[3/3] ${roleArn('555555555555')}`)
      const walk = (await stsWalk(s)).slice(before)
      expect(walk.map((e) => `${e.operation} ${e.outcome}`)).to.deep.equal([
        'GetSessionToken ok',
        'AssumeRole ok',
        'AssumeRole ok',
        'AssumeRole ok',
      ])
      expect(await awsIdentity('c')).to.equal(assumedArn('555555555555', 'terrace-c3'))
    })

    it('session add on a terminal asks for each missing value; without one it exits 2 naming every missing flag', async () => {
      const result = await runOnPty({
        answers: ['111111111111', 'Administrator'],
        args: [
          'session',
          'add',
          'sso-role',
          '--name',
          'asked',
          '--start-url',
          'https://bb-sandbox.awsapps.com/start',
          '--sso-region',
          'us-east-1',
        ],
        cwd: s.dir,
        dir: s.dir,
        env: s.env,
        prompts: ['(--account-id): ', '(--role): '],
      })
      expect(result.exit, result.output).to.equal(0)
      expect(result.asked).to.equal(2)
      const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
      expect(listed.find((x: {name: string}) => x.name === 'asked')).to.include({
        accountId: '111111111111',
        roleName: 'Administrator',
      })
      const missing = await cli(s, ['session', 'add', 'sso-role', '--name', 'x', '--sso-region', 'us-east-1'])
      expect(missing.code).to.equal(2)
      expect(missing.stderr).to.include('Missing --start-url, --account-id, --role')
    })

    it('leak scan: no issued secret nor the IAM user secret key in any file (HOME, TERRACE_HOME, AWS files) or on stderr', async () => {
      const secrets = [
        ...(await s.sb.control.secrets()),
        {kind: 'iam-user-secret-key', value: TEMPLATE.secretAccessKey},
      ]
      expect(secrets.length).to.be.at.least(10)
      const texts = Object.fromEntries(s.outputs.map((o, i) => [`output ${i} stderr`, o.stderr]))
      const scan = scanForSecrets({dirs: [s.dir], secrets, texts})
      expect(scan.findings).to.deep.equal([])
      expect(scan.filesScanned).to.be.greaterThan(0)
      expect(readFileSync(join(s.env.TERRACE_HOME!, 'workspace.json'), 'utf8')).not.to.match(
        /secret|sessionToken|ASIA/i,
      )
    })
  })
})
