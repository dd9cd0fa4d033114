/**
 * Issue 12, "with the file vault unlocked: 20 commands in a row, zero prompts", under a pseudo-terminal (built CLI,
 * CI unset, no TERRACE_VAULT_PASSPHRASE): the passphrase is typed once, at `terrace vault unlock`, and never asked
 * again. The agent is stopped after each test.
 */
import {expect} from 'chai'
import {cpSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {isRunning, waitUntil} from '../../src/agent/process.js'
import {assertBuilt, REPO, runCli} from '../helpers/cli.js'
import {type PtyResult, runOnPty} from '../helpers/pty.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const LAYER = join('apps-devstg', 'us-east-1', 'base-network')
/** every passphrase prompt terrace shows */
const PROMPTS = ['New passphrase for the terrace file vault: ', 'Type it again: ', 'terrace vault passphrase: ']

describe('e2e: one vault unlock at a terminal, then 20 commands without a prompt (issue 12)', function () {
  this.timeout(180_000)
  let sb: TestSandbox
  let dir: string
  let env: NodeJS.ProcessEnv
  let layer: string
  let agentPid: number | undefined

  const onPty = (args: string[], answers: string[]): Promise<PtyResult> =>
    runOnPty({answers, args, cwd: layer, dir, env, prompts: PROMPTS})

  beforeEach(async () => {
    assertBuilt()
    sb = await startTestSandbox({autoApprove: true, sso: {pollInterval: 0}})
    dir = mkdtempSync(join(tmpdir(), 'terrace-vault-agent-pty-'))
    cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
    layer = join(dir, 'project', LAYER)
    env = {...sb.env, HOME: join(dir, 'home'), TERRACE_HOME: join(dir, 'terrace-home'), TERRACE_VAULT: 'file'}
    agentPid = undefined
  })

  afterEach(async () => {
    await runCli(['agent', 'stop'], {cwd: dir, env})
    if (agentPid && isRunning(agentPid)) process.kill(agentPid, 'SIGKILL')
    if (agentPid) expect(await waitUntil(() => !isRunning(agentPid!), 10_000)).to.equal(true)
    await sb.stop()
    rmSync(dir, {force: true, recursive: true})
  })

  it('vault unlock asks once (a new vault: twice, to confirm); the 20 commands after it ask nothing', async () => {
    const unlocked = await onPty(['vault', 'unlock'], ['pw-typed-once', 'pw-typed-once'])
    agentPid = Number(/pid (\d+)/.exec(unlocked.output)?.[1]) || undefined
    expect(unlocked.exit, unlocked.output).to.equal(0)
    expect(unlocked.asked, unlocked.output).to.equal(2)
    expect(agentPid, unlocked.output).to.be.a('number')

    const commands = [
      ['aws', 'sso', 'login', '--no-browser'],
      ...Array.from({length: 9}, () => ['aws', 'sso', 'status']),
      ['vault', 'status'],
      ...Array.from({length: 9}, () => ['aws', 'sso', 'status', '--json']),
    ]
    expect(commands).to.have.length(20)
    for (const [i, args] of commands.entries()) {
      // an answer is ready should one be asked, so a prompt fails the test instead of hanging it
      const result = await onPty(args, ['pw-typed-once'])
      expect(result.exit, `${i + 1}: ${args.join(' ')}: ${result.output}`).to.equal(0)
      expect(result.asked, `${i + 1}: ${args.join(' ')} prompted: ${result.output}`).to.equal(0)
    }
  })
})
