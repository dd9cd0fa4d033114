import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {assertBuilt, collect, REPO} from '../helpers/cli.js'
import {processesWithEnv} from '../helpers/processes.js'

/** Runs a command with exactly `env` (nothing inherited). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return collect(spawn(command, args, {cwd: REPO, env, stdio: 'pipe'}))
}

describe('e2e: the README set-up commands (npm run demo, the test dependencies)', function () {
  this.timeout(60_000)
  let tmp: string
  let nodeOnly: string

  before(() => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-setup-'))
    // a PATH holding node and nothing else: no aws, no apt-get, no pkg-config, no dbus
    nodeOnly = join(tmp, 'bin')
    mkdirSync(nodeOnly)
    symlinkSync(process.execPath, join(nodeOnly, 'node'))
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  it('npm run demo installs with npm ci and runs no system package installer', () => {
    const {scripts} = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as {scripts: {demo: string}}
    expect(scripts.demo).to.equal('npm ci --no-audit --no-fund && npm run build && node scripts/demo.js')
  })

  it('the demo needs only node: no AWS CLI (that step is skipped, saying why) and no keyring', async () => {
    const {code, stderr, stdout} = await run(process.execPath, ['scripts/demo.js'], {HOME: tmp, PATH: nodeOnly})
    expect(code, `${stdout}\n${stderr}`).to.equal(0)
    expect(stdout).to.contain('skipped, no aws command on PATH')
    expect(stdout).to.contain('Demo finished: every step succeeded.')
    // nothing it started is left running (its credential steps start terrace's agent on demand)
    expect(processesWithEnv('PATH', nodeOnly), 'processes the demo left running').to.deep.equal([])
    // and it ends with the next step: terrace on PATH
    expect(stdout.slice(stdout.indexOf('Demo finished')))
      .to.contain('npm install -g .')
      .and.contain('npm link')
  })

  it('without apt-get, the test dependencies script names each missing package and why, and fails', async () => {
    const {code, stderr} = await run('/bin/sh', ['scripts/system-deps.sh'], {
      PATH: nodeOnly,
      TERRACE_DEPS_AWS_CLI: join(tmp, 'no-aws'),
    })
    expect(code).to.equal(1)
    expect(stderr).to.contain('apt-get is not here')
    for (const line of [
      'libsecret-1-dev pkg-config: keytar',
      'gnome-keyring: a real Secret Service',
      'dbus: a private D-Bus session',
      `awscli: the real AWS CLI v2 at ${join(tmp, 'no-aws')}`,
      'python3: the pseudo-terminal tests',
      'build-essential: g++ and make',
    ]) {
      expect(stderr).to.contain(line)
    }

    expect(stderr).not.to.match(/not found/)
  })
})
