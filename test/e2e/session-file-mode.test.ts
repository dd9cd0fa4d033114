/**
 * Issue 13, `session start --mode file`, end to end: the built CLI against the sandbox (SSO role credentials that
 * live 12 s), a private HOME and TERRACE_HOME, AWS_SHARED_CREDENTIALS_FILE honoured, TERRACE_CREDENTIAL_TTL=6, and
 * terrace's agent rotating the keys in the credentials file. The real AWS CLI reads them from that file (no
 * credential_process). The agent is always stopped afterwards.
 */
import {expect} from 'chai'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BLOCK_BEGIN} from '../../src/awsfiles/managed-block.js'
import {assertBuilt, waitFor} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {AWS_V2, cli, LAYERS, login, type Scenario, setUp, ssoArn, tearDown} from './delivery-helpers.js'
import {agentStatus as agentStatusOf, stopAgent, unlockInAgent} from './session-agent-helpers.js'

/** the user's own credentials file and config: terrace must never change these bytes (no final newline, on purpose) */
const USER_CREDS = '# mine\n[mine]\naws_access_key_id = AKIAMINE0000000000\naws_secret_access_key = my-own-key'
const USER_CONFIG = '[profile mine]\nregion = eu-west-1\n'
/** the sandbox's SSO role credentials live this long (s); terrace hands them out for at most TTL seconds */
const LIFETIME_S = 12
const TTL_S = 6
/** when the agent's last rotation said it rotates next (epoch ms), from its log */
const lastNext = (log: string): number =>
  readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[1] === 'rotated')
    .map((line) => Date.parse(/next="([^"]+)"/.exec(line)![1]))
    .at(-1)!

describe('e2e: session start --mode file (temporary keys in the credentials file, rotated by the agent)', function () {
  this.timeout(180_000)
  let s: Scenario
  let credsDir: string
  let credsFile: string
  /** what the leak scan reads besides files: the agent's argv and environment, captured while it ran */
  const texts: Record<string, string> = {}
  const agentLog = () => join(s.env.TERRACE_HOME!, 'logs', 'agent.log')
  const logged = (event: string) =>
    readFileSync(agentLog(), 'utf8')
      .split('\n')
      .filter((line) => line.split(' ')[1] === event).length

  const configFile = () => join(s.env.HOME!, '.aws', 'config')
  const keyIdInFile = () => /aws_access_key_id = (ASIA\w+)/.exec(readFileSync(credsFile, 'utf8'))?.[1]
  const agentStatus = async () => agentStatusOf(s)

  const unlock = async () => unlockInAgent(s)

  /** the real AWS CLI with only the credentials file (and the config's region) to go by */
  const awsIdentity = async (profile: string): Promise<{arn?: string; code: number; stderr: string}> => {
    const {execFile} = await import('node:child_process')
    return new Promise((resolve) => {
      execFile(
        AWS_V2,
        ['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json', '--endpoint-url', s.sb.url],
        {cwd: s.dir, env: {...s.env, PATH: process.env.PATH}},
        (error, stdout, stderr) =>
          resolve(error ? {code: 1, stderr} : {arn: JSON.parse(stdout).Arn as string, code: 0, stderr}),
      )
    })
  }

  before(async () => {
    assertBuilt()
    s = await setUp({sso: {roleCredentialLifetime: LIFETIME_S}})
    credsDir = mkdtempSync(join(tmpdir(), 'terrace-filemode-creds-'))
    credsFile = join(credsDir, 'credentials')
    writeFileSync(credsFile, USER_CREDS)
    mkdirSync(join(s.env.HOME!, '.aws'), {recursive: true})
    writeFileSync(configFile(), USER_CONFIG)
    Object.assign(s.env, {
      AWS_SHARED_CREDENTIALS_FILE: credsFile,
      TERRACE_AGENT: 'auto',
      TERRACE_CREDENTIAL_TTL: String(TTL_S),
    })
    await login(s)
    const sso = ['--start-url', 'https://bb-sandbox.awsapps.com/start', '--sso-region', 'us-east-1']
    for (const [name, account, role] of [
      ['admin', '111111111111', 'Administrator'],
      ['viewer', '333333333333', 'DevOps'],
    ]) {
      const added = await cli(s, [
        'session',
        'add',
        'sso-role',
        '--name',
        name,
        '--profile',
        'legacy',
        ...sso,
        '--account-id',
        account,
        '--role',
        role,
      ])
      expect(added.code, added.stderr).to.equal(0)
    }

    expect((await cli(s, ['session', 'default-region', 'eu-central-1'])).code).to.equal(0)
    // the file vault unlocked in the agent (it never gets the passphrase from its environment)
    await unlock()
  })

  after(async () => {
    await stopAgent(s)
    await tearDown(s)
    rmSync(credsDir, {force: true, recursive: true})
  })

  it('start --mode file writes [legacy] keys into the credentials file block, warns, registers the rotation; list marks it', async () => {
    const started = await cli(s, ['session', 'start', 'admin', '--mode', 'file'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stderr).to.include(
      `Warning: file mode puts temporary keys of session admin in a plain file: ${credsFile}`,
    )
    expect(started.stdout).to.include("terrace's agent rotates its keys")
    const text = readFileSync(credsFile, 'utf8')
    expect(text.startsWith(`${USER_CREDS}\n${BLOCK_BEGIN}\n[legacy]\naws_access_key_id = ASIA`)).to.equal(true)
    expect(text).to.include('aws_secret_access_key = ').and.include('aws_session_token = ')
    const config = readFileSync(configFile(), 'utf8')
    expect(config.startsWith(USER_CONFIG)).to.equal(true)
    expect(config).to.include('[profile legacy]\nregion = eu-central-1').and.not.include('credential_process')
    expect((await agentStatus()).rotating).to.equal(1)
    const list = await cli(s, ['session', 'list'])
    expect(list.stdout).to.match(/admin .* active \(file!\)/)
    expect(list.stdout).to.include('temporary keys in a plain file')
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
    expect(listed.find((x: {name: string}) => x.name === 'admin')).to.include({mode: 'file', status: 'active'})
  })

  it("list: EXPIRES says when the active session's keys expire (and --json expiresAt), the same through oclif (the leak scan below reads its records too)", async () => {
    for (const extra of [[], ['--debug']]) {
      const table = (await cli(s, ['session', 'list', ...extra])).stdout.split('\n')
      expect(table[0]).to.match(/ STATUS +EXPIRES$/)
      expect(table.find((line) => line.startsWith('admin '))).to.match(/ active \(file!\) +in \d+s$/)
      expect(table.find((line) => line.startsWith('viewer '))).to.match(/ inactive +-$/)
      const listed = JSON.parse((await cli(s, ['session', 'list', '--json', ...extra])).stdout).sessions
      const admin = listed.find((x: {name: string}) => x.name === 'admin')
      const viewer = listed.find((x: {name: string}) => x.name === 'viewer')
      expect(Date.parse(admin.expiresAt) - Date.now()).to.be.within(-LIFETIME_S * 1000, LIFETIME_S * 1000)
      expect(admin.renewal).to.equal(null)
      expect(viewer).to.include({expiresAt: null, renewal: null})
    }

    const current = JSON.parse((await cli(s, ['session', 'current', '--json'])).stdout).sessions
    expect(current[0].expiresAt).to.match(/^\d{4}-/)
    expect((await cli(s, ['session', 'current'])).stdout).to.match(/admin .*credentials expire (in \d+s|expired)/)
  })

  it("rotate: the new keys are in the credentials file at once, and the agent's next rotation moves to them", async () => {
    const before = keyIdInFile()
    const nextBefore = lastNext(agentLog())
    const rotated = await cli(s, ['session', 'rotate', 'admin'])
    expect(rotated.code, rotated.stderr).to.equal(0)
    expect(rotated.stdout).to.include('New keys written to the credentials file')
    expect(keyIdInFile()).not.to.equal(before)
    expect(lastNext(agentLog())).to.be.greaterThan(nextBefore)
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('111111111111', 'Administrator'))
    // with no agent asked, the command writes them itself
    const here = keyIdInFile()
    const off = await cli(s, ['session', 'rotate', 'admin', '--json'], {env: {TERRACE_AGENT: 'off'}})
    expect(off.code, off.stderr).to.equal(0)
    expect(keyIdInFile()).not.to.equal(here)
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('111111111111', 'Administrator'))
  })

  it(`active for over ${3 * LIFETIME_S} s (credentials live ${LIFETIME_S} s): a plain aws reading the file never fails`, async () => {
    const expected = ssoArn('111111111111', 'Administrator')
    const rolesBefore = (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials').length
    const keys = new Set<string>()
    const failures: string[] = []
    let calls = 0
    const until = Date.now() + 3 * LIFETIME_S * 1000 + 2000
    while (Date.now() < until) {
      keys.add(keyIdInFile()!)

      const id = await awsIdentity('legacy')
      calls++
      if (id.code !== 0 || !expected.test(id.arn ?? '')) failures.push(id.stderr.trim() || String(id.arn))
    }

    const log = (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetCallerIdentity')
    const rotations = (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials').length
    process.stdout.write(
      `      figures: ${calls} aws calls, ${keys.size} distinct keys seen in the file, ${rotations - rolesBefore} GetRoleCredentials, ${logged('rotated')} rotations logged by the agent, ${logged('rotation-failed')} failed\n`,
    )
    const {pid} = await agentStatus()
    for (const part of ['cmdline', 'environ']) texts[`agent ${part}`] = readFileSync(`/proc/${pid}/${part}`, 'latin1')
    expect(failures).to.deep.equal([])
    expect(log.filter((e) => e.outcome !== 'ok')).to.deep.equal([])
    // the keys of one lifetime cannot serve three: the agent replaced them at least three times
    expect(keys.size).to.be.greaterThan(3)
    expect(readFileSync(credsFile, 'utf8').startsWith(USER_CREDS)).to.equal(true)
  })

  it('vault lock says which file-mode sessions are no longer renewed and how to resume; unlock resumes them', async () => {
    const locked = await cli(s, ['vault', 'lock'])
    expect(locked.code, locked.stderr).to.equal(0)
    expect(locked.stderr).to.include(
      "Warning: terrace's agent can no longer renew the keys of file-mode sessions admin while the vault is locked",
    )
    expect(locked.stderr).to.include('`terrace vault unlock` resumes their rotation')
    await unlock()
    const before = keyIdInFile()
    await waitFor(() => keyIdInFile() !== before, 20_000)
  })

  it('a restarted agent re-registers the active file-mode session from workspace.json and keeps rotating', async () => {
    expect((await cli(s, ['agent', 'stop'])).code).to.equal(0)
    const before = keyIdInFile()
    await unlock() // starts a new agent, which restores its rotations (the first turn retried once the vault is unlocked)
    expect((await agentStatus()).rotating).to.equal(1)
    await waitFor(() => keyIdInFile() !== before, 20_000)
    expect(keyIdInFile()).not.to.equal(before)
  })

  it('start on the profile another session serves stops that one: its keys replaced, its rotation unregistered', async () => {
    const started = await cli(s, ['session', 'start', 'viewer', '--mode', 'file'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stdout).to.include('Stopped session admin')
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('333333333333', 'DevOps'))
    expect(readFileSync(credsFile, 'utf8').match(/\[legacy]/g)).to.have.length(1)
    expect((await agentStatus()).rotating).to.equal(1)
    const current = JSON.parse((await cli(s, ['session', 'current', '--json'])).stdout).sessions
    expect(current.map((c: {name: string}) => c.name)).to.deep.equal(['viewer'])
  })

  it('a process-mode start on that profile stops the file-mode session: its keys leave the file, its rotation ends', async () => {
    // admin was last started in file mode: --mode process says otherwise (without it, file mode again)
    const started = await cli(s, ['session', 'start', 'admin', '--mode', 'process'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stdout).to.include('Stopped session viewer')
    expect(started.stderr).not.to.include('plain file')
    expect(readFileSync(credsFile, 'utf8')).to.equal(USER_CREDS)
    expect(readFileSync(configFile(), 'utf8')).to.include('credential_process')
    expect((await agentStatus()).rotating).to.equal(0)
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('111111111111', 'Administrator'))
    expect((await cli(s, ['session', 'start', 'viewer', '--mode', 'file'])).code).to.equal(0)
    expect((await agentStatus()).rotating).to.equal(1)
  })

  it('stop removes the keys, unregisters the rotation and leaves the user bytes exactly as they were', async () => {
    const stopped = await cli(s, ['session', 'stop', 'viewer'])
    expect(stopped.code, stopped.stderr).to.equal(0)
    expect(readFileSync(credsFile, 'utf8')).to.equal(USER_CREDS)
    expect(readFileSync(configFile(), 'utf8')).to.equal(USER_CONFIG)
    expect((await agentStatus()).rotating).to.equal(0)
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
    expect(listed.find((x: {name: string}) => x.name === 'viewer')).to.include({mode: 'file', status: 'inactive'})
  })

  it('start without --mode reuses the mode the session was stopped in (file), and stop keeps it again', async () => {
    const started = await cli(s, ['session', 'start', 'viewer'])
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stderr).to.include('file mode puts temporary keys of session viewer in a plain file')
    expect(keyIdInFile()).to.match(/^ASIA/)
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('333333333333', 'DevOps'))
    expect((await cli(s, ['session', 'stop', 'viewer'])).code).to.equal(0)
    expect(readFileSync(credsFile, 'utf8')).to.equal(USER_CREDS)
    const listed = JSON.parse((await cli(s, ['session', 'list', '--json'])).stdout).sessions
    expect(listed.find((x: {name: string}) => x.name === 'viewer')).to.include({mode: 'file', status: 'inactive'})
  })

  it('TERRACE_AGENT=off: start still writes the keys and warns that nothing rotates them, and when they expire', async () => {
    expect((await cli(s, ['agent', 'stop'])).code).to.equal(0)
    const started = await cli(s, ['session', 'start', 'admin', '--mode', 'file'], {env: {TERRACE_AGENT: 'off'}})
    expect(started.code, started.stderr).to.equal(0)
    expect(started.stderr).to.match(
      /Warning: nothing will rotate them \(the agent is off \(TERRACE_AGENT=off\)\): they expire at \d{4}-/,
    )
    expect(keyIdInFile()).to.match(/^ASIA/)
    expect((await awsIdentity('legacy')).arn).to.match(ssoArn('111111111111', 'Administrator'))
    const removed = await cli(s, ['session', 'remove', 'admin'], {env: {TERRACE_AGENT: 'off'}})
    expect(removed.code, removed.stderr).to.equal(0)
    expect(readFileSync(credsFile, 'utf8')).to.equal(USER_CREDS)
  })

  it('aws sso logout (the agent wipes its schedule) names the file-mode sessions no longer renewed and how to resume', async () => {
    expect((await cli(s, ['session', 'start', 'viewer', '--mode', 'file'])).code).to.equal(0)
    const out = await cli(s, ['aws', 'sso', 'logout'], {cwd: join(s.project, LAYERS.devstg)})
    expect(out.code, out.stderr).to.equal(0)
    expect(out.stderr).to.include(
      "Warning: terrace's agent no longer renews the keys of file-mode sessions viewer: their temporary keys stay",
    )
    expect(out.stderr).to.include('`terrace session start viewer --mode file`')
    expect((await agentStatus()).rotating).to.equal(0)
    expect((await cli(s, ['session', 'stop', 'viewer'])).code).to.equal(0)
    expect(readFileSync(credsFile, 'utf8')).to.equal(USER_CREDS)
  })

  it('leak scan: no issued secret in workspace.json, any other file (the credentials file once stopped), logs or output', async () => {
    const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
    expect(secrets.filter((x) => /secret|session|token/i.test(x.kind)).length).to.be.greaterThan(6)
    expect(texts['agent cmdline'], 'the agent argv was read').to.include('agent')
    for (const [i, o] of s.outputs.entries()) {
      texts[`run ${i} stdout`] = o.stdout
      texts[`run ${i} stderr`] = o.stderr
    }

    const scan = scanForSecrets({dirs: [s.dir, credsDir], secrets, texts})
    expect(scan.filesScanned).to.be.greaterThan(5)
    expect(scan.findings).to.deep.equal([])
  })
})
