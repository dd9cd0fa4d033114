/**
 * Issue 12, the file vault unlocked once in the agent, through the built CLI with a private TERRACE_HOME and
 * TERRACE_VAULT=file against the sandbox: after `vault unlock --passphrase-stdin`, commands without
 * TERRACE_VAULT_PASSPHRASE and without a terminal read and write the vault through the agent (exit 0, no prompt);
 * `vault lock` makes them exit 8 again; a wrong passphrase unlocks nothing; logout wipes the agent; the passphrase
 * is in no file and not in the agent's command line or environment. Every test ends its agent.
 */
import {expect} from 'chai'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {isRunning, waitUntil} from '../../src/agent/process.js'
import {openVault} from '../../src/vault/select.js'
import {assertBuilt, REPO, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'

const PASSPHRASE = 'vault-agent e2e passphrase 3f9c'

interface VaultStatus {
  agent: {pid: null | number; running: boolean}
  path: string
  unlocked: boolean
  unlockedUntil: null | string
  vault: 'file' | 'keychain'
}

describe('e2e: terrace vault unlock|lock|status with the agent (issue 12)', function () {
  this.timeout(120_000)
  let sb: TestSandbox
  let tmp: string
  let project: string
  let csv: string
  let home: string
  let env: NodeJS.ProcessEnv
  const started = new Set<number>()

  before(async () => {
    assertBuilt()
    sb = await startTestSandbox({autoApprove: true})
    tmp = mkdtempSync(join(tmpdir(), 'terrace-vault-agent-e2e-'))
    project = join(tmp, 'project')
    cpSync(join(REPO, 'templates', 'sample-project'), project, {recursive: true})
    mkdirSync(join(tmp, 'downloads'))
    csv = join(tmp, 'downloads', 'alice_credentials.csv')
    writeFileSync(
      csv,
      `User name,Password,Access key ID,Secret access key,Console login link\nalice,,${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey},https://222222222222.signin.aws.amazon.com/console\n`,
    )
  })

  beforeEach(() => {
    home = join(tmp, `home-${Math.random().toString(36).slice(2, 8)}`)
    mkdirSync(join(home, 'user-home'), {recursive: true})
    // no TERRACE_VAULT_PASSPHRASE, and stdin is never a terminal (runCli closes it)
    env = {...sb.env, HOME: join(home, 'user-home'), TERRACE_HOME: join(home, 'terrace'), TERRACE_VAULT: 'file'}
  })

  afterEach(async () => {
    await runCli(['agent', 'stop'], {cwd: tmp, env})
    for (const pid of started) if (isRunning(pid)) process.kill(pid, 'SIGKILL')
    expect(await waitUntil(() => [...started].every((pid) => !isRunning(pid)), 10_000)).to.equal(true)
    started.clear()
  })

  after(async () => {
    await sb?.stop()
    rmSync(tmp, {force: true, recursive: true})
  })

  const cli = (args: string[], options: {cwd?: string; input?: string} = {}) =>
    runCli(args, {cwd: options.cwd ?? project, env, input: options.input})

  const vaultStatus = async (): Promise<VaultStatus> => {
    const result = await cli(['vault', 'status', '--json'])
    expect(result.code, result.stderr).to.equal(0)
    const status = JSON.parse(result.stdout) as VaultStatus
    if (status.agent.pid) started.add(status.agent.pid)
    return status
  }

  const unlock = async (passphrase = PASSPHRASE, ...extra: string[]) => {
    const result = await cli(['vault', 'unlock', '--passphrase-stdin', ...extra], {input: `${passphrase}\n`})
    const pid = Number(/pid (\d+)/.exec(result.stderr)?.[1])
    if (pid) started.add(pid)
    return result
  }

  /** The vault file opened directly with the passphrase: what the agent wrote is in it. */
  const direct = () =>
    openVault({
      agent: false,
      env: {TERRACE_VAULT: 'file', TERRACE_VAULT_PASSPHRASE: PASSPHRASE},
      home: env.TERRACE_HOME!,
      interactive: false,
    })

  it('unlock once (creating the vault): login, status, configure sso and credentials configure need no passphrase and no terminal; lock: exit 8', async () => {
    const unlocked = await unlock()
    expect(unlocked.code, unlocked.stderr).to.equal(0)
    expect(existsSync(join(env.TERRACE_HOME!, 'vault.enc')), 'the new vault').to.equal(true)
    const status = await vaultStatus()
    expect(status).to.deep.include({path: join(env.TERRACE_HOME!, 'vault.enc'), unlocked: true, vault: 'file'})
    expect(status.agent.running).to.equal(true)
    expect(Date.parse(status.unlockedUntil!) - Date.now()).to.be.within(7 * 3_600_000, 8 * 3_600_000)

    const outputs: string[] = []
    for (const args of [
      ['aws', 'sso', 'login', '--no-browser'],
      ['aws', 'sso', 'status'],
      ['aws', 'configure', 'sso'],
      ['credentials', 'configure', '--type', 'security', '--credentials-file', csv],
      ['aws', 'sso', 'status', '--json'],
    ]) {
      const result = await cli(args, {cwd: args[0] === 'credentials' ? join(project, 'security') : project})
      outputs.push(result.stdout, result.stderr)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(0)
      expect(result.stderr, args.join(' ')).not.to.match(/passphrase:/i)
    }

    // credential-process never prompts: with the vault unlocked in the agent it answers without a passphrase
    const served = await cli(['credential-process', '--profile', 'bb-apps-devstg-devops'])
    expect(served.code, served.stderr).to.equal(0)
    expect(JSON.parse(served.stdout)).to.include({Version: 1})

    // written by the agent into the vault file, under the passphrase
    const vault = await direct()
    expect(await vault.list('sso-token:')).to.have.length(1)
    expect(await vault.get('iam-user:bb/security')).to.contain(TEMPLATE.accessKeyId)

    // leak check: the passphrase in no file under TERRACE_HOME (agent log included), not in the agent's
    // command line or environment, not in any output
    const pid = status.agent.pid!
    const texts: Record<string, string> = {outputs: outputs.join('\n')}
    if (existsSync(`/proc/${pid}`)) {
      texts.cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      texts.environ = readFileSync(`/proc/${pid}/environ`, 'utf8')
      expect(texts.environ, 'the agent environment was read').to.contain('TERRACE_HOME=')
    }

    const scan = scanForSecrets({dirs: [env.TERRACE_HOME!], secrets: [{kind: 'passphrase', value: PASSPHRASE}], texts})
    expect(scan.filesScanned).to.be.greaterThan(1)
    expect(scan.findings).to.deep.equal([])
    expect(readFileSync(join(env.TERRACE_HOME!, 'logs', 'agent.log'), 'utf8')).to.contain('unlocked')

    const locked = await cli(['vault', 'lock'])
    expect(locked.code, locked.stderr).to.equal(0)
    expect(locked.stderr).to.contain('The file vault is locked')
    expect((await vaultStatus()).unlocked).to.equal(false)
    expect((await cli(['vault', 'lock'])).stderr).to.contain('Nothing to lock: the agent held no unlocked vault.')
    const after = await cli(['aws', 'sso', 'status'])
    expect(after.code, after.stderr).to.equal(8)
    expect(after.stderr).to.contain('TERRACE_VAULT=file needs a passphrase')
    const refused = await cli(['credential-process', '--profile', 'bb-apps-devstg-devops'])
    expect(refused.code, refused.stderr).to.equal(8)
  })

  it('a wrong passphrase: exit 8, and the agent holds nothing unlocked', async () => {
    expect((await unlock()).code).to.equal(0)
    expect((await cli(['vault', 'lock'])).code).to.equal(0)
    const wrong = await unlock('not the passphrase')
    expect(wrong.code, wrong.stderr).to.equal(8)
    expect(wrong.stderr).to.contain('Wrong passphrase')
    expect((await vaultStatus()).unlocked).to.equal(false)
    expect((await cli(['aws', 'sso', 'status'])).code).to.equal(8)
  })

  it('--for: 30m unlocks for 30 minutes; 25h or "soon" exits 2 and unlocks nothing', async () => {
    for (const bad of ['25h', 'soon']) {
      const result = await unlock(PASSPHRASE, '--for', bad)
      expect(result.code, bad).to.equal(2)
    }

    expect((await vaultStatus()).agent.running, 'no agent started').to.equal(false)
    const none = await cli(['vault', 'lock'])
    expect(none.code, none.stderr).to.equal(0)
    expect(none.stderr).to.contain('Nothing to lock: no terrace agent runs (terrace vault unlock starts one).')
    expect((await unlock(PASSPHRASE, '--for', '30m')).code).to.equal(0)
    const until = Date.parse((await vaultStatus()).unlockedUntil!) - Date.now()
    expect(until).to.be.within(25 * 60_000, 30 * 60_000)
  })

  it('sso logout and agent stop wipe the agent: the vault is locked again', async () => {
    expect((await unlock()).code).to.equal(0)
    expect((await cli(['aws', 'sso', 'login', '--no-browser'])).code).to.equal(0)
    const logout = await cli(['aws', 'sso', 'logout'])
    expect(logout.code, logout.stderr).to.equal(0)
    expect((await vaultStatus()).unlocked, 'after logout').to.equal(false)
    expect(await (await direct()).list('sso-token:'), 'the logout wiped the token through the agent').to.deep.equal([])

    expect((await unlock()).code).to.equal(0)
    const {pid} = (await vaultStatus()).agent
    expect((await cli(['agent', 'stop'])).code).to.equal(0)
    expect(isRunning(pid!)).to.equal(false)
    expect((await cli(['aws', 'sso', 'status'])).code).to.equal(8)
  })
})
