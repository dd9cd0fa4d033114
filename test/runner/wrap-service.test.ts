import {expect} from 'chai'
import {resolve} from 'node:path'

import type {LayerContext} from '../../src/layers/types.js'
import type {ChildTarget} from '../../src/runner/child-environment.js'
import type {ChildResult, ChildSpec} from '../../src/runner/child.js'

import {NotInProjectError} from '../../src/lib/errors.js'
import {passThroughEnvironment} from '../../src/runner/child-environment.js'
import {runWrapped, type WrapDeps} from '../../src/runner/wrap-service.js'

const FAKE = resolve('test/fixtures/bin/fake-terraform')
const ROOT = '/p'
const ACCOUNT = '/p/apps-devstg'

function makeContext(dir: string, overrides: Partial<LayerContext> = {}): LayerContext {
  return {
    account: 'apps-devstg',
    accountDir: ACCOUNT,
    accountId: '123456789012',
    backendConfig: `${ACCOUNT}/config/backend.tfvars`,
    backendProfile: 'bb-apps-devstg-devops',
    disabled: false,
    layer: dir.slice(ROOT.length + 1),
    location: 'layer',
    profiles: [],
    project: 'bb',
    region: 'us-east-1',
    role: 'DevOps',
    root: ROOT,
    varFiles: [`${ROOT}/config/common.tfvars`, `${ACCOUNT}/config/account.tfvars`],
    warnings: [],
    ...overrides,
  }
}

const VF = [`-var-file=${ROOT}/config/common.tfvars`, `-var-file=${ACCOUNT}/config/account.tfvars`]

interface Harness {
  deps: WrapDeps
  resolved: string[]
  runs: ChildSpec[]
  stderr: string[]
  stdout: string[]
  targets: ChildTarget[]
}

function harness(options: {
  codes?: Record<string, number>
  contexts?: Record<string, LayerContext>
  cwd: string
  received?: NodeJS.Signals[]
}): Harness {
  const h: Harness = {
    deps: undefined as unknown as WrapDeps,
    resolved: [],
    runs: [],
    stderr: [],
    stdout: [],
    targets: [],
  }
  let clock = 0
  h.deps = {
    cwd: options.cwd,
    env: {PATH: '', TERRACE_TF_BIN: FAKE},
    environmentFor(target) {
      h.targets.push(target)
      return passThroughEnvironment
    },
    isDirectory: (path) => path.startsWith(ACCOUNT),
    listLayers: async () => [
      {disabled: false, path: `${ACCOUNT}/us-east-1/a`},
      {disabled: true, path: `${ACCOUNT}/us-east-1/off --`},
      {disabled: false, path: `${ACCOUNT}/us-east-1/b`},
    ],
    now() {
      clock += 100
      return clock
    },
    projectBinary: async () => null,
    async resolveContext(dir) {
      h.resolved.push(dir)
      const found = options.contexts?.[dir]
      if (!found) throw new NotInProjectError(`not inside a terrace project: ${dir}`)
      return found
    },
    async runChild(spec): Promise<ChildResult> {
      h.runs.push(spec)
      return {exitCode: options.codes?.[spec.cwd] ?? 0, received: options.received ?? [], signal: null}
    },
    signals: process,
    stderr: {write: (s: string) => h.stderr.push(s)},
    stdinIsTTY: false,
    stdout: {write: (s: string) => h.stdout.push(s)},
  }
  return h
}

const layerA = `${ACCOUNT}/us-east-1/a`
const layerB = `${ACCOUNT}/us-east-1/b`
const layerC = `${ACCOUNT}/us-east-1/c`
const inLayers = {[layerA]: makeContext(layerA), [layerB]: makeContext(layerB), [layerC]: makeContext(layerC)}

describe('runner/wrap-service', () => {
  it('runs terraform in the layer with injected var files, handing the context to the environment hook', async () => {
    const h = harness({contexts: inLayers, cwd: layerA})
    expect(await runWrapped('terraform', ['plan', '-out=p'], h.deps)).to.equal(0)
    expect(h.runs).to.have.length(1)
    expect(h.runs[0]).to.include({command: FAKE, cwd: layerA, stdout: undefined})
    expect(h.runs[0].args).to.deep.equal(['plan', ...VF, '-out=p'])
    expect(h.targets[0].context?.layer).to.equal('apps-devstg/us-east-1/a')
  })

  it("runs argv the route already parsed (argv is parsed once): terrace's options and the tool's arguments as given", async () => {
    const h = harness({contexts: inLayers, cwd: layerA})
    const parsed = {help: false, options: {}, toolArgs: ['plan', '-out=p']}
    expect(await runWrapped('terraform', parsed, h.deps)).to.equal(0)
    expect(h.runs[0].args).to.deep.equal(['plan', ...VF, '-out=p'])
  })

  it('passes the child exit code through', async () => {
    const h = harness({codes: {[layerA]: 2}, contexts: inLayers, cwd: layerA})
    expect(await runWrapped('tofu', ['apply'], h.deps)).to.equal(2)
  })

  it('resolves the context of the -chdir folder and keeps running from the current one', async () => {
    const h = harness({contexts: inLayers, cwd: ACCOUNT})
    await runWrapped('terraform', ['-chdir=us-east-1/b', 'init'], h.deps)
    expect(h.resolved).to.deep.equal([layerB])
    expect(h.runs[0].cwd).to.equal(ACCOUNT)
    expect(h.runs[0].args).to.deep.equal([
      '-chdir=us-east-1/b',
      'init',
      `-backend-config=${ACCOUNT}/config/backend.tfvars`,
    ])
  })

  it('fails with exit 3 outside a project, and outside a layer', async () => {
    const outside = harness({cwd: '/tmp'})
    const error = await runWrapped('terraform', ['plan'], outside.deps).catch((error_) => error_)
    expect(error.exitCode).to.equal(3)
    const inAccount = harness({
      contexts: {[ACCOUNT]: makeContext(ACCOUNT, {layer: null, location: 'account'})},
      cwd: ACCOUNT,
    })
    const notLayer = await runWrapped('terraform', ['plan'], inAccount.deps).catch((error_) => error_)
    expect(notLayer.exitCode).to.equal(3)
    expect(notLayer.message).to.match(/not a layer.*account/)
    expect(inAccount.runs).to.have.length(0)
  })

  it('runs version, fmt and bare global flags without a project', async () => {
    for (const args of [['version'], ['fmt', '-recursive'], ['-version'], ['-help']]) {
      const h = harness({cwd: '/tmp'})
      expect(await runWrapped('terraform', args, h.deps)).to.equal(0)
      expect(h.resolved).to.deep.equal([])
      expect(h.runs[0].args).to.deep.equal(args)
      expect(h.targets[0].context).to.equal(null)
    }
  })

  it('reports usage errors (exit 2): no subcommand, --json without --layers, -chdir with --layers', async () => {
    const h = harness({contexts: inLayers, cwd: layerA})
    for (const args of [[], ['--json', 'plan'], ['--layers', 'a', '-chdir=x', 'plan']]) {
      const error = await runWrapped('terraform', args, h.deps).catch((error_) => error_)
      expect(error.exitCode, JSON.stringify(args)).to.equal(2)
    }

    expect(h.runs).to.have.length(0)
  })

  it('exits 127 when the binary is missing', async () => {
    const h = harness({contexts: inLayers, cwd: layerA})
    h.deps.env = {PATH: '/nonexistent'}
    const error = await runWrapped('terraform', ['plan'], h.deps).catch((error_) => error_)
    expect(error.exitCode).to.equal(127)
    expect(error.message).to.match(/^terraform: not found/)
  })

  it('--layers: runs in order, stops at the first failure, skips the rest, prints a summary', async () => {
    const h = harness({codes: {[layerB]: 2}, contexts: inLayers, cwd: `${ACCOUNT}/us-east-1`})
    expect(await runWrapped('terraform', ['--layers', 'a,b,c', 'plan'], h.deps)).to.equal(2)
    expect(h.runs.map((r) => r.cwd)).to.deep.equal([layerA, layerB])
    expect(h.runs[0].args).to.deep.equal(['plan', ...VF])
    const text = h.stderr.join('')
    expect(text).to.match(/^a\s+ok\s+0\s+0\.1s$/m)
    expect(text).to.match(/^b\s+failed\s+2\s+0\.1s$/m)
    expect(text).to.match(/^c\s+skipped\s+-\s+-$/m)
    expect(h.stdout).to.deep.equal([])
  })

  it('--layers after the subcommand, with --json: JSON summary on stdout, children stdout to stderr', async () => {
    const h = harness({contexts: inLayers, cwd: `${ACCOUNT}/us-east-1`})
    expect(await runWrapped('terraform', ['--json', 'apply', '--layers=a,b', '-auto-approve'], h.deps)).to.equal(0)
    expect(h.runs.map((r) => r.stdout)).to.deep.equal(['stderr', 'stderr'])
    expect(h.runs[1].args).to.deep.equal(['apply', ...VF, '-auto-approve'])
    expect(JSON.parse(h.stdout.join(''))).to.deep.equal({
      exitCode: 0,
      layers: [
        {durationMs: 100, exitCode: 0, layer: 'a', status: 'ok'},
        {durationMs: 100, exitCode: 0, layer: 'b', status: 'ok'},
      ],
    })
  })

  it('--layers all: every enabled layer below the current folder', async () => {
    const h = harness({contexts: inLayers, cwd: ACCOUNT})
    await runWrapped('terraform', ['--layers', 'all', 'plan'], h.deps)
    expect(h.runs.map((r) => r.cwd)).to.deep.equal([layerA, layerB])
  })

  it('--layers: a missing folder is a usage error before anything runs', async () => {
    const h = harness({contexts: inLayers, cwd: ACCOUNT})
    const error = await runWrapped('terraform', ['--layers', 'us-east-1/a,/elsewhere', 'plan'], h.deps).catch(
      (error_) => error_,
    )
    expect(error.exitCode).to.equal(2)
    expect(error.message).to.contain('/elsewhere')
    expect(h.runs).to.have.length(0)
  })

  it("--layers: a layer whose context fails is reported failed with terrace's exit code", async () => {
    const h = harness({contexts: {[layerA]: inLayers[layerA]}, cwd: `${ACCOUNT}/us-east-1`})
    expect(await runWrapped('terraform', ['--layers', 'a,b,c', 'plan'], h.deps)).to.equal(3)
    expect(h.stderr.join(''))
      .to.match(/^b\s+failed\s+3/m)
      .and.match(/^c\s+skipped/m)
  })

  it('--layers: terrace signalled during a layer that then succeeds stops the run with 130', async () => {
    const h = harness({contexts: inLayers, cwd: `${ACCOUNT}/us-east-1`, received: ['SIGINT']})
    expect(await runWrapped('terraform', ['--layers', 'a,b', 'plan'], h.deps)).to.equal(130)
    expect(h.runs).to.have.length(1)
  })

  it('aws: passes everything through, refuses the reserved subcommands', async () => {
    const h = harness({cwd: '/tmp'})
    h.deps.env = {PATH: '', TERRACE_AWS_BIN: FAKE}
    await runWrapped('aws', ['sso', 'list-accounts', '--debug'], h.deps)
    expect(h.runs[0]).to.include({command: FAKE, cwd: '/tmp'})
    expect(h.runs[0].args).to.deep.equal(['sso', 'list-accounts', '--debug'])
    const error = await runWrapped('aws', ['sso', 'login'], h.deps).catch((error_) => error_)
    expect(error.exitCode).to.equal(2)
  })

  it('exec: runs the command after --, needs one', async () => {
    const h = harness({cwd: '/tmp'})
    h.deps.env = {PATH: resolve('test/fixtures/bin')}
    await runWrapped('exec', ['--', 'fake-terraform', '--layers', 'x'], h.deps)
    expect(h.runs[0].command).to.equal(FAKE)
    expect(h.runs[0].args).to.deep.equal(['--layers', 'x'])
    expect((await runWrapped('exec', ['--'], h.deps).catch((error) => error)).exitCode).to.equal(2)
  })

  it('refuses (exit 3) a layer that belongs to no account, naming the folder and what is missing', async () => {
    const stray = `${ROOT}/stray/layer`
    const context = makeContext(stray, {account: null, accountDir: null, accountId: null, backendConfig: null})
    for (const args of [['plan'], ['init']]) {
      const h = harness({contexts: {[stray]: context}, cwd: stray})
      const error = await runWrapped('terraform', args, h.deps).catch((error_) => error_)
      expect(error.exitCode).to.equal(3)
      expect(error.message).to.contain(stray).and.contain('belongs to no account').and.contain('config/account.tfvars')
      expect(h.runs).to.have.length(0)
    }
  })

  it('warns on stderr when init finds no backend.tfvars, naming the expected path, unless the user passes one', async () => {
    const noBackend = {[layerA]: makeContext(layerA, {backendConfig: null})}
    const expected = `terrace: warning: ${ACCOUNT}/config/backend.tfvars does not exist: terraform init runs without -backend-config\n`
    const h = harness({contexts: noBackend, cwd: layerA})
    expect(await runWrapped('terraform', ['init'], h.deps)).to.equal(0)
    expect(h.stderr).to.deep.equal([expected])
    expect(h.runs[0].args).to.deep.equal(['init'])
    for (const args of [['plan'], ['init', '-backend-config=x.tfvars'], ['init', '-backend=false']]) {
      const quiet = harness({contexts: noBackend, cwd: layerA})
      await runWrapped('terraform', args, quiet.deps)
      expect(quiet.stderr, args.join(' ')).to.deep.equal([])
    }

    const withBackend = harness({contexts: inLayers, cwd: layerA})
    await runWrapped('terraform', ['init'], withBackend.deps)
    expect(withBackend.stderr).to.deep.equal([])
  })

  it('warns on stderr when terraform, aws or exec runs inside a disabled layer, and still runs', async () => {
    const off = `${ACCOUNT}/us-east-1/off --`
    const h = harness({contexts: {[off]: makeContext(off, {disabled: true})}, cwd: off})
    expect(await runWrapped('terraform', ['plan'], h.deps)).to.equal(0)
    expect(h.stderr.join('')).to.equal(
      'terrace: warning: apps-devstg/us-east-1/off -- is a disabled layer (a folder name in its path ends in " --")\n',
    )
    expect(h.runs).to.have.length(1)
    for (const kind of ['aws', 'exec'] as const) {
      const other = harness({contexts: {[off]: makeContext(off, {disabled: true})}, cwd: off})
      other.deps.env = {PATH: resolve('test/fixtures/bin'), TERRACE_AWS_BIN: FAKE}
      await runWrapped(kind, kind === 'aws' ? ['s3', 'ls'] : ['--', 'fake-terraform'], other.deps)
      expect(other.stderr.join(''), kind).to.contain('is a disabled layer')
    }
  })

  it('--layers all: a folder it cannot read is named in a warning, the other layers run', async () => {
    const h = harness({contexts: inLayers, cwd: ACCOUNT})
    h.deps.listLayers = async (dir, onUnreadable) => {
      onUnreadable?.(`${dir}/us-east-1/locked`, Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES'}))
      return [{disabled: false, path: layerA}]
    }

    expect(await runWrapped('terraform', ['--layers', 'all', 'plan'], h.deps)).to.equal(0)
    expect(h.stderr[0]).to.equal('terrace: warning: cannot read us-east-1/locked (EACCES): layers in it are skipped\n')
    expect(h.runs.map((r) => r.cwd)).to.deep.equal([layerA])
  })
})
