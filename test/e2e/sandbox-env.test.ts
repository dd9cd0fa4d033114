import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {assertBuilt, CLI, cliEnv, type CliResult, collect, runCli, spawnCli, waitFor} from '../helpers/cli.js'

/** Holds 127.0.0.1:port with an HTTP server that is no sandbox; undefined when the port is taken already. */
async function holdPort(port: number): Promise<Server | undefined> {
  const server = createServer((_request, response) => response.writeHead(404).end())
  const held = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => resolve(true))
  })
  return held ? server : undefined
}

const bannerExports = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('export '))

describe('e2e: terrace sandbox env prints the running sandbox’s export lines', function () {
  this.timeout(60_000)
  let tmp: string
  let env: NodeJS.ProcessEnv
  let banner = ''
  let port = 0
  let sandbox: ReturnType<typeof spawnCli>
  let stopped: Promise<CliResult>
  /** 4566 held by a plain HTTP server, so that no other sandbox on this machine answers there */
  let defaultPort: Server | undefined

  const cli = (args: string[]) => runCli(args, {cwd: tmp, env})

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-sandbox-env-'))
    env = {TERRACE_HOME: join(tmp, 'home')}
    defaultPort = await holdPort(4566)
    sandbox = spawnCli(['sandbox', '--port', '0'], {cwd: tmp, env})
    stopped = collect(sandbox)
    sandbox.stdout?.on('data', (chunk: Buffer) => {
      banner += chunk.toString()
    })
    await waitFor(() => banner.includes('Press Ctrl-C'), 20_000)
    port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1])
  })

  after(async () => {
    sandbox.kill('SIGINT')
    await stopped
    if (defaultPort)
      await new Promise((resolve) => {
        defaultPort?.close(resolve)
      })
    rmSync(tmp, {force: true, recursive: true})
  })

  it('--port N prints exactly the seven export lines of the banner, and --json the same values', async () => {
    const lines = bannerExports(banner)
    expect(lines.map((line) => line.split('=')[0])).to.deep.equal([
      'export AWS_ENDPOINT_URL',
      'export AWS_ENDPOINT_URL_DYNAMODB',
      'export AWS_ENDPOINT_URL_IAM',
      'export AWS_ENDPOINT_URL_SSO',
      'export AWS_ENDPOINT_URL_SSO_OIDC',
      'export AWS_ENDPOINT_URL_STS',
      'export AWS_REGION',
    ])
    const {code, stderr, stdout} = await cli(['sandbox', 'env', '--port', String(port)])
    expect(code, stderr).to.equal(0)
    expect(stdout.trimEnd().split('\n')).to.deep.equal(lines)
    const json = await cli(['sandbox', 'env', '--port', String(port), '--json'])
    expect(json.code, json.stderr).to.equal(0)
    const parsed = JSON.parse(json.stdout) as {env: Record<string, string>; port: number; url: string}
    expect(parsed.port).to.equal(port)
    expect(parsed.url).to.equal(`http://127.0.0.1:${port}`)
    expect(Object.entries(parsed.env).map(([name, value]) => `export ${name}=${value}`)).to.deep.equal(lines)
  })

  it('without --port finds the sandbox terrace sandbox recorded in TERRACE_HOME; eval "$(terrace sandbox env)" sets the variables', async function () {
    if (!defaultPort) this.skip() // another program holds 4566: it may be another sandbox
    expect(existsSync(join(tmp, 'home', 'cache', 'sandboxes', `${port}.json`))).to.equal(true)
    const {stdout} = await promisify(execFile)(
      'bash',
      ['-c', `eval "$("${process.execPath}" "${CLI}" sandbox env)" && echo "$AWS_ENDPOINT_URL_STS $AWS_REGION"`],
      {cwd: tmp, env: cliEnv(env)},
    )
    expect(stdout.trim()).to.equal(`http://127.0.0.1:${port} us-east-1`)
  })

  it('after the sandbox stops: its record is gone and sandbox env is exit 9 telling to start `terrace sandbox`', async () => {
    sandbox.kill('SIGINT')
    expect((await stopped).code).to.equal(0)
    expect(existsSync(join(tmp, 'home', 'cache', 'sandboxes', `${port}.json`))).to.equal(false)
    const byPort = await cli(['sandbox', 'env', '--port', String(port)])
    expect(byPort.code).to.equal(9)
    expect(byPort.stdout).to.equal('')
    expect(byPort.stderr)
      .to.contain(`no running sandbox answers on port ${port}`)
      .and.contain(`terrace sandbox --port ${port}`)
    if (!defaultPort) return // 4566 is someone else's: it may be another sandbox
    const any = await cli(['sandbox', 'env'])
    expect(any.code).to.equal(9)
    expect(any.stderr).to.contain('no running sandbox').and.contain('`terrace sandbox`')
  })
})
