/**
 * Issue 12, the agent obtains and holds role credentials: an agent in this process (its env the file vault's,
 * against the sandbox), asked over its socket with the `credentials` op. Concurrent requests on a cold agent make one
 * GetRoleCredentials per role; status counts what it holds; lock and wipe forget it; a malformed ref is refused.
 */
import {expect} from 'chai'
import {cpSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {connectSocket, probeAgent} from '../../src/agent/client.js'
import {AgentLog} from '../../src/agent/log.js'
import {agentPaths} from '../../src/agent/paths.js'
import {refToParams} from '../../src/agent/role-ref-params.js'
import {type AgentServer, startAgent} from '../../src/agent/server.js'
import {updateProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {type SsoRoleRef} from '../../src/lib/role-refs.js'
import {assertBuilt, REPO, runCli} from '../helpers/cli.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const ref = (accountId: string, account: string): SsoRoleRef => ({
  account,
  accountId,
  kind: 'sso',
  role: 'DevOps',
  source: null,
  ssoRegion: 'us-east-1',
  startUrl: 'https://bb-sandbox.awsapps.com/start',
})
const DEVSTG = ref('555555555555', 'apps-devstg')
const SHARED = ref('333333333333', 'shared')

describe('e2e: the agent obtains and holds role credentials (issue 12)', function () {
  this.timeout(120_000)
  let sb: TestSandbox
  let tmp: string
  let env: NodeJS.ProcessEnv
  let agent: AgentServer | undefined
  const savedEnv = {...process.env}

  const calls = async () => (await sb.control.requestLog()).filter((e) => e.operation === 'GetRoleCredentials').length

  before(async () => {
    assertBuilt()
    sb = await startTestSandbox({autoApprove: true})
    // the SDK clients of this process (the agent's) read their endpoints from process.env, as in a real agent
    Object.assign(process.env, sb.env)
    tmp = mkdtempSync(join(tmpdir(), 'terrace-agent-roles-'))
    cpSync(join(REPO, 'templates', 'sample-project'), join(tmp, 'project'), {recursive: true})
    env = {
      ...sb.env,
      HOME: join(tmp, 'home'),
      TERRACE_HOME: join(tmp, 'terrace'),
      TERRACE_VAULT: 'file',
      TERRACE_VAULT_PASSPHRASE: 'agent roles passphrase',
    }
    const login = await runCli(['aws', 'sso', 'login', '--no-browser'], {cwd: join(tmp, 'project'), env})
    expect(login.code, login.stderr).to.equal(0)
  })

  beforeEach(async () => {
    const paths = agentPaths(env.TERRACE_HOME!)
    const started = await startAgent({env, log: new AgentLog(paths.log), paths})
    expect(started.kind).to.equal('started')
    agent = started.kind === 'started' ? started.agent : undefined
  })

  afterEach(async () => {
    await agent?.stop('test over')
  })

  after(async () => {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    await sb?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  const ask = async (params: Record<string, number | string>) => {
    const connection = await connectSocket(agentPaths(env.TERRACE_HOME!).socket)
    try {
      return await connection.request('credentials', params)
    } finally {
      connection.close()
    }
  }

  it('60 concurrent requests over 2 roles on a cold agent: 2 GetRoleCredentials, one answer per role, 2 held', async () => {
    const before = await calls()
    const answers = await Promise.all(
      Array.from({length: 60}, (_, i) => ask(refToParams(i % 2 ? SHARED : DEVSTG)).then((a) => ({a, i}))),
    )
    const keys = [new Set<string>(), new Set<string>()]
    for (const {a, i} of answers) {
      expect(a.ok, JSON.stringify(a.ok ? {} : a.error)).to.equal(true)
      const creds = (a.ok ? a.result : {}) as {credentials: {accessKeyId: string; obtainedAt: number}}
      keys[i % 2].add(creds.credentials.accessKeyId)
    }

    expect(keys.map((k) => k.size)).to.deep.equal([1, 1])
    expect(await calls()).to.equal(before + 2)
    expect((await probeAgent(agentPaths(env.TERRACE_HOME!)))?.cachedCredentials).to.equal(2)
    // held: asked again, no call at all (not even the vault's)
    expect((await ask(refToParams(DEVSTG))).ok).to.equal(true)
    expect(await calls()).to.equal(before + 2)
  })

  it('lock and wipe forget what is held; forceRefresh obtains new credentials', async () => {
    expect((await ask(refToParams(DEVSTG))).ok).to.equal(true)
    expect(agent!.status().cachedCredentials).to.equal(1)
    const connection = await connectSocket(agentPaths(env.TERRACE_HOME!).socket)
    try {
      const locked = await connection.request('lock')
      expect(locked).to.deep.include({ok: true, result: {locked: false, wiped: 1}})
      expect(agent!.status().cachedCredentials).to.equal(0)
      expect((await connection.request('credentials', refToParams(SHARED))).ok).to.equal(true)
      expect((await connection.request('wipe')).ok ? agent!.status().cachedCredentials : -1).to.equal(0)
    } finally {
      connection.close()
    }

    const before = await calls()
    const first = await ask(refToParams(DEVSTG))
    const forced = await ask({...refToParams(DEVSTG), forceRefresh: 1})
    expect(await calls()).to.equal(before + 1)
    const key = (a: typeof first) =>
      a.ok ? (a.result as {credentials: {accessKeyId: string}}).credentials.accessKeyId : ''
    expect(key(forced)).not.to.equal(key(first))
  })

  it('stopping the agent wipes what it holds (zeroed, logged with the count)', async () => {
    expect((await ask(refToParams(DEVSTG))).ok).to.equal(true)
    expect((await ask(refToParams(SHARED))).ok).to.equal(true)
    expect(agent!.status().cachedCredentials).to.equal(2)
    await agent!.stop('test stop')
    expect(agent!.store.size).to.equal(0)
    const log = readFileSync(agentPaths(env.TERRACE_HOME!).log, 'utf8')
    expect(log).to.match(/wiped locked=false unscheduled=0 wiped=2\n.*stopped pid=\d+ reason="test stop"/)
  })

  it('sso-login vouches for a usable login with its end only (never the token), and refuses a start URL with none', async () => {
    const connection = await connectSocket(agentPaths(env.TERRACE_HOME!).socket)
    try {
      const vouched = await connection.request('sso-login', {startUrl: DEVSTG.startUrl})
      expect(vouched.ok, JSON.stringify(vouched)).to.equal(true)
      const result = vouched.ok ? (vouched.result as Record<string, unknown>) : {}
      expect(Object.keys(result)).to.deep.equal(['expiresAt'])
      expect(result.expiresAt).to.be.a('number').greaterThan(Date.now())
      const none = await connection.request('sso-login', {startUrl: 'https://elsewhere.awsapps.com/start'})
      expect(none.ok).to.equal(false)
      expect(none.ok === false && none.error.message).to.match(/not logged in/i)
      const missing = await connection.request('sso-login', {})
      expect(missing.ok === false && missing.error).to.deep.include({code: 'bad-request'})
    } finally {
      connection.close()
    }
  })

  it('a managed profile named by its name: the agent reads its role from profiles.json; an unknown name is refused', async () => {
    await updateProfileRegistry(join(env.TERRACE_HOME!, 'config'), {set: {devstg: {ref: DEVSTG, region: 'us-east-1'}}})
    const byName = await ask({kind: 'profile', profile: 'devstg'})
    const byRef = await ask(refToParams(DEVSTG))
    const key = (a: typeof byName) =>
      a.ok ? (a.result as {credentials: {accessKeyId: string}}).credentials.accessKeyId : ''
    expect(key(byName)).to.match(/^ASIA/)
    expect(key(byName)).to.equal(key(byRef))
    const unknown = await ask({kind: 'profile', profile: 'nope'})
    expect(unknown.ok === false && unknown.error.message).to.contain('"nope" is not a terrace-managed profile')
  })

  it('a request without a usable ref is refused (bad-request) and names what is missing', async () => {
    const answer = await ask({accountId: '555555555555', kind: 'sso'})
    expect(answer.ok).to.equal(false)
    expect(answer.ok === false && answer.error).to.deep.include({code: 'bad-request'})
    expect(answer.ok === false && answer.error.message).to.contain('needs role')
  })
})
