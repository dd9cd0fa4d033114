/**
 * Issue 12, credential-process and wrapped commands served by terrace's agent, through the built CLI against the
 * sandbox (file vault, private HOME, TERRACE_HOME and TMPDIR under one temp folder):
 * - 200 parallel `credential-process` on a cold agent (just unlocked, nothing held) over 2 roles: exactly 2
 *   GetRoleCredentials, every answer the same per role, both held by the agent;
 * - kill -9 of the agent in the middle of 50 parallel requests: every request still answers, with the same
 *   credentials (the direct path);
 * - TERRACE_AGENT=auto starts the agent on demand, off never does;
 * - leak scan after unlock, exec (its endpoint served by the agent), credential-process, lock and logout: no
 *   issued secret in any file of the test's folders (HOME, TERRACE_HOME, TMPDIR, the agent log), nor in the
 *   command line and environment of the agent and of the wrapping terrace process.
 * Every agent a test starts is stopped (and killed, should it not stop) before the test ends.
 */
import {expect} from 'chai'
import {type ChildProcess} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {isRunning, waitUntil} from '../../src/agent/process.js'
import {type ManagedProfile, updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {projectBindings} from '../../src/layers/profile-bindings.js'
import {loadProject} from '../../src/layers/project.js'
import {agentTracker, credentialProcessStorm} from '../helpers/agents.js'
import {assertBuilt, collect, runCli, spawnCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {cli, LAYERS, type Scenario, setUp, STS_IDENTITY, tearDown} from './delivery-helpers.js'

const PASSPHRASE = 'agent credential-process passphrase'
const ROLES = ['bb-apps-devstg-devops', 'bb-shared-devops']

describe('e2e: credential-process and wrapped commands through the agent (issue 12)', function () {
  this.timeout(240_000)
  let s: Scenario
  /** the clients' environment: no passphrase (the agent holds the vault unlocked) */
  let env: NodeJS.ProcessEnv
  const tracker = agentTracker((args) => cli(s, args, {env}))
  const {agents, status} = tracker
  const stopAgents = () => tracker.stop()
  const served = new Map<string, string>()

  /** how many credentials requests the agent log records */
  const agentRequests = () =>
    readFileSync(join(env.TERRACE_HOME!, 'logs', 'agent.log'), 'utf8').match(/request op="credentials"/g)?.length ?? 0

  const calls = async () => (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials')

  const unlock = async () => {
    const result = await runCli(['vault', 'unlock', '--passphrase-stdin'], {
      cwd: s.project,
      env,
      input: `${PASSPHRASE}\n`,
    })
    s.outputs.push(result)
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1])
    if (pid) agents.add(pid)
    return result
  }

  const credentialProcess = (profile: string, extra: NodeJS.ProcessEnv): ChildProcess =>
    spawnCli(['credential-process', '--profile', profile], {cwd: s.dir, env: {...env, ...extra}})

  /** COUNT runs at once over profiles, from a process of their own (fixtures/bin/credential-process-storm.mjs). */
  const storm = (count: number, extra: NodeJS.ProcessEnv, kill?: {after: number; pid: number}) =>
    credentialProcessStorm({
      cwd: s.dir,
      env: {
        ...env,
        ...extra,
        COUNT: String(count),
        KILL_AFTER: String(kill?.after ?? 0),
        KILL_PID: String(kill?.pid ?? 0),
        PROFILES: ROLES.join(','),
      },
      outputs: s.outputs,
    })

  before(async () => {
    assertBuilt()
    s = await setUp()
    // every run of this test starts without the passphrase (the helper's cli() spreads s.env into each)
    delete s.env.TERRACE_VAULT_PASSPHRASE
    env = s.env
    // unlocked first (creating the vault): the login is written through the agent into the vault file
    const unlocked = await unlock()
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    const login = await cli(s, ['aws', 'sso', 'login', '--no-browser'], {cwd: join(s.project, LAYERS.devstg), env})
    expect(login.code, login.stderr).to.equal(0)
    const set: Record<string, ManagedProfile> = {}
    for (const {name, ref} of projectBindings(await loadProject(s.project, {env})))
      set[name] = {ref, region: 'us-east-1'}
    await updateProfileRegistry(join(env.TERRACE_HOME!, 'config'), {set})
  })

  after(async () => {
    if (s) await stopAgents()
    await tearDown(s)
  })

  it('200 parallel credential-process on a cold agent over 2 roles: exactly 2 GetRoleCredentials, both held', async () => {
    expect((await status()).cachedCredentials, 'a cold agent').to.equal(0)
    const before = (await calls()).length
    const {results} = await storm(200, {TERRACE_AGENT: 'auto'})
    const keys = new Map<string, Set<string>>()
    for (const r of results) {
      expect(r.code, `${r.profile}: ${r.stderr}`).to.equal(0)
      const json = JSON.parse(r.stdout) as {AccessKeyId: string; Version: number}
      expect(json.Version).to.equal(1)
      keys.set(r.profile, (keys.get(r.profile) ?? new Set()).add(json.AccessKeyId))
    }

    expect(
      [...keys.values()].map((k) => k.size),
      'one answer per role',
    ).to.deep.equal([1, 1])
    for (const [profile, set] of keys) served.set(profile, [...set][0])
    expect((await calls()).length - before).to.equal(2)
    const after = await status()
    expect(after.cachedCredentials, 'the agent holds both roles').to.equal(2)
    expect(after.pid, 'still the one agent').to.equal([...agents][0])
  })

  it('a warm exec through the agent asks it for the login check and the credentials only: the vault stays closed', async () => {
    const log = join(env.TERRACE_HOME!, 'logs', 'agent.log')
    const before = readFileSync(log, 'utf8').length
    const exec = await cli(s, ['exec', '--', process.execPath, STS_IDENTITY], {
      cwd: join(s.project, LAYERS.devstg),
      env: {...env, TERRACE_AGENT: 'auto'},
    })
    expect(exec.code, exec.stderr).to.equal(0)
    expect(exec.stdout).to.match(/"arn":"arn:aws:sts::555555555555:assumed-role\//)
    const ops = [
      ...readFileSync(log, 'utf8')
        .slice(before)
        .matchAll(/request op="([^"]+)"/g),
    ]
      .map((m) => m[1])
      .filter((op) => op !== 'ping')
    // before the agent answered the login check, the wrapping process read the login (and the cache) from the vault
    expect(new Set(ops)).to.deep.equal(new Set(['credentials', 'sso-login']))
  })

  it('kill -9 of the agent in the middle of 50 parallel requests: every request answers, with the same credentials', async () => {
    const {pid} = await status()
    expect(pid).to.be.a('number')
    const requestsBefore = agentRequests()
    // the direct path needs the passphrase once the agent is gone; off: nothing starts a new agent meanwhile
    const {killedAfter, results} = await storm(
      50,
      {TERRACE_AGENT: 'off', TERRACE_VAULT_PASSPHRASE: PASSPHRASE},
      {after: 5, pid: pid!},
    )
    expect(killedAfter, 'killed after the 5th answer').to.equal(5)
    expect(agentRequests() - requestsBefore, 'the agent answered (at least) the first five').to.be.at.least(5)
    expect(await waitUntil(() => !isRunning(pid!), 5000), 'the agent is gone').to.equal(true)
    for (const r of results) {
      expect(r.code, `${r.profile}: ${r.stderr}`).to.equal(0)
      expect((JSON.parse(r.stdout) as {AccessKeyId: string}).AccessKeyId, r.profile).to.equal(served.get(r.profile))
    }

    expect((await status()).running, 'no agent started meanwhile').to.equal(false)
  })

  it('TERRACE_AGENT=off starts no agent; auto starts one on demand (replacing the stale socket) and answers the same', async () => {
    const direct = {TERRACE_VAULT_PASSPHRASE: PASSPHRASE}
    const off = await collect(credentialProcess(ROLES[0], {...direct, TERRACE_AGENT: 'off'}))
    expect(off.code, off.stderr).to.equal(0)
    expect((await status()).running).to.equal(false)
    // auto, but a profile name that names nothing: exit 4, and no agent started for it
    const typo = await collect(credentialProcess('bb-apps-devstg-devpos', {...direct, TERRACE_AGENT: 'auto'}))
    expect(typo.code, typo.stderr).to.equal(4)
    expect(typo.stderr).to.contain('"bb-apps-devstg-devpos" is not a terrace-managed profile')
    expect((await status()).running, 'no agent for a typo').to.equal(false)

    // as when credential-process runs inside a wrapped command: that run's endpoint token stays out of the agent
    const runToken = 'wrapped-run-endpoint-token-5d1e'
    const auto = await collect(
      credentialProcess(ROLES[0], {
        ...direct,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: runToken,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/credentials',
        TERRACE_AGENT: 'auto',
        // a one-time code the starting command was given: used by then, never the agent's
        TERRACE_MFA_CODE: '731904',
      }),
    )
    expect(auto.code, auto.stderr).to.equal(0)
    expect((JSON.parse(auto.stdout) as {AccessKeyId: string}).AccessKeyId).to.equal(served.get(ROLES[0]))
    const started = await status()
    expect(started.running, 'started on demand').to.equal(true)
    const environ = readFileSync(`/proc/${started.pid}/environ`, 'utf8')
    expect(environ, 'the agent environment was read').to.contain('TERRACE_HOME=')
    expect(environ).not.to.contain(runToken)
    expect(environ).not.to.contain('TERRACE_MFA_CODE')
    expect(environ).not.to.contain(PASSPHRASE)
    await stopAgents()
    expect((await status()).running).to.equal(false)
  })

  it('leak scan after unlock, exec, credential-process, lock and logout: no issued secret anywhere', async () => {
    const unlocked = await unlock()
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    const agent = (await status()).pid!
    const texts: Record<string, string> = {}
    const procOf = (pid: number, what: string) => {
      texts[`${what} cmdline`] = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      texts[`${what} environ`] = readFileSync(`/proc/${pid}/environ`, 'utf8')
    }

    // the wrapped command's endpoint asks the agent: it obtains and holds the layer's credentials
    const script = `"${process.execPath}" "${STS_IDENTITY}" && cat /proc/$PPID/cmdline && echo && tr '\\0' '\\n' < /proc/$PPID/environ`
    const exec = await cli(s, ['exec', '--', 'sh', '-c', script], {
      cwd: join(s.project, LAYERS.devstg),
      env: {...env, TERRACE_AGENT: 'auto'},
    })
    expect(exec.code, exec.stderr).to.equal(0)
    expect(exec.stdout, 'the wrapping terrace process as its child saw it').to.contain('TERRACE_HOME=')
    expect(exec.stdout).to.match(/"arn":"arn:aws:sts::555555555555:assumed-role\//)
    expect((await status()).cachedCredentials, 'served by the agent').to.be.at.least(1)
    expect(agentRequests(), 'the endpoint asked the agent').to.be.greaterThan(0)

    // a credential-process client as the kernel shows it while it runs (spawn returns once it has exec'd)
    const client = credentialProcess(ROLES[1], {TERRACE_AGENT: 'auto'})
    if (client.pid) procOf(client.pid, 'credential-process client')
    const cp = await collect(client)
    s.outputs.push(cp)
    expect(texts['credential-process client cmdline']).to.contain('credential-process')
    expect(cp.code, cp.stderr).to.equal(0)
    if (existsSync(`/proc/${agent}`)) procOf(agent, 'agent')
    expect(texts['agent environ'] ?? 'TERRACE_HOME=', 'the agent environment was read').to.contain('TERRACE_HOME=')

    const lock = await cli(s, ['vault', 'lock'], {env})
    expect(lock.code, lock.stderr).to.equal(0)
    expect((await status()).cachedCredentials, 'vault lock wipes what the agent held').to.equal(0)
    // again, held anew, for logout to wipe
    const again = await collect(
      credentialProcess(ROLES[1], {TERRACE_AGENT: 'auto', TERRACE_VAULT_PASSPHRASE: PASSPHRASE}),
    )
    expect(again.code, again.stderr).to.equal(0)
    const logout = await cli(s, ['aws', 'sso', 'logout'], {env: {...env, TERRACE_VAULT_PASSPHRASE: PASSPHRASE}})
    expect(logout.code, logout.stderr).to.equal(0)
    expect((await status()).cachedCredentials, 'sso logout wipes what the agent held').to.equal(0)
    if (existsSync(`/proc/${agent}`)) procOf(agent, 'agent after logout')

    const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
    expect(
      secrets.filter((x) => /secret|session|token/i.test(x.kind)).length,
      'issued secrets to look for',
    ).to.be.greaterThan(2)
    for (const [i, o] of s.outputs.entries()) texts[`run ${i} stderr`] = o.stderr
    texts['exec stdout'] = exec.stdout
    const scan = scanForSecrets({dirs: [s.dir], secrets, texts})
    expect(scan.filesScanned).to.be.greaterThan(3)
    expect(scan.findings).to.deep.equal([])
  })
})
