import {expect} from 'chai'
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {startTestSandbox} from '../helpers/sandbox.js'
import {clients, startDevice} from './sdk-clients.js'

const ROOT = new URL('../../', import.meta.url).pathname
/**
 * Runs the oclif command class as the entry point would: typed errors become their exit code (the command prints
 * them and exits through oclif's ExitError, whose code is error.oclif.exit).
 */
const SCRIPT = `
const {default: Sandbox} = await import('./src/commands/sandbox/index.ts')
try { await Sandbox.run(process.argv.slice(1), process.cwd()) }
catch (error) {
  if (error.oclif?.exit === undefined) console.error('Error: ' + error.message)
  process.exit(error.exitCode ?? error.oclif?.exit ?? 1)
}
`

/** A private TERRACE_HOME: the command records each running sandbox there (cache/sandboxes/<port>.json). */
const HOME = mkdtempSync(join(tmpdir(), 'terrace-sandbox-cmd-home-'))

function runCommand(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', ...args], {
    cwd: ROOT,
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', TERRACE_HOME: HOME},
  })
}

function collect(child: ChildProcessWithoutNullStreams) {
  const output = {stderr: '', stdout: ''}
  child.stdout.on('data', (chunk) => {
    output.stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    output.stderr += chunk
  })
  const exit = new Promise<null | number>((resolve) => {
    child.on('exit', (code) => resolve(code))
  })
  return {exit, output}
}

async function waitFor(check: () => boolean, what: string, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => {
      setTimeout(resolve, 50)
    })
  }
}

describe('terrace sandbox command', function () {
  after(() => rmSync(HOME, {force: true, recursive: true}))
  this.timeout(40_000)

  it('prints the export lines, serves AWS calls (auto-approve on) and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const child = runCommand(['--auto-approve', '--port', '0'])
    const {exit, output} = collect(child)
    try {
      await waitFor(() => output.stdout.includes('Press Ctrl-C to stop.'), 'the banner')
      const exports = Object.fromEntries(
        [...output.stdout.matchAll(/^export (AWS_ENDPOINT_URL\w*)=(\S+)$/gm)].map((match) => [match[1], match[2]]),
      )
      expect(Object.keys(exports).sort()).to.deep.equal([
        'AWS_ENDPOINT_URL',
        'AWS_ENDPOINT_URL_DYNAMODB',
        'AWS_ENDPOINT_URL_IAM',
        'AWS_ENDPOINT_URL_SSO',
        'AWS_ENDPOINT_URL_SSO_OIDC',
        'AWS_ENDPOINT_URL_STS',
      ])
      const url = exports.AWS_ENDPOINT_URL
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(new Set(Object.values(exports))).to.deep.equal(new Set([url]))
      expect(output.stdout).to.contain('auto-approve on')
      const token = await (await startDevice(clients(url).oidc)).poll()
      expect(token.accessToken).to.match(/^aoa/)
    } finally {
      child.kill('SIGINT')
    }

    expect(await exit).to.equal(0)
    expect(output.stdout).to.contain('Sandbox stopped (SIGINT)')
  })

  it('uses --config and --port, and refuses a broken config (exit 4) or a busy port (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'terrace-sandbox-cmd-'))
    const busy = await startTestSandbox()
    try {
      writeFileSync(
        join(dir, 'small.json'),
        JSON.stringify({accounts: {solo: {id: '123456789012'}}, sso: {user: 'bob'}}),
      )
      const child = runCommand(['--config', join(dir, 'small.json'), '--port', '0'])
      const run = collect(child)
      await waitFor(() => run.output.stdout.includes('Press Ctrl-C'), 'the banner')
      child.kill('SIGTERM')
      expect(await run.exit).to.equal(0)
      expect(run.output.stdout).to.contain('SSO user bob, 1 accounts')

      writeFileSync(join(dir, 'bad.json'), JSON.stringify({accounts: {solo: {id: '12'}}}))
      const bad = collect(runCommand(['--config', join(dir, 'bad.json'), '--port', '0']))
      expect(await bad.exit).to.equal(4)
      expect(bad.output.stderr).to.contain('accounts.solo.id must be a 12-digit account id')

      const typo = join(dir, 'typo.json')
      writeFileSync(
        typo,
        JSON.stringify({accounts: {solo: {iamRoles: [{name: 'R', requireMFA: true}], id: '123456789012'}}}),
      )
      const misspelt = collect(runCommand(['--config', typo, '--port', '0']))
      expect(await misspelt.exit).to.equal(4)
      expect(misspelt.output.stderr).to.contain(`${typo}: accounts.solo.iamRoles[0].requireMFA: unknown key`)

      const port = collect(runCommand(['--port', String(busy.sandbox.port)]))
      expect(await port.exit).to.equal(2)
      expect(port.output.stderr).to.contain(`port ${busy.sandbox.port} is already in use`)
      expect(port.output.stderr).to.contain('--port 0')
    } finally {
      await busy.stop()
      rmSync(dir, {force: true, recursive: true})
    }
  })

  it('listens on port 4566 by default: when it is busy, exit 2 naming it and suggesting --port 0', async () => {
    // Hold 4566 (or find it already held by another process: busy either way).
    const holder: Server = createServer()
    const held = await new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false))
      holder.listen(4566, '127.0.0.1', () => resolve(true))
    })
    const child = runCommand([])
    const run = collect(child)
    try {
      const started = await Promise.race([
        run.exit.then(() => false),
        waitFor(() => run.output.stdout.includes('Press Ctrl-C'), 'the banner or an exit').then(() => true),
      ])
      expect(started, `it started instead of refusing the busy port:\n${run.output.stdout}`).to.equal(false)
      expect(await run.exit).to.equal(2)
      expect(run.output.stderr).to.contain('port 4566 is already in use')
      expect(run.output.stderr).to.contain('--port 0')
    } finally {
      child.kill('SIGTERM')
      if (held)
        await new Promise((resolve) => {
          holder.close(resolve)
        })
    }
  })
})
