import {expect} from 'chai'
import {mkdtempSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {ChildResult} from '../../src/runner/child.js'
import type {CredentialServices} from '../../src/runner/credentials/factory.js'

import {loadProjectAt} from '../../src/layers/project.js'
import {loadProjectSettings} from '../../src/layers/settings.js'
import {defaultWrapDeps} from '../../src/runner/default-deps.js'
import {runWrapped} from '../../src/runner/wrap-service.js'
import {FAKE_TERRAFORM} from '../helpers/cli.js'

const ROOT = resolve('templates/sample-project')
const LAYER = join(ROOT, 'apps-devstg', 'us-east-1', 'base-network')
const ACCOUNT = join(ROOT, 'apps-devstg')

const services: CredentialServices = {
  configDir: '/nonexistent',
  expirationOf: (c) => c.expiration,
  renewLeadMs: 1000,
  source: {
    async get(ref) {
      const now = Date.now()
      return {accessKeyId: `AKIA${ref.accountId}`, expiration: now + 3_600_000, obtainedAt: now, secretAccessKey: 's'}
    },
  },
  ssoLogin: {accessToken: async () => ({accessToken: 'a', expiresAt: Date.now() + 3_600_000}) as never},
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
})
