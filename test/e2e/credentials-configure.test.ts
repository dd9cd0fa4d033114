/**
 * `terrace credentials configure` end to end against the sandbox: the key pair from a console CSV kept outside
 * every scanned folder, verified with GetCallerIdentity, stored in the vault only.
 */
import {expect} from 'chai'
import {cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {openVault} from '../../src/vault/select.js'
import {assertBuilt, type CliResult, REPO, runCli} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'

describe('e2e: terrace credentials configure', function () {
  this.timeout(60_000)
  let sb: TestSandbox
  let dir: string
  let env: NodeJS.ProcessEnv
  let project: string
  let csv: string
  const outputs: CliResult[] = []

  before(async () => {
    assertBuilt()
    sb = await startTestSandbox()
    dir = mkdtempSync(join(tmpdir(), 'terrace-configure-'))
    project = join(dir, 'project')
    cpSync(join(REPO, 'templates', 'sample-project'), project, {recursive: true})
    mkdirSync(join(dir, 'downloads'))
    mkdirSync(join(dir, 'home'))
    csv = join(dir, 'downloads', 'alice_credentials.csv')
    // the console's five-column format
    writeFileSync(
      csv,
      `\uFEFFUser name,Password,Access key ID,Secret access key,Console login link\r\nalice,,${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey},https://222222222222.signin.aws.amazon.com/console\r\n`,
    )
    env = {
      ...sb.env,
      HOME: join(dir, 'home'),
      TERRACE_HOME: join(dir, 'terrace-home'),
      TERRACE_VAULT: 'file',
      TERRACE_VAULT_PASSPHRASE: 'correct horse battery staple',
    }
  })

  after(async () => {
    await sb?.stop()
    rmSync(dir, {force: true, recursive: true})
  })

  const cli = async (args: string[]) => {
    const result = await runCli(['credentials', 'configure', ...args], {cwd: join(project, 'security'), env})
    outputs.push(result)
    return result
  }

  const entry = async () => {
    const store = await openVault({
      env,
      home: env.TERRACE_HOME!,
      interactive: false,
      notice() {},
      promptPassphrase: () => Promise.reject(new Error('no prompt')),
    })
    return store.get('iam-user:bb/security')
  }

  it('stores the verified keys and the fetched MFA serial in the vault only; a second run keeps them', async () => {
    const first = await cli(['--type', 'security', '--credentials-file', csv, '--fetch-mfa-device', '--json'])
    expect(first.code, first.stderr).to.equal(0)
    const result = JSON.parse(first.stdout)
    expect(result).to.deep.include({
      accountId: '222222222222',
      mfaSerial: TEMPLATE.mfaSerial,
      project: 'bb',
      status: 'stored',
      type: 'security',
      userArn: 'arn:aws:iam::222222222222:user/alice',
    })
    const log = await sb.control.requestLog()
    const verified = log.filter((e) => e.operation === 'GetCallerIdentity')
    expect(verified).to.have.length(1)
    expect(verified[0].caller).to.equal('arn:aws:iam::222222222222:user/alice')
    expect(log.some((e) => e.operation === 'ListMFADevices' && e.outcome === 'ok')).to.equal(true)
    const stored = JSON.parse((await entry())!)
    expect(stored).to.deep.include({accessKeyId: TEMPLATE.accessKeyId, mfaSerial: TEMPLATE.mfaSerial})
    expect(existsSync(join(dir, 'home', '.aws'))).to.equal(false)

    const second = await cli([
      '--type',
      'security',
      '--credentials-file',
      csv,
      '--mfa-serial',
      'arn:aws:iam::222222222222:mfa/other',
    ])
    expect(second.code, second.stderr).to.equal(0)
    expect(second.stdout).to.include('Kept').and.include('--overwrite')
    expect(JSON.parse((await entry())!).mfaSerial).to.equal(TEMPLATE.mfaSerial)
    expect((await sb.control.requestLog()).filter((e) => e.operation === 'GetCallerIdentity')).to.have.length(1)

    const third = await cli([
      '--type',
      'security',
      '--credentials-file',
      csv,
      '--mfa-serial',
      'arn:aws:iam::222222222222:mfa/other',
      '--overwrite',
    ])
    expect(third.code, third.stderr).to.equal(0)
    expect(third.stdout).to.include('Replaced').and.include('mfa/other')
    expect(JSON.parse((await entry())!).mfaSerial).to.equal('arn:aws:iam::222222222222:mfa/other')
  })

  it('keys AWS refuses: exit 6, nothing stored; no CSV and no terminal: exit 2 with the advice', async () => {
    const bad = join(dir, 'downloads', 'bad.csv')
    writeFileSync(bad, 'Access key ID,Secret access key\nAKIAUNKNOWNKEY000001,not-the-secret-of-any-key\n')
    const refused = await cli(['--type', 'management', '--credentials-file', bad])
    expect(refused.code).to.equal(6)
    expect(refused.stderr).to.include('nothing was stored')
    const none = await cli(['--type', 'management'])
    expect(none.code).to.equal(2)
    expect(none.stderr).to.include('--credentials-file')
  })

  it('leak scan: neither key in HOME, TERRACE_HOME, the project or any output', async () => {
    const secrets = [...(await sb.control.secrets()), {kind: 'csv-access-key-id', value: TEMPLATE.accessKeyId}]
    expect(secrets.some((s) => s.kind === 'iam-user-secret-key')).to.equal(true)
    const texts: Record<string, string> = {}
    for (const [i, o] of outputs.entries()) {
      texts[`stdout ${i}`] = o.stdout
      texts[`stderr ${i}`] = o.stderr
    }

    const scan = scanForSecrets({dirs: [env.HOME!, env.TERRACE_HOME!, project], secrets, texts})
    expect(scan.findings).to.deep.equal([])
    expect(scan.filesScanned).to.be.greaterThan(3)
  })
})
