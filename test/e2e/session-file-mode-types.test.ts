/**
 * Issue 13, every session type in each mode: an IAM user with an MFA device, one without, and chained sessions on
 * each, started with --mode file and --mode process against the sandbox; the real AWS CLI (`/usr/bin/aws --profile P
 * sts get-caller-identity`) and the AWS SDK get the right identity. In file mode they read only the credentials file
 * (AWS_SHARED_CREDENTIALS_FILE; the config's profile holds the region only). The MFA code is asked once, at the start
 * (on a terminal, or TERRACE_MFA_CODE): the agent's rotation reuses the cached MFA session. The agent is stopped
 * afterwards.
 */
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {requestAgent} from '../../src/agent/client.js'
import {agentPaths} from '../../src/agent/paths.js'
import {sessionCredentialsEntry} from '../../src/vault/entries.js'
import {assertBuilt, waitFor} from '../helpers/cli.js'
import {runAskingMfaOnce} from '../helpers/pty.js'
import {TEMPLATE, totp} from '../helpers/sandbox.js'
import {ALICE_ARN, assumedArn, roleArn, stsWalk} from './chain-helpers.js'
import {AWS_V2, cli, type Scenario, setUp, STS_IDENTITY, tearDown} from './delivery-helpers.js'
import {agentStatus as agentStatusOf, stopAgent, unlockInAgent} from './session-agent-helpers.js'

const run = promisify(execFile)

describe('e2e: IAM user and chained sessions in file mode and process mode (the AWS CLI and the SDK)', function () {
  this.timeout(180_000)
  let s: Scenario
  let csvDir: string
  let credsFile: string
  /** the MFA code the first start used (the sandbox rejects it a second time) */
  let firstCode = ''

  const configFile = () => join(s.env.HOME!, '.aws', 'config')
  const agentStatus = async () => agentStatusOf(s)

  /** the real AWS CLI and the SDK, with TERRACE_AGENT=off (they start no agent of their own) */
  const identities = async (profile: string): Promise<{aws: string; sdk: string}> => {
    const env = {...s.env, PATH: process.env.PATH, TERRACE_AGENT: 'off'}
    const aws = await run(
      AWS_V2,
      ['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json', '--endpoint-url', s.sb.url],
      {cwd: s.dir, env},
    )
    const sdk = await run(process.execPath, [STS_IDENTITY, profile], {cwd: s.dir, env})
    return {
      aws: JSON.parse(aws.stdout).Arn as string,
      sdk: JSON.parse(sdk.stdout.trim().split('\n').at(-1)!).arn as string,
    }
  }

  /** the profile's section in the credentials file's managed block, and its config section */
  const served = (profile: string) => ({
    config: new RegExp(`\\[profile ${profile}]\\n([^[]*)`).exec(readFileSync(configFile(), 'utf8'))?.[1] ?? '',
    keys: new RegExp(`\\[${profile}]\\naws_access_key_id = (ASIA\\w+)`).exec(readFileSync(credsFile, 'utf8'))?.[1],
  })

  const askedOnce = (args: string[], code: string) => runAskingMfaOnce(s, args, code)

  const operations = async (from: number) => (await stsWalk(s)).slice(from).map((e) => `${e.operation} ${e.outcome}`)

  before(async () => {
    assertBuilt()
    s = await setUp({mfa: {rejectReusedCodes: true}})
    csvDir = mkdtempSync(join(tmpdir(), 'terrace-types-'))
    const csv = join(csvDir, 'alice_accessKeys.csv')
    writeFileSync(csv, `Access key ID,Secret access key\r\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\r\n`)
    credsFile = join(csvDir, 'credentials')
    mkdirSync(join(s.env.HOME!, '.aws'), {recursive: true})
    writeFileSync(configFile(), '')
    // short TTL: the agent's turns come every few seconds
    Object.assign(s.env, {AWS_SHARED_CREDENTIALS_FILE: credsFile, TERRACE_AGENT: 'auto', TERRACE_CREDENTIAL_TTL: '6'})
    const add = async (...args: string[]) => {
      const added = await cli(s, ['session', 'add', ...args])
      expect(added.code, added.stderr).to.equal(0)
    }

    await add(
      'iam-user',
      '--name',
      'mfa-user',
      '--profile',
      'mfa-user',
      '--credentials-file',
      csv,
      '--fetch-mfa-device',
    )
    await add('iam-user', '--name', 'plain-user', '--profile', 'plain-user', '--credentials-file', csv)
    await add(
      'chained',
      '--name',
      'ops',
      '--parent',
      'mfa-user',
      '--role-arn',
      roleArn('333333333333'),
      '--profile',
      'ops',
    )
    expect((await cli(s, ['session', 'default-region', 'eu-central-1'])).code).to.equal(0)
    // the file vault unlocked in the agent, which never gets an MFA code from its environment
    await unlockInAgent(s)
  })

  after(async () => {
    await stopAgent(s)
    await tearDown(s)
    rmSync(csvDir, {force: true, recursive: true})
  })

  it('an MFA user in file mode: the code asked once on a terminal; the agent rotates with the cached MFA session; aws and the SDK read the file', async () => {
    const before = (await stsWalk(s)).length
    firstCode = totp(TEMPLATE.mfaSecret, Date.now() + 30_000)
    const result = await askedOnce(['session', 'start', 'mfa-user', '--mode', 'file'], firstCode)
    expect(result.output).to.include("terrace's agent rotates its keys")
    expect(served('mfa-user').keys).to.match(/^ASIA/)
    expect(served('mfa-user').config).to.include('region = eu-central-1').and.not.include('credential_process')
    expect(await identities('mfa-user')).to.deep.equal({aws: ALICE_ARN, sdk: ALICE_ARN})
    // one GetSessionToken with the code: the agent's first turn reused the MFA session it cached
    expect((await operations(before)).filter((op) => op.startsWith('GetSessionToken'))).to.deep.equal([
      'GetSessionToken ok',
    ])
    expect((await agentStatus()).rotating).to.equal(1)
  })

  it('a chained session on the MFA user in file mode: no second code, the role in the file; aws and the SDK get it', async () => {
    const before = (await stsWalk(s)).length
    const started = await cli(s, ['session', 'start', 'ops', '--mode', 'file'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stderr).to.include('[1/1]').and.not.include('MFA code')
    expect(await operations(before)).to.deep.equal(['AssumeRole ok'])
    const expected = assumedArn('333333333333', 'terrace-ops')
    expect(await identities('ops')).to.deep.equal({aws: expected, sdk: expected})
    expect((await agentStatus()).rotating).to.equal(2)
  })

  it('an IAM user without MFA in file mode (the sandbox trusts its roles to alice with MFA only: no chain on it)', async () => {
    for (const name of ['plain-user']) {
      const started = await cli(s, ['session', 'start', name, '--mode', 'file'])
      expect(started.code, started.stderr).to.equal(0)
    }

    expect(await identities('plain-user')).to.deep.equal({aws: ALICE_ARN, sdk: ALICE_ARN})
    expect((await agentStatus()).rotating).to.equal(3)
    const table = (await cli(s, ['session', 'list'])).stdout
    for (const name of ['mfa-user', 'plain-user', 'ops'])
      expect(table).to.match(new RegExp(`^${name} .* active \\(file!\\) +in \\d+(m|h \\d+m)$`, 'm'))
  })

  it('each of them in process mode too: the keys leave the file, credential_process serves the same identities', async () => {
    const before = (await stsWalk(s)).length
    for (const name of ['mfa-user', 'ops', 'plain-user']) {
      const started = await cli(s, ['session', 'start', name, '--mode', 'process'])
      expect(started.code, started.stderr).to.equal(0)
      expect(served(name).keys).to.equal(undefined)
      expect(served(name).config).to.include('credential_process')
    }

    expect(readFileSync(credsFile, 'utf8')).to.equal('')
    expect((await agentStatus()).rotating).to.equal(0)
    expect(await identities('mfa-user')).to.deep.equal({aws: ALICE_ARN, sdk: ALICE_ARN})
    expect(await identities('plain-user')).to.deep.equal({aws: ALICE_ARN, sdk: ALICE_ARN})
    const ops = assumedArn('333333333333', 'terrace-ops')
    expect(await identities('ops')).to.deep.equal({aws: ops, sdk: ops})
    // the cached MFA session still serves: no new code was needed
    expect((await operations(before)).filter((op) => op.startsWith('GetSessionToken'))).to.deep.equal([])
  })

  it('the MFA session gone (as when it expires): the agent says plainly it needs a code, list and current mark it; rotate on a terminal renews', async () => {
    const started = await cli(s, ['session', 'start', 'mfa-user', '--mode', 'file'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stdout).to.include("terrace's agent rotates its keys")
    const {id} = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions.find(
      (x: {name: string}) => x.name === 'mfa-user',
    )
    // the cached MFA session leaves the vault the agent holds: its next turn needs a new one, and so a code
    const paths = agentPaths(s.env.TERRACE_HOME!)
    const deleted = await requestAgent(paths, 'vault-delete', {params: {account: sessionCredentialsEntry(id)}})
    expect(deleted?.ok, JSON.stringify(deleted)).to.equal(true)
    const log = join(s.env.TERRACE_HOME!, 'logs', 'agent.log')
    await waitFor(() => readFileSync(log, 'utf8').includes('rotation-needs-mfa'), 30_000)
    const line = readFileSync(log, 'utf8')
      .split('\n')
      .find((l) => l.includes('rotation-needs-mfa'))!
    expect(line).to.include('session mfa-user: its MFA session expired and a new one needs a code')
    expect(line).to.include('terrace session rotate mfa-user')
    const table = (await cli(s, ['session', 'list'])).stdout
    expect(table).to.match(/^mfa-user .* active \(file!\) \(not renewed!\) /m)
    expect(table).to.include(
      "(not renewed!) session mfa-user: terrace's agent cannot renew its keys: its MFA session expired",
    )
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
    expect(listed.find((x: {name: string}) => x.name === 'mfa-user').renewal).to.include(
      'terrace session rotate mfa-user',
    )
    const current = await cli(s, ['session', 'current', '--profile', 'mfa-user'])
    expect(current.stdout).to.include("not renewed: terrace's agent cannot renew its keys")

    // a code the sandbox has not seen yet (it rejects a reused one)
    await waitFor(() => totp(TEMPLATE.mfaSecret, Date.now() + 30_000) !== firstCode, 40_000)
    const before = served('mfa-user').keys
    const rotated = await askedOnce(['session', 'rotate', 'mfa-user'], totp(TEMPLATE.mfaSecret, Date.now() + 30_000))
    expect(rotated.output).to.include('New keys written to the credentials file')
    expect(served('mfa-user').keys).not.to.equal(before)
    expect(await identities('mfa-user')).to.deep.equal({aws: ALICE_ARN, sdk: ALICE_ARN})
    expect((await cli(s, ['session', 'list'])).stdout).not.to.include('not renewed')
  })

  it('credential-process --session records when the credentials it obtained expire: session list shows it', async () => {
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
    const {id} = listed.find((x: {name: string}) => x.name === 'plain-user')
    const record = join(s.env.TERRACE_HOME!, 'cache', 'sessions', `${id}.expiry`)
    rmSync(record)
    expect((await cli(s, ['session', 'list'])).stdout).to.match(/^plain-user .* active +-$/m)
    const out = await cli(s, ['credential-process', '--session', 'plain-user'], {env: {TERRACE_AGENT: 'off'}})
    expect(out.code, out.stderr).to.equal(0)
    expect(Object.keys(JSON.parse(readFileSync(record, 'utf8')))).to.deep.equal(['expiresAt'])
    expect((await cli(s, ['session', 'list'])).stdout).to.match(/^plain-user .* active +in \d+(m|h \d+m)$/m)
  })
})
