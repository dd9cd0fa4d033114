import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {requireOrSkip} from '../helpers/require-or-skip.js'
import {BB, BB_ORG, FIXTURES, tempDir, tempHome} from './helpers.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const BUILT = existsSync(join(REPO, 'dist/commands/layer/info.js'))

interface Result {
  code: number
  stderr: string
  stdout: string
}

function spawn(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, {cwd, env}, (error, stdout, stderr) => {
      resolve({code: error ? Number((error as {code?: number}).code ?? 1) : 0, stderr, stdout})
    })
  })
}

/** The built CLI, as a user runs it (needs `npm run build`; .ci/run builds before testing). */
const runBuilt = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  spawn([join(REPO, 'bin/run.js'), 'layer', 'info', ...args], cwd, env)

/** The command class through oclif, from src/ via tsx (no build needed). */
const runSource = (args: string[], cwd: string, env: NodeJS.ProcessEnv) =>
  spawn(
    [
      '--import',
      pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href, // absolute: the cwd may be outside the repo
      '--input-type=module',
      '-e',
      [
        `import LayerInfo from ${JSON.stringify(join(REPO, 'src/commands/layer/info.ts'))}`,
        `try { await LayerInfo.run(process.argv.slice(1), ${JSON.stringify(REPO)}) }`,
        'catch (error) { process.exitCode = error?.oclif?.exit ?? 1; if (!error?.oclif) console.error(error) }',
      ].join('\n'),
      '--',
      ...args,
    ],
    cwd,
    {...env, NODE_OPTIONS: ''},
  )

const locations = [
  ['root', BB],
  ['account', join(BB, 'apps-devstg')],
  ['layers-group', join(BB, 'apps-devstg/us-east-1/k8s-eks')],
  ['layer, depth 3', join(BB, 'apps-devstg/us-east-1/base-network')],
  ['layer, depth 4, other accounts', join(BB, 'apps-devstg/us-east-1/k8s-eks/cluster')],
  ['layer, depth 5, warnings', join(BB, 'apps-devstg/us-east-1/k8s-eks/addons/monitoring')],
  ['disabled layer', join(BB, 'network/us-east-1/transit-gateway --')],
  ['folder with a space', join(BB, 'apps-devstg/us-east-1/secrets manager')],
  ['organization layout', join(BB_ORG, 'apps-prd/us-east-1/base-network')],
] as const

/** An absolute path under test/fixtures/projects. */
const at = (...parts: string[]) => join(FIXTURES, ...parts)

/** The fields every apps-devstg location of the bb fixture shares, written out by hand from the fixtures. */
const APPS_DEVSTG = {
  account: 'apps-devstg',
  accountDir: at('bb', 'apps-devstg'),
  accountId: '555555555555',
  backendConfig: at('bb', 'apps-devstg', 'config', 'backend.tfvars'),
  backendProfile: 'bb-apps-devstg-devops',
  disabled: false,
  project: 'bb',
  region: 'us-east-1',
  role: 'DevOps',
  root: at('bb'),
  varFiles: [
    at('bb', 'config', 'common.tfvars'),
    at('bb', 'config', 'extra.tfvars'),
    at('bb', 'apps-devstg', 'config', 'account.tfvars'),
  ],
}

/** What `layer info --json` prints at each location, written out by hand from the fixtures (not computed). */
const EXPECTED: Record<string, Record<string, unknown>> = {
  account: {
    ...APPS_DEVSTG,
    layer: null,
    location: 'account',
    profiles: [{account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'}],
    warnings: [],
  },
  'disabled layer': {
    account: 'network',
    accountDir: at('bb', 'network'),
    accountId: '444444444444',
    backendConfig: at('bb', 'network', 'config', 'backend.tfvars'),
    backendProfile: 'bb-network-devops',
    disabled: true,
    layer: 'network/us-east-1/transit-gateway --',
    location: 'layer',
    profiles: [{account: 'network', accountId: '444444444444', name: 'bb-network-devops', role: 'DevOps'}],
    project: 'bb',
    region: 'us-east-1',
    role: 'DevOps',
    root: at('bb'),
    varFiles: [
      at('bb', 'config', 'common.tfvars'),
      at('bb', 'config', 'extra.tfvars'),
      at('bb', 'network', 'config', 'account.tfvars'),
    ],
    warnings: [],
  },
  'folder with a space': {
    ...APPS_DEVSTG,
    layer: 'apps-devstg/us-east-1/secrets manager',
    location: 'layer',
    profiles: [{account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'}],
    warnings: [],
  },
  'layer, depth 3': {
    ...APPS_DEVSTG,
    layer: 'apps-devstg/us-east-1/base-network',
    location: 'layer',
    profiles: [{account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'}],
    warnings: [],
  },
  'layer, depth 4, other accounts': {
    ...APPS_DEVSTG,
    layer: 'apps-devstg/us-east-1/k8s-eks/cluster',
    location: 'layer',
    profiles: [
      {account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'},
      {account: 'shared', accountId: '333333333333', name: 'bb-shared-devops', role: 'DevOps'},
      {account: 'network', accountId: '444444444444', name: 'bb-network-devops', role: 'DevOps'},
    ],
    warnings: [],
  },
  'layer, depth 5, warnings': {
    ...APPS_DEVSTG,
    layer: 'apps-devstg/us-east-1/k8s-eks/addons/monitoring',
    location: 'layer',
    profiles: [
      {account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'},
      {account: 'management', accountId: '111111111111', name: 'bb-management-administrator', role: 'Administrator'},
      {account: null, accountId: null, name: 'bb-legacy-oaar', role: null},
    ],
    warnings: [
      `cannot work out the AWS profile "\${lookup(var.profiles, "x", "y")}" in config.tf`,
      'profile bb-legacy-oaar names no known account of project bb',
    ],
  },
  'layers-group': {
    ...APPS_DEVSTG,
    layer: null,
    location: 'layers-group',
    profiles: [{account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'}],
    warnings: [],
  },
  'organization layout': {
    account: 'apps-prd',
    accountDir: at('bb-org', 'apps-prd'),
    accountId: '666666666666',
    backendConfig: at('bb-org', 'apps-prd', 'config', 'backend.tfvars'),
    backendProfile: 'bb-apps-prd-devops',
    disabled: false,
    layer: 'apps-prd/us-east-1/base-network',
    location: 'layer',
    profiles: [{account: 'apps-prd', accountId: '666666666666', name: 'bb-apps-prd-devops', role: 'DevOps'}],
    project: 'bb',
    region: 'us-east-2',
    role: 'DevOps',
    root: at('bb-org'),
    varFiles: [at('bb-org', 'config', 'common.tfvars'), at('bb-org', 'apps-prd', 'config', 'account.tfvars')],
    warnings: [],
  },
  root: {
    account: null,
    accountDir: null,
    accountId: null,
    backendConfig: null,
    backendProfile: null,
    disabled: false,
    layer: null,
    location: 'root',
    profiles: [],
    project: 'bb',
    region: 'us-east-1',
    role: null,
    root: at('bb'),
    varFiles: [at('bb', 'config', 'common.tfvars'), at('bb', 'config', 'extra.tfvars')],
    warnings: [],
  },
}

describe('terrace layer info', function () {
  this.timeout(30_000)
  let home: Awaited<ReturnType<typeof tempHome>>

  before(async () => {
    home = await tempHome()
  })

  after(() => home.cleanup())

  describe('from source (command class through oclif)', () => {
    it('--json prints exactly the LayerContext', async () => {
      const cwd = join(BB, 'apps-devstg/us-east-1/k8s-eks/cluster')
      const result = await runSource(['--json'], cwd, home.env)
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout)).to.deep.equal(EXPECTED['layer, depth 4, other accounts'])
    })

    it('prints an aligned listing and the profiles table', async () => {
      const result = await runSource([], join(BB, 'apps-devstg/us-east-1/k8s-eks/addons/monitoring'), home.env)
      expect(result.code, result.stderr).to.equal(0)
      expect(result.stdout).to.match(/^account id {7}555555555555$/m)
      expect(result.stdout).to.match(/^ {2}bb-management-administrator +management +111111111111 +Administrator$/m)
      expect(result.stdout).to.include('warnings\n  - cannot work out the AWS profile')
    })

    it('outside a project: exit 3, message and no stack trace', async () => {
      const {cleanup, dir} = await tempDir('cli-outside')
      try {
        const result = await runSource([], dir, home.env)
        expect(result.code).to.equal(3)
        expect(result.stderr).to.include(`Error: not inside a terrace project: no config/common.tfvars in ${dir}`)
        expect(result.stderr).to.not.match(/\n\s+at /)
      } finally {
        await cleanup()
      }
    })
  })

  describe('built CLI: node bin/run.js layer info --json', () => {
    before(function () {
      requireOrSkip(this, BUILT, 'dist/ is not built: `npm run build` (part of npm test / .ci/run) first')
    })

    for (const [name, cwd] of locations) {
      it(name, async () => {
        const result = await runBuilt(['--json'], cwd, home.env)
        expect(result.code, result.stderr).to.equal(0)
        const json = JSON.parse(result.stdout)
        expect(json).to.deep.equal(EXPECTED[name])
        expect(Object.values(json)).to.not.include(undefined)
      })
    }

    it('broken tfvars: exit 4 naming file and line, no stack trace', async () => {
      const {cleanup, dir} = await tempDir('cli-broken')
      try {
        const {mkdir, writeFile} = await import('node:fs/promises')
        await mkdir(join(dir, 'config'))
        await writeFile(join(dir, 'config/common.tfvars'), 'project = "x"\naccounts = {\n')
        const result = await runBuilt([], dir, home.env)
        expect(result.code).to.equal(4)
        expect(result.stderr).to.include(`${join(dir, 'config/common.tfvars')}:2: \`{\` opened here is never closed`)
        expect(result.stderr).to.not.match(/\n\s+at /)
      } finally {
        await cleanup()
      }
    })
  })
})
