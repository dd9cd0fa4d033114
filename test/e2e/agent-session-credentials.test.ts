/**
 * Issues 12 and 13, workspace sessions served by terrace's agent, through the built CLI against the sandbox (file
 * vault unlocked in the agent, private HOME, TERRACE_HOME and TMPDIR under one temp folder):
 * - 100 parallel `credential-process --session <name>` on a cold agent for an SSO role session: exactly 1
 *   GetRoleCredentials, one answer, held by the agent;
 * - a client of a hung agent (SIGSTOP) does not wait forever: it takes the direct path, with the same answer, and
 *   starts no second agent;
 * - the agent reads the workspace at request time: a renamed session is found under its new name, a removed one is
 *   refused by the agent and the direct path says why (exit 4).
 * Every agent a test starts is stopped (and killed, should it not stop) before the test ends.
 */
import {expect} from 'chai'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {isRunning} from '../../src/agent/process.js'
import {agentTracker, credentialProcessStorm} from '../helpers/agents.js'
import {assertBuilt, type CliResult, runCli} from '../helpers/cli.js'
import {ssoAdminSession} from '../helpers/session-fixtures.js'
import {cli, login, type Scenario, setUp, tearDown} from './delivery-helpers.js'

const PASSPHRASE = 'agent session passphrase'

describe('e2e: workspace sessions served by the agent (issues 12, 13)', function () {
  this.timeout(240_000)
  let s: Scenario
  /** the clients' environment: no passphrase (the agent holds the vault unlocked) */
  let env: NodeJS.ProcessEnv
  const tracker = agentTracker((args) => cli(s, args, {env}))
  const {agents, status} = tracker
  const stopAgents = () => tracker.stop()
  /** agents a test stopped with SIGSTOP: continued before anything else */
  const stopped = new Set<number>()
  let served = ''

  const agentLog = () => readFileSync(join(env.TERRACE_HOME!, 'logs', 'agent.log'), 'utf8')
  const count = (pattern: RegExp) => agentLog().match(pattern)?.length ?? 0
  const calls = async () => (await s.sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials')

  const credentialProcess = async (session: string, extra: NodeJS.ProcessEnv = {}) =>
    cli(s, ['credential-process', '--session', session], {cwd: s.dir, env: {...env, ...extra}})

  /** COUNT runs of `credential-process --session <name>` at once, from a process of their own */
  const storm = async (count: number, name: string) =>
    (
      await credentialProcessStorm({
        cwd: s.dir,
        env: {...env, COUNT: String(count), FLAG: '--session', PROFILES: name, TERRACE_AGENT: 'auto'},
        outputs: s.outputs,
      })
    ).results

  before(async () => {
    assertBuilt()
    s = await setUp()
    delete s.env.TERRACE_VAULT_PASSPHRASE
    env = s.env
    const unlocked = await runCli(['vault', 'unlock', '--passphrase-stdin'], {
      cwd: s.project,
      env,
      input: `${PASSPHRASE}\n`,
    })
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    await status()
    await login(s)
    const added = await cli(s, ['session', 'add', ...ssoAdminSession()])
    expect(added.code, added.stderr).to.equal(0)
  })

  after(async () => {
    for (const pid of stopped) if (isRunning(pid)) process.kill(pid, 'SIGCONT')
    if (s) await stopAgents()
    await tearDown(s)
  })

  it('100 parallel credential-process --session on a cold agent: exactly 1 GetRoleCredentials, one answer, held', async () => {
    expect((await status()).cachedCredentials, 'a cold agent').to.equal(0)
    const before = (await calls()).length
    const asked = count(/request op="credentials"/g)
    const results = await storm(100, 'admin')
    const keys = new Set<string>()
    for (const r of results) {
      expect(r.code, r.stderr).to.equal(0)
      const json = JSON.parse(r.stdout) as {AccessKeyId: string; Version: number}
      expect(json.Version).to.equal(1)
      keys.add(json.AccessKeyId)
    }

    expect(keys.size, 'one answer').to.equal(1)
    served = [...keys][0]
    const made = (await calls()).slice(before)
    expect(made.length).to.equal(1)
    expect(count(/request op="credentials"/g) - asked, 'every run asked the agent').to.equal(100)
    expect(count(/ failed op="credentials"/g), 'the agent answered every one').to.equal(0)
    expect((await status()).cachedCredentials, 'the agent holds them').to.equal(1)
  })

  it('a client of a hung agent (SIGSTOP) takes the direct path: the same answer, no second agent', async () => {
    const {pid} = await status()
    expect(pid).to.be.a('number')
    const before = (await calls()).length
    process.kill(pid!, 'SIGSTOP')
    stopped.add(pid!)
    let hung: CliResult
    try {
      // the direct path opens the file vault itself (the agent that holds it unlocked answers nothing)
      hung = await credentialProcess('admin', {TERRACE_AGENT: 'auto', TERRACE_VAULT_PASSPHRASE: PASSPHRASE})
    } finally {
      process.kill(pid!, 'SIGCONT')
      stopped.delete(pid!)
    }

    expect(hung.code, hung.stderr).to.equal(0)
    expect(JSON.parse(hung.stdout).AccessKeyId, 'the cached credentials').to.equal(served)
    expect((await calls()).length - before, 'from the vault cache').to.equal(0)
    const after = await status()
    expect(after.pid, 'the same agent, continued').to.equal(pid)
    expect(agents.size, 'no second agent').to.equal(1)
  })

  it('an edited session is seen by the agent: found under its new name, from what it holds', async () => {
    const before = (await calls()).length
    const first = await credentialProcess('admin')
    expect(first.code, first.stderr).to.equal(0)
    const edited = await cli(s, ['session', 'edit', 'admin', '--name', 'root-admin'])
    expect(edited.code, edited.stderr).to.equal(0)
    const failed = count(/ failed op="credentials"/g)
    const asked = count(/request op="credentials"/g)
    const renamed = await credentialProcess('root-admin')
    expect(renamed.code, renamed.stderr).to.equal(0)
    expect(JSON.parse(renamed.stdout).AccessKeyId).to.equal(JSON.parse(first.stdout).AccessKeyId)
    expect(count(/request op="credentials"/g), 'the agent was asked').to.equal(asked + 1)
    expect(count(/ failed op="credentials"/g), 'the agent found the new name').to.equal(failed)
    expect((await calls()).length - before, 'served from what the agent holds').to.equal(0)
  })

  it('a removed session is seen by the agent: refused there, and the direct path says why (exit 4)', async () => {
    const removed = await cli(s, ['session', 'remove', 'root-admin'])
    expect(removed.code, removed.stderr).to.equal(0)
    const failed = count(/ failed op="credentials"/g)
    const gone = await credentialProcess('root-admin')
    expect(gone.code, gone.stderr).to.equal(4)
    expect(gone.stderr).to.contain('No session named "root-admin"')
    expect(gone.stdout).to.equal('')
    expect(count(/ failed op="credentials"/g), 'the agent refused it').to.equal(failed + 1)
    expect((await status()).running, 'the agent still runs').to.equal(true)
  })
})
