import {AssumeRoleCommand} from '@aws-sdk/client-sts'
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {requireOrSkip} from '../helpers/require-or-skip.js'
import {startTestSandbox, TEMPLATE, type TestSandbox} from '../helpers/sandbox.js'
import {clients, type Keys} from './sdk-clients.js'

const AWS_CLI = '/usr/bin/aws'

interface CliResult {
  code: number
  stderr: string
  stdout: string
}

describe('sandbox with the real AWS CLI v2 (/usr/bin/aws --endpoint-url)', function () {
  this.timeout(30_000)
  let sb: TestSandbox
  let home: string

  before(async function () {
    requireOrSkip(this, existsSync(AWS_CLI), `the real AWS CLI v2 is not at ${AWS_CLI}`)
    sb = await startTestSandbox()
    home = mkdtempSync(join(tmpdir(), 'terrace-sandbox-cli-'))
    writeFileSync(join(home, 'config'), '')
    writeFileSync(join(home, 'credentials'), '')
  })

  after(async () => {
    await sb?.stop()
    if (home) rmSync(home, {force: true, recursive: true})
  })

  function callerIdentity(keys: Keys): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = {
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      HOME: home,
      PATH: process.env.PATH,
      ...(keys.sessionToken ? {AWS_SESSION_TOKEN: keys.sessionToken} : {}),
    }
    return new Promise((resolve) => {
      execFile(
        AWS_CLI,
        ['sts', 'get-caller-identity', '--endpoint-url', sb.url, '--output', 'json'],
        {env},
        (error, stdout, stderr) => resolve({code: error ? Number(error.code ?? 1) : 0, stderr, stdout}),
      )
    })
  }

  async function roleKeys(): Promise<Keys> {
    const {Credentials} = await clients(sb.url, {
      accessKeyId: TEMPLATE.accessKeyId,
      secretAccessKey: TEMPLATE.secretAccessKey,
    }).sts.send(new AssumeRoleCommand({RoleArn: 'arn:aws:iam::555555555555:role/CI', RoleSessionName: 'cli-test'}))
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    }
  }

  it('get-caller-identity succeeds with sandbox-issued session credentials', async () => {
    const result = await callerIdentity(await roleKeys())
    expect(result.stderr).to.equal('')
    expect(result.code).to.equal(0)
    expect(JSON.parse(result.stdout)).to.deep.include({
      Account: '555555555555',
      Arn: 'arn:aws:sts::555555555555:assumed-role/CI/cli-test',
    })
    const log = await sb.control.requestLog()
    expect(log.at(-1)).to.include({
      caller: 'arn:aws:sts::555555555555:assumed-role/CI/cli-test',
      operation: 'GetCallerIdentity',
      outcome: 'ok',
    })
  })

  it('fails with SignatureDoesNotMatch when the secret key is wrong', async () => {
    const keys = await roleKeys()
    const result = await callerIdentity({
      ...keys,
      secretAccessKey: `${keys.secretAccessKey.slice(0, -1)}${keys.secretAccessKey.endsWith('A') ? 'B' : 'A'}`,
    })
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.contain('(SignatureDoesNotMatch)')
  })

  it('fails with ExpiredToken when the credentials have expired', async () => {
    const keys = await roleKeys()
    expect((await callerIdentity(keys)).code).to.equal(0)
    await sb.control.expire(['credentials'])
    const result = await callerIdentity(keys)
    expect(result.code).to.not.equal(0)
    expect(result.stderr).to.contain('(ExpiredToken)')
    expect(result.stderr).to.contain('The security token included in the request is expired')
  })
})
