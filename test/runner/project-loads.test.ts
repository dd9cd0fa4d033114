import {Config} from '@oclif/core'
import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {ChildResult} from '../../src/runner/child.js'
import type {CredentialServices} from '../../src/runner/credentials/factory.js'

import {createInvocation, type Invocation} from '../../src/cli/invocation.js'
import AwsConfigureSso from '../../src/commands/aws/configure/sso.js'
import LayerInfo from '../../src/commands/layer/info.js'
import {loadProjectAt} from '../../src/layers/project.js'
import {loadProjectSettings} from '../../src/layers/settings.js'
import {defaultWrapDeps} from '../../src/runner/default-deps.js'
import {runWrapped} from '../../src/runner/wrap-service.js'
import {FAKE_TERRAFORM, REPO} from '../helpers/cli.js'

const ROOT = resolve('templates/sample-project')
const LAYER = join(ROOT, 'apps-devstg', 'us-east-1', 'base-network')
const ACCOUNT = join(ROOT, 'apps-devstg')

const services: CredentialServices = {
  async checkLogin() {},
  configDir: '/nonexistent',
  expirationOf: (c) => c.expiration,
  renewLeadMs: 1000,
  source: {
    async get(ref) {
      const now = Date.now()
      return {accessKeyId: `AKIA${ref.accountId}`, expiration: now + 3_600_000, obtainedAt: now, secretAccessKey: 's'}
    },
  },
}

/**
 * One wrapped run with the production wiring (binary lookup, layer context, credential plan), counting what
 * reaches the project's files. Only the child and the vault are fakes.
 */
async function countLoads(cwd: string, argv: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'terrace-loads-'))
  symlinkSync(FAKE_TERRAFORM, join(home, 'terraform')) // found on PATH, after terrace.json is asked
  const counts = {projects: 0, settings: 0}
  const runs: string[] = []
  try {
    const deps = defaultWrapDeps(
      {
        cwd,
        env: {PATH: home, TERRACE_HOME: home},
        async runChild(spec): Promise<ChildResult> {
          runs.push(spec.cwd)
          return {exitCode: 0, received: [], signal: null}
        },
        stderr: {write: () => true},
        stdinIsTTY: false,
        stdout: {write: () => true},
      },
      {
        async loadProjectAt(root, options) {
          counts.projects++
          return loadProjectAt(root, options)
        },
        async loadProjectSettings(root) {
          counts.settings++
          return loadProjectSettings(root)
        },
        openServices: async () => services,
      },
    )
    const code = await runWrapped('terraform', argv, deps)
    return {code, counts, runs}
  } finally {
    rmSync(home, {force: true, recursive: true})
  }
}

/**
 * An oclif command run in-process with the production command class; only its invocation is built here, with loaders
 * that count what reaches the project's files (the command itself cannot load anything else: see the last test).
 */
type Runnable = {run(argv: string[], config: Config): Promise<unknown>}

/** The production command class, reading the given invocation. */
const withInvocation = {
  configureSso: (invocation: Invocation): Runnable =>
    class extends AwsConfigureSso {
      protected override invocation(): Invocation {
        return invocation
      }
    },
  layerInfo: (invocation: Invocation): Runnable =>
    class extends LayerInfo {
      protected override invocation(): Invocation {
        return invocation
      }
    },
}

async function countCommandLoads(
  command: (invocation: Invocation) => Runnable,
  argv: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
) {
  const counts = {projects: 0, settings: 0}
  const invocation = createInvocation(
    {cwd, env},
    {
      async loadProjectAt(root, options) {
        counts.projects++
        return loadProjectAt(root, options)
      },
      async loadProjectSettings(root) {
        counts.settings++
        return loadProjectSettings(root)
      },
    },
  )
  const config = await Config.load(REPO)
  const output: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  const writeErr = process.stderr.write.bind(process.stderr)
  process.stdout.write = ((chunk: string) => output.push(String(chunk)) > 0) as typeof process.stdout.write
  process.stderr.write = ((chunk: string) => output.push(String(chunk)) > 0) as typeof process.stderr.write
  try {
    const result = await command(invocation).run(argv, config)
    return {counts, output: output.join(''), result}
  } finally {
    process.stdout.write = write
    process.stderr.write = writeErr
  }
}

describe('runner: one project load and one settings load per run', () => {
  it('terrace tf plan in a layer: the binary lookup, the context and the credential plan share one load', async () => {
    const {code, counts, runs} = await countLoads(LAYER, ['plan'])
    expect(code).to.equal(0)
    expect(runs).to.deep.equal([LAYER])
    expect(counts).to.deep.equal({projects: 1, settings: 1})
  })

  it('terrace tf plan --layers all over every layer of an account: still one of each', async () => {
    const {code, counts, runs} = await countLoads(ACCOUNT, ['--layers', 'all', 'plan'])
    expect(code).to.equal(0)
    expect(runs.length).to.be.greaterThan(1)
    expect(counts).to.deep.equal({projects: 1, settings: 1})
  })

  it('nothing under src/ loads settings except the project loader and the per-run cache', async () => {
    const {execFileSync} = await import('node:child_process')
    const callers = execFileSync('grep', ['-rlw', 'loadProjectSettings', 'src'], {encoding: 'utf8'})
      .trim()
      .split('\n')
      .sort()
    expect(callers).to.deep.equal(['src/layers/project-cache.ts', 'src/layers/project.ts', 'src/layers/settings.ts'])
  })

  describe('oclif commands (they read this.invocation())', function () {
    this.timeout(30_000)

    it('terrace layer info in a layer', async () => {
      const {counts, result} = await countCommandLoads(withInvocation.layerInfo, ['--json'], LAYER, {})
      expect((result as {layer: string}).layer).to.equal('apps-devstg/us-east-1/base-network')
      expect(counts).to.deep.equal({projects: 1, settings: 1})
    })

    it('terrace aws configure sso in a layer', async () => {
      const home = mkdtempSync(join(tmpdir(), 'terrace-loads-'))
      try {
        const env = {
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          TERRACE_HOME: join(home, 'terrace'),
        }
        const {counts, result} = await countCommandLoads(withInvocation.configureSso, ['--json'], LAYER, env)
        expect((result as {profiles: unknown[]}).profiles.length).to.be.greaterThan(0)
        expect(readFileSync(env.AWS_CONFIG_FILE, 'utf8')).to.include('credential_process')
        expect(counts).to.deep.equal({projects: 1, settings: 1})
      } finally {
        rmSync(home, {force: true, recursive: true})
      }
    })

    it('no command loads the project, its context or its settings itself: they read this.invocation()', async () => {
      const {execFileSync} = await import('node:child_process')
      const found = execFileSync(
        'grep',
        [
          '-rlwE',
          'loadProject|loadProjectAt|resolveContext|loadProjectSettings|projectCache',
          'src/commands',
          'src/cli',
        ],
        {encoding: 'utf8'},
      )
        .trim()
        .split('\n')
        .sort()
      expect(found).to.deep.equal(['src/cli/invocation.ts'])
    })
  })
})
