import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join, resolve} from 'node:path'

import {assertBuilt, collect, FAKE_TERRAFORM, REPO} from '../helpers/cli.js'

const CHECKOUT_FILES = ['package.json', 'package-lock.json', 'README.md', 'tsconfig.json']

/**
 * `npm pack` (from a clean checkout) gives a package that works once installed, from any folder. npm cannot install the tarball offline
 * here (its cache holds the packages but not the registry metadata), so the test lays the tarball out as
 * `npm install -g --prefix P` does (P/lib/node_modules/terrace, P/bin/terrace a symlink to its bin) with this
 * checkout's node_modules as its dependencies.
 */
describe('e2e: the npm package (npm pack) works installed, from any folder', function () {
  this.timeout(120_000)
  let tmp: string
  let files: string[]
  let installed: string
  let terrace: string

  const run = (command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
    collect(
      spawn(command, args, {
        cwd,
        env: {HOME: tmp, LANG: 'C', PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter), ...env},
        stdio: 'pipe',
      }),
    )

  before(async () => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-install-'))
    // a clean checkout (no dist/, no manifest) with this one's dependencies: `npm pack` must build what it ships
    const clone = join(tmp, 'clone')
    for (const entry of ['bin', 'schemas', 'scripts', 'src', 'templates', ...CHECKOUT_FILES]) {
      cpSync(resolve(REPO, entry), join(clone, entry), {recursive: true})
    }

    symlinkSync(resolve(REPO, 'node_modules'), join(clone, 'node_modules'))
    const pack = await collect(
      spawn('npm', ['pack', '--json', '--pack-destination', tmp], {cwd: clone, env: process.env, stdio: 'pipe'}),
    )
    expect(pack.code, pack.stderr).to.equal(0)
    const [info] = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as Array<{
      filename: string
      files: Array<{path: string}>
    }>
    files = info.files.map((f) => f.path)
    const prefix = join(tmp, 'prefix')
    const modules = join(prefix, 'lib', 'node_modules')
    mkdirSync(modules, {recursive: true})
    const untar = await run('tar', ['xzf', join(tmp, info.filename), '-C', modules], tmp)
    expect(untar.code, untar.stderr).to.equal(0)
    installed = join(modules, 'terrace')
    renameSync(join(modules, 'package'), installed)
    symlinkSync(resolve(REPO, 'node_modules'), join(installed, 'node_modules'))
    mkdirSync(join(prefix, 'bin'))
    terrace = join(prefix, 'bin', 'terrace')
    symlinkSync(join('..', 'lib', 'node_modules', 'terrace', 'bin', 'run.js'), terrace)
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  it('holds bin/, dist/ (commands, help, hooks, both hot-path bundles), templates/ and the oclif manifest', () => {
    for (const file of [
      'bin/run.js',
      'dist/entry.js',
      'dist/commands/layer/info.js',
      'dist/cli/help.js',
      'dist/hooks/command-not-found.js',
      'dist/runner/fast-path.js',
      'dist/credential-process/fast-path.js',
      'dist/credential-process/fast-path.cjs',
      'bin/package.json',
      'templates/sandbox.json',
      'templates/sample-project/config/common.tfvars',
      'oclif.manifest.json',
      'package.json',
    ]) {
      expect(files, file).to.include(file)
    }

    expect(files.filter((f) => /^(src|test|bench)\//.test(f))).to.deep.equal([])
  })

  it('terrace --version and layer info work in a folder outside the repository', async () => {
    const elsewhere = mkdtempSync(join(tmp, 'elsewhere-'))
    const env = {TERRACE_HOME: join(tmp, 'home')}
    const version = await run(terrace, ['--version'], elsewhere, env)
    expect(version.code, version.stderr).to.equal(0)
    expect(version.stdout).to.match(/^terrace\/0\.1\.0 /)

    const outside = await run(terrace, ['layer', 'info'], elsewhere, env)
    expect(outside.code).to.equal(3)
    expect(outside.stderr)
      .to.contain('not inside a terrace project')
      .and.not.match(/\n\s+at /)

    // the sample project shipped in templates/, copied out of the installed package
    const project = join(elsewhere, 'project')
    cpSync(join(installed, 'templates', 'sample-project'), project, {recursive: true})
    const layer = join(project, 'apps-devstg', 'us-east-1', 'base-network')
    const info = await run(terrace, ['layer', 'info', '--json'], layer, env)
    expect(info.code, info.stderr).to.equal(0)
    expect(JSON.parse(info.stdout)).to.include({account: 'apps-devstg', location: 'layer', root: project})
  })

  it("the installed package's hot paths (tf, credential-process) and default sandbox config load", async () => {
    const elsewhere = mkdtempSync(join(tmp, 'hot-'))
    const env = {TERRACE_HOME: join(tmp, 'home'), TERRACE_TF_BIN: FAKE_TERRAFORM}
    const tf = await run(terrace, ['tf', 'version'], elsewhere, env)
    expect(tf.code, tf.stderr).to.equal(0)
    expect(tf.stdout).to.contain('fake-terraform version')
    const cp = await run(terrace, ['credential-process', '--profile', 'no-such-profile'], elsewhere, env)
    expect(cp.code, cp.stderr).to.equal(4)
    const sandbox = spawn(terrace, ['sandbox', '--port', '0'], {cwd: elsewhere, env: {...process.env, ...env}})
    const result = collect(sandbox)
    let out = ''
    sandbox.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('export ')) sandbox.kill('SIGINT')
    })
    const {stderr} = await result
    expect(out, stderr).to.contain('export AWS_ENDPOINT_URL')
  })
})
