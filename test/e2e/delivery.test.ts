/**
 * Issue 5 delivery, end to end: the built CLI against the sandbox after a real `terrace aws sso login`. The real
 * AWS CLI v2 and the AWS SDK's default provider chain get the layer's role through the loopback endpoint, other
 * profiles through the generated config's credential_process helper; a user's static keys never win; the endpoint
 * refuses a wrong token and is gone with the child; no sandbox-issued secret lands anywhere.
 */
import {expect} from 'chai'
import {existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {join} from 'node:path'

import {assertBuilt, collect, readRecord, spawnCli, waitFor} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {DOCUMENTED_REMOVED} from '../helpers/removed-variables.js'
import {
  cli,
  LAYERS,
  leftovers,
  login,
  type Scenario,
  setUp,
  ssoArn,
  STS_IDENTITY,
  stsLines,
  tearDown,
} from './delivery-helpers.js'

/** GET the endpoint; resolves the status, or the error code (ECONNREFUSED) when nothing listens. */
function probe(url: string, token?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const request = get(url, {headers: token === undefined ? {} : {authorization: token}}, (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
    })
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
}

const modeOf = (path: string) => statSync(path).mode.toString(8).slice(-3)
const procText = (pid: number, file: 'cmdline' | 'environ') => readFileSync(`/proc/${pid}/${file}`, 'utf8')
const environOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    procText(pid, 'environ')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  )

describe('e2e: credentials delivered to terraform, aws and exec', function () {
  this.timeout(120_000)
  let s: Scenario
  /** /proc texts read while children ran, for the leak scan */
  const procTexts: Record<string, string> = {}

  before(async () => {
    assertBuilt()
    s = await setUp()
    await login(s)
  })

  // the leak scan runs after whichever tests ran (all of them, or one picked with --grep): it covers their files,
  // outputs, and the /proc texts read while a child ran
  after(async () => {
    try {
      if (!s) return
      const secrets = (await s.sb.control.secrets()).map((x) => ({kind: x.kind, value: x.value}))
      expect(secrets.map((x) => x.kind)).to.include.members(['access-token', 'refresh-token'])
      const texts: Record<string, string> = {...procTexts}
      for (const [i, out] of s.outputs.entries()) {
        texts[`run ${i} stdout`] = out.stdout
        texts[`run ${i} stderr`] = out.stderr
      }

      const {filesScanned, findings} = scanForSecrets({dirs: [s.dir], secrets, texts})
      expect(filesScanned).to.be.greaterThan(10)
      expect(findings, 'no sandbox-issued secret in any file, output, command line or child environment').to.deep.equal(
        [],
      )
    } finally {
      await tearDown(s)
    }
  })

  it('real AWS CLI v2: the layer role in its account, and another account from its own layer', async () => {
    const args = ['aws', 'sts', 'get-caller-identity', '--endpoint-url', s.sb.url, '--output', 'json']
    const devstg = await cli(s, args, {cwd: join(s.project, LAYERS.devstg)})
    expect(devstg.code, devstg.stderr).to.equal(0)
    expect(JSON.parse(devstg.stdout).Arn).to.match(ssoArn('555555555555', 'DevOps'))
    const shared = await cli(s, args, {cwd: join(s.project, LAYERS.shared)})
    expect(shared.code, shared.stderr).to.equal(0)
    expect(JSON.parse(shared.stdout).Arn).to.match(ssoArn('333333333333', 'DevOps'))
    // the AWS CLI's own --profile after the subcommand resolves through the generated config's credential_process
    const viaProfile = await cli(s, [...args, '--profile', 'bb-shared-devops'], {cwd: join(s.project, LAYERS.devstg)})
    expect(viaProfile.code, viaProfile.stderr).to.equal(0)
    expect(JSON.parse(viaProfile.stdout).Arn).to.match(ssoArn('333333333333', 'DevOps'))
    expect(leftovers(s)).to.deep.equal([])
  })

  it("SDK default chain under exec gets the layer's identity; a user's static [default] and env keys do not win", async () => {
    const aws = join(s.env.HOME!, '.aws')
    mkdirSync(aws, {recursive: true})
    writeFileSync(
      join(aws, 'credentials'),
      '[default]\naws_access_key_id = AKIAUSERSTATIC000001\naws_secret_access_key = user-static-secret-0000000000\n',
    )
    writeFileSync(join(aws, 'config'), '[default]\nregion = eu-west-1\n')
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIAUSERENVIRON00001',
      AWS_PROFILE: 'default',
      AWS_SECRET_ACCESS_KEY: 'env-secret-00000000',
    }
    const result = await cli(s, ['exec', '--', process.execPath, STS_IDENTITY], {
      cwd: join(s.project, LAYERS.devstg),
      env,
    })
    expect(result.code, result.stderr).to.equal(0)
    const [line] = stsLines(result.stdout)
    expect(line.arn).to.match(ssoArn('555555555555', 'DevOps'))
    expect(line.accessKeyId).not.to.match(/^AKIAUSER/)
  })

  it('terrace exec --profile picks another project profile as the default', async () => {
    const result = await cli(
      s,
      ['exec', '--profile', 'bb-management-administrator', '--', process.execPath, STS_IDENTITY],
      {
        cwd: join(s.project, LAYERS.devstg),
      },
    )
    expect(result.code, result.stderr).to.equal(0)
    expect(stsLines(result.stdout)[0].arn).to.match(ssoArn('111111111111', 'Administrator'))
  })

  it("the fake terraform's default chain and its second provider's profile get both identities; the parent's AWS variables do not reach it", async () => {
    const record = join(s.dir, 'tf-sts.jsonl')
    // every variable terrace removes, set in terrace's own environment to a value the child must not see
    const parent: Record<string, string> = {}
    for (const name of DOCUMENTED_REMOVED) parent[name] = `parent-${name.toLowerCase()}`
    Object.assign(parent, {
      AWS_ACCESS_KEY_ID: 'AKIAPARENTENVIRON001',
      AWS_CONFIG_FILE: join(s.dir, 'parent-aws-config'),
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/parent',
      AWS_PROFILE: 'parent-profile',
      AWS_SECRET_ACCESS_KEY: 'parent-secret-000000',
      AWS_SESSION_TOKEN: 'parent-session-token',
      AWS_SHARED_CREDENTIALS_FILE: join(s.dir, 'parent-aws-credentials'),
    })
    const env = {...parent, FAKE_TF_PROFILES: 'bb-shared-devops', FAKE_TF_RECORD: record, FAKE_TF_STS: '1'}
    const result = await cli(s, ['tf', 'plan'], {cwd: join(s.project, LAYERS.devstg), env})
    expect(result.code, result.stderr).to.equal(0)
    const sts = readRecord(record).filter((e) => e.event === 'sts')
    expect(sts.map((e) => e.profile)).to.deep.equal([null, 'bb-shared-devops'])
    expect(sts[0].arn, String(sts[0].error)).to.match(ssoArn('555555555555', 'DevOps'))
    expect(sts[1].arn, String(sts[1].error)).to.match(ssoArn('333333333333', 'DevOps'))
    const start = readRecord(record).find((e) => e.event === 'start')!
    const childEnv = start.env as Record<string, string>
    expect(childEnv).to.include({AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1'})
    expect(s.env.TERRACE_VAULT_PASSPHRASE, 'set in the parent').to.be.a('string')
    expect(childEnv).not.to.have.property('TERRACE_VAULT_PASSPHRASE')
    for (const [name, value] of Object.entries(parent)) expect(childEnv[name], name).not.to.equal(value)
    // gone, or replaced by terrace's own delivery
    const delivered = [
      'AWS_CONFIG_FILE',
      'AWS_CONTAINER_AUTHORIZATION_TOKEN',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
      'AWS_SHARED_CREDENTIALS_FILE',
    ]
    expect(Object.keys(childEnv).filter((name) => name in parent)).to.have.members(delivered)
    expect(childEnv.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.match(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/)
    expect(childEnv.AWS_CONTAINER_AUTHORIZATION_TOKEN).to.match(/^[0-9a-f]{64}$/)
    expect(childEnv.AWS_CONFIG_FILE.startsWith(s.tmp)).to.equal(true)
    expect(childEnv.AWS_SHARED_CREDENTIALS_FILE.startsWith(s.tmp)).to.equal(true)
    rmSync(record)
  })

  it('while a child runs: the endpoint refuses a wrong token, the files are private; then all of it is gone', async () => {
    const record = join(s.dir, 'tf-sleep.jsonl')
    const env = {
      FAKE_TF_PROFILES: 'bb-shared-devops',
      FAKE_TF_RECORD: record,
      FAKE_TF_SLEEP_MS: '4000',
      FAKE_TF_STS: '1',
    }
    const child = spawnCli(['tf', 'plan'], {cwd: join(s.project, LAYERS.devstg), env: {...s.env, ...env}})
    const running = collect(child)
    await waitFor(() => readRecord(record).filter((e) => e.event === 'sts').length === 2, 30_000)
    const tfPid = readRecord(record).find((e) => e.event === 'start')!.pid as number
    const childEnv = environOf(tfPid)
    procTexts['terrace cmdline'] = procText(child.pid!, 'cmdline')
    procTexts['terrace environ'] = procText(child.pid!, 'environ')
    procTexts['child cmdline'] = procText(tfPid, 'cmdline')
    const {AWS_CONTAINER_AUTHORIZATION_TOKEN: token, AWS_CONTAINER_CREDENTIALS_FULL_URI: url} = childEnv
    procTexts['child environ without the endpoint token'] = procText(tfPid, 'environ').replaceAll(token, '<token>')
    expect(Object.keys(procTexts)).to.have.length(4)
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(token).to.match(/^[0-9a-f]{64}$/)
    expect(await probe(url)).to.equal(401)
    const sameLength = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`
    expect(await probe(url, sameLength)).to.equal(403)
    expect(await probe(url, 'wrong')).to.equal(403)
    expect(await probe(url, token)).to.equal(200)

    const config = childEnv.AWS_CONFIG_FILE
    const credentials = childEnv.AWS_SHARED_CREDENTIALS_FILE
    expect(config.startsWith(s.tmp)).to.equal(true)
    expect(modeOf(config)).to.equal('600')
    expect(modeOf(join(config, '..'))).to.equal('700')
    expect(modeOf(credentials)).to.equal('600')
    expect(readFileSync(credentials, 'utf8')).to.equal('')
    const text = readFileSync(config, 'utf8')
    expect(text).to.include('[profile bb-shared-devops]').and.include('[profile bb-apps-devstg-devops]')
    expect(text).to.match(/credential_process = \S+node\S* \S+credential-helper\.mjs bb-shared-devops/)
    expect(text).not.to.include(token)

    const result = await running
    expect(result.code, result.stderr).to.equal(0)
    expect(await probe(url, token)).to.equal('ECONNREFUSED')
    expect(existsSync(config)).to.equal(false)
    expect(leftovers(s)).to.deep.equal([])
  })

  it('--credentials env exports static variables for the layer role instead', async () => {
    const result = await cli(
      s,
      [
        'exec',
        '--credentials',
        'env',
        '--',
        process.execPath,
        '-e',
        `
      const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION']
      console.log(JSON.stringify(Object.fromEntries(keys.map((k) => [k, Boolean(process.env[k])]))))
    `,
      ],
      {cwd: join(s.project, LAYERS.devstg)},
    )
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout)).to.deep.equal({
      AWS_ACCESS_KEY_ID: true,
      AWS_CREDENTIAL_EXPIRATION: true,
      AWS_SECRET_ACCESS_KEY: true,
      AWS_SESSION_TOKEN: true,
    })
    const sts = await cli(s, ['exec', '--credentials', 'env', '--', process.execPath, STS_IDENTITY], {
      cwd: join(s.project, LAYERS.devstg),
      env: {AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/'},
    })
    expect(sts.code, sts.stderr).to.equal(0)
    expect(stsLines(sts.stdout)[0].arn).to.match(ssoArn('555555555555', 'DevOps'))
  })

  it('commands that never talk to AWS run without a login; outside a project exec keeps the caller env', async () => {
    const loggedOut = {TERRACE_HOME: join(s.dir, 'empty-home')}
    const version = await cli(s, ['tf', 'version'], {cwd: join(s.project, LAYERS.devstg), env: loggedOut})
    expect(version.code, version.stderr).to.equal(0)
    const validate = await cli(s, ['tf', 'validate'], {cwd: join(s.project, LAYERS.devstg), env: loggedOut})
    expect(validate.code, validate.stderr).to.equal(0)
    const outside = await cli(s, ['exec', '--', process.execPath, '-e', 'console.log(process.env.AWS_PROFILE ?? "")'], {
      cwd: s.dir,
      env: {...loggedOut, AWS_PROFILE: 'mine'},
    })
    expect(outside.code, outside.stderr).to.equal(0)
    expect(outside.stdout.trim()).to.equal('mine')
    const plan = await cli(s, ['tf', 'plan'], {cwd: join(s.project, LAYERS.devstg), env: loggedOut})
    expect(plan.code).to.equal(5)
    expect(plan.stderr).to.include('terrace aws sso login')
  })
})
