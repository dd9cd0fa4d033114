/**
 * Issue 10, the file vault at a terminal (built CLI under a pseudo-terminal, CI unset, no
 * TERRACE_VAULT_PASSPHRASE): a new vault's passphrase typed twice, a wrong one retried up to three times, the
 * way out named (`terrace vault reset`) and working.
 */
import {expect} from 'chai'
import {cpSync, existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {assertBuilt, REPO, runCli} from '../helpers/cli.js'
import {type PtyResult, runOnPty} from '../helpers/pty.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

const LAYER = join('apps-devstg', 'us-east-1', 'base-network')
const PROMPTS = [
  'New passphrase for the terrace file vault: ',
  'Type it again: ',
  'terrace vault passphrase: ',
  'to confirm: ',
]

describe('e2e: the file vault at a terminal (issue 10)', function () {
  this.timeout(120_000)
  let sb: TestSandbox
  let dir: string
  let env: NodeJS.ProcessEnv
  let layer: string
  let vault: string

  const onPty = (args: string[], answers: string[]): Promise<PtyResult> =>
    runOnPty({answers, args, cwd: layer, dir, env, prompts: PROMPTS})

  beforeEach(async () => {
    assertBuilt()
    sb = await startTestSandbox({autoApprove: true, sso: {pollInterval: 0}})
    dir = mkdtempSync(join(tmpdir(), 'terrace-vault-prompt-'))
    cpSync(join(REPO, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
    layer = join(dir, 'project', LAYER)
    vault = join(dir, 'terrace-home', 'vault.enc')
    env = {...sb.env, HOME: join(dir, 'home'), TERRACE_HOME: join(dir, 'terrace-home'), TERRACE_VAULT: 'file'}
  })

  afterEach(async () => {
    await sb.stop()
    rmSync(dir, {force: true, recursive: true})
  })

  /** A logged-in file vault whose passphrase is `pw`, created at the terminal. */
  async function createVault(answers = ['pw', 'pw']): Promise<PtyResult> {
    const created = await onPty(['aws', 'sso', 'login', '--no-browser'], answers)
    expect(created.exit, created.output).to.equal(0)
    expect(existsSync(vault)).to.equal(true)
    return created
  }

  it('a new vault asks for its passphrase twice, and again when the two differ', async () => {
    const created = await createVault(['first', 'second', 'pw', 'pw'])
    expect(created.asked, created.output).to.equal(4)
    expect(created.output).to.include('The two passphrases differ; try again.')
    expect(created.output).to.match(/Logged in to https:\/\/bb-sandbox/)
    const status = await runCli(['aws', 'sso', 'status'], {cwd: layer, env: {...env, TERRACE_VAULT_PASSPHRASE: 'pw'}})
    expect(status.code, status.stderr).to.equal(0)
  })

  it('a mistyped passphrase may be typed again', async () => {
    await createVault()
    const status = await onPty(['aws', 'sso', 'status'], ['wrong', 'pw'])
    expect(status.exit, status.output).to.equal(0)
    expect(status.asked).to.equal(2)
    expect(status.output).to.include('Wrong passphrase; try again (attempt 2 of 3).')
    expect(status.output).to.match(/Logged in to/)
  })

  it('three wrong passphrases: exit 8 naming `terrace vault reset`, which wipes the vault for a new login', async () => {
    await createVault()
    const status = await onPty(['aws', 'sso', 'status'], ['one', 'two', 'three', 'pw'])
    expect(status.exit, status.output).to.equal(8)
    expect(status.asked).to.equal(3)
    expect(status.output).to.include('Wrong passphrase').and.include('terrace vault reset')

    const declined = await onPty(['vault', 'reset'], ['no'])
    expect(declined.exit, declined.output).to.equal(0)
    expect(declined.output).to.include('Nothing was deleted')
    expect(existsSync(vault)).to.equal(true)

    const reset = await onPty(['vault', 'reset'], ['yes'])
    expect(reset.exit, reset.output).to.equal(0)
    expect(reset.output).to.include('Deleted the file vault').and.include('terrace aws sso login')
    expect(existsSync(vault)).to.equal(false)

    const again = await createVault(['new', 'new'])
    expect(again.asked).to.equal(2)
  })

  it('vault reset without a terminal needs --yes (exit 2), and --yes deletes', async () => {
    await createVault()
    const refused = await runCli(['vault', 'reset'], {cwd: layer, env})
    expect(refused.code, refused.stderr).to.equal(2)
    expect(refused.stderr).to.include('--yes')
    expect(existsSync(vault)).to.equal(true)
    const done = await runCli(['vault', 'reset', '--yes', '--json'], {cwd: layer, env})
    expect(done.code, done.stderr).to.equal(0)
    expect(JSON.parse(done.stdout)).to.deep.equal({deleted: true, path: vault})
    expect(existsSync(vault)).to.equal(false)
  })
})
