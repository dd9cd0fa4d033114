/* eslint-disable no-template-curly-in-string -- HCL interpolations are data here */
import {expect} from 'chai'
import {mkdir, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {LayerContext} from '../../src/layers/types.js'

import {resolveContext} from '../../src/layers/context.js'
import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {BB, BB_ORG, FIXTURES, tempDir, tempHome} from './helpers.js'

const devstg = (root: string) => ({
  account: 'apps-devstg',
  accountDir: join(root, 'apps-devstg'),
  accountId: '555555555555',
  backendConfig: join(root, 'apps-devstg/config/backend.tfvars'),
  backendProfile: 'bb-apps-devstg-devops',
  region: 'us-east-1',
  role: 'DevOps',
})
const devstgProfile = {account: 'apps-devstg', accountId: '555555555555', name: 'bb-apps-devstg-devops', role: 'DevOps'}
const bbVarFiles = (account: null | string) => [
  join(BB, 'config/common.tfvars'),
  join(BB, 'config/extra.tfvars'),
  ...(account ? [join(BB, account, 'config/account.tfvars')] : []),
]

interface Case {
  cwd: string
  expected: Partial<LayerContext>
  name: string
}

const cases: Case[] = [
  {
    cwd: BB,
    expected: {
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
      root: BB,
      varFiles: bbVarFiles(null),
      warnings: [],
    },
    name: 'project root',
  },
  {
    cwd: join(BB, 'config'),
    expected: {account: null, layer: null, location: 'layers-group', root: BB},
    name: 'a folder under root outside any account',
  },
  {
    cwd: join(BB, 'apps-devstg'),
    expected: {
      ...devstg(BB),
      layer: null,
      location: 'account',
      profiles: [devstgProfile],
      varFiles: bbVarFiles('apps-devstg'),
    },
    name: 'account folder',
  },
  {
    cwd: join(BB, 'management'),
    expected: {
      account: 'management',
      accountId: '111111111111',
      backendProfile: 'bb-management-administrator',
      location: 'account',
      role: 'Administrator',
    },
    name: 'management account (Administrator, exact case)',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1'),
    expected: {...devstg(BB), layer: null, location: 'layers-group'},
    name: 'region folder (layers-group)',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/k8s-eks/addons'),
    expected: {...devstg(BB), layer: null, location: 'layers-group'},
    name: 'nested layers-group',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/base-network'),
    expected: {
      ...devstg(BB),
      disabled: false,
      layer: 'apps-devstg/us-east-1/base-network',
      location: 'layer',
      profiles: [devstgProfile],
      varFiles: bbVarFiles('apps-devstg'),
      warnings: [],
    },
    name: 'layer at depth 3',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/k8s-eks/cluster'),
    expected: {
      ...devstg(BB),
      layer: 'apps-devstg/us-east-1/k8s-eks/cluster',
      location: 'layer',
      profiles: [
        devstgProfile,
        {account: 'shared', accountId: '333333333333', name: 'bb-shared-devops', role: 'DevOps'},
        {account: 'network', accountId: '444444444444', name: 'bb-network-devops', role: 'DevOps'},
      ],
      warnings: [],
    },
    name: 'layer at depth 4 naming other accounts (var.project interpolation, local)',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/k8s-eks/addons/monitoring'),
    expected: {
      ...devstg(BB),
      disabled: false,
      layer: 'apps-devstg/us-east-1/k8s-eks/addons/monitoring',
      location: 'layer',
      profiles: [
        devstgProfile,
        {account: 'management', accountId: '111111111111', name: 'bb-management-administrator', role: 'Administrator'},
        {account: null, accountId: null, name: 'bb-legacy-oaar', role: null},
      ],
      warnings: [
        'cannot work out the AWS profile "${lookup(var.profiles, "x", "y")}" in config.tf',
        'profile bb-legacy-oaar names no known account of project bb',
      ],
    },
    name: 'layer at depth 5 with a literal, an unknown and a computed profile',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/k8s-eks/addons/old-ingress --'),
    expected: {disabled: true, layer: 'apps-devstg/us-east-1/k8s-eks/addons/old-ingress --', location: 'layer'},
    name: 'disabled layer',
  },
  {
    cwd: join(BB, 'network/us-east-1/transit-gateway --'),
    expected: {account: 'network', accountId: '444444444444', disabled: true, location: 'layer'},
    name: 'disabled layer in an account whose id is a number in common.tfvars',
  },
  {
    cwd: join(BB, 'apps-devstg/us-east-1/secrets manager'),
    expected: {
      disabled: false,
      layer: 'apps-devstg/us-east-1/secrets manager',
      location: 'layer',
      profiles: [devstgProfile],
    },
    name: 'layer whose folder name has a space',
  },
  {
    cwd: join(BB_ORG, 'apps-devstg/us-east-1/k8s-eks/cluster'),
    expected: {
      account: 'apps-devstg',
      accountId: '555555555555',
      location: 'layer',
      profiles: [
        devstgProfile,
        {account: 'shared', accountId: '333333333333', name: 'bb-shared-devops', role: 'DevOps'},
        {account: 'network', accountId: '444444444444', name: 'bb-network-devops', role: 'DevOps'},
      ],
      region: 'us-east-1',
      root: BB_ORG,
      varFiles: [join(BB_ORG, 'config/common.tfvars'), join(BB_ORG, 'apps-devstg/config/account.tfvars')],
    },
    name: 'organization layout (ids from organizational units), region from `region`',
  },
  {
    cwd: join(BB_ORG, 'management/global/base-identities'),
    expected: {account: 'management', accountId: '111111111111', role: 'Administrator'},
    name: 'organization layout (id from organization.accounts)',
  },
  {
    cwd: join(BB_ORG, 'apps-prd/us-east-1/base-network'),
    expected: {account: 'apps-prd', accountId: '666666666666', region: 'us-east-2'},
    name: 'account.tfvars region overrides the project region',
  },
]

describe('resolveContext', () => {
  let home: Awaited<ReturnType<typeof tempHome>>

  before(async () => {
    home = await tempHome()
  })

  after(() => home.cleanup())

  for (const {cwd, expected, name} of cases) {
    it(`${name}: ${cwd.slice(FIXTURES.length)}`, async () => {
      const context = await resolveContext(cwd, {env: home.env})
      expect(Object.keys(context).sort()).to.deep.equal([
        'account',
        'accountDir',
        'accountId',
        'backendConfig',
        'backendProfile',
        'disabled',
        'layer',
        'location',
        'profiles',
        'project',
        'region',
        'role',
        'root',
        'varFiles',
        'warnings',
      ])
      for (const [key, value] of Object.entries(expected)) {
        expect(context[key as keyof LayerContext], key).to.deep.equal(value)
      }
    })
  }

  it('gives the same answer from a warm cache', async () => {
    const cwd = join(BB, 'apps-devstg/us-east-1/k8s-eks/cluster')
    const cold = await resolveContext(cwd, {env: home.env})
    const warm = await resolveContext(cwd, {
      env: home.env,
      loadParser: () => expect.fail('parser loaded on a warm run'),
    })
    expect(warm).to.deep.equal(cold)
  })

  it('outside a project: exit 3, naming where it looked', async () => {
    const {cleanup, dir} = await tempDir('outside')
    try {
      const error = await resolveContext(dir, {env: home.env}).catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(TerraceError)
      expect((error as TerraceError).exitCode).to.equal(ExitCode.NotInProject)
      expect((error as TerraceError).message)
        .to.include(dir)
        .and.include('config/common.tfvars')
    } finally {
      await cleanup()
    }
  })

  it('only common.tfvars.example: exit 3, telling the user to copy it', async () => {
    const error = await resolveContext(join(FIXTURES, 'example-only/apps-devstg'), {env: home.env}).catch(
      (error_: unknown) => error_,
    )
    expect((error as TerraceError).exitCode).to.equal(ExitCode.NotInProject)
    const example = join(FIXTURES, 'example-only/config/common.tfvars')
    expect((error as TerraceError).message).to.include(example)
    expect((error as TerraceError).suggestion).to.include(`cp '${example}.example' '${example}'`)
  })

  it('missing project key: exit 4 naming the file', async () => {
    const {cleanup, dir} = await tempDir('noproject')
    try {
      await mkdir(join(dir, 'config'))
      await writeFile(join(dir, 'config/common.tfvars'), 'region_primary = "us-east-1"\n')
      const error = (await resolveContext(dir, {env: home.env}).catch((error_: unknown) => error_)) as TerraceError
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.equal(`${join(dir, 'config/common.tfvars')}: missing required key \`project\``)
    } finally {
      await cleanup()
    }
  })

  it('a key of the wrong type: exit 4 with its line', async () => {
    const {cleanup, dir} = await tempDir('wrongtype')
    try {
      await mkdir(join(dir, 'config'))
      await writeFile(join(dir, 'config/common.tfvars'), 'project = "x"\n\nsso_enabled = "maybe"\n')
      const error = (await resolveContext(dir, {env: home.env}).catch((error_: unknown) => error_)) as TerraceError
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.match(/common\.tfvars:3: `sso_enabled` must be true or false/)
    } finally {
      await cleanup()
    }
  })

  it('symlinked .tf files alone make a layer; accounts without ids warn', async () => {
    const {cleanup, dir} = await tempDir('symlink')
    try {
      await mkdir(join(dir, 'config'))
      await writeFile(join(dir, 'config/common.tfvars'), 'project = "zz"\nregion = "eu-west-1"\n')
      await writeFile(join(dir, 'config/shared.tf'), 'provider "aws" {\n  profile = "zz-dev-devops"\n}\n')
      await mkdir(join(dir, 'dev/config'), {recursive: true})
      await writeFile(join(dir, 'dev/config/account.tfvars'), 'sso_role = "DevOps"\n')
      await mkdir(join(dir, 'dev/eu-west-1/only-links'), {recursive: true})
      await symlink('../../../config/shared.tf', join(dir, 'dev/eu-west-1/only-links/shared.tf'))
      await mkdir(join(dir, 'dev/eu-west-1/broken-link'), {recursive: true})
      await symlink('../../../config/missing.tf', join(dir, 'dev/eu-west-1/broken-link/missing.tf'))
      const layer = await resolveContext(join(dir, 'dev/eu-west-1/only-links'), {env: home.env})
      expect(layer).to.include({
        account: 'dev',
        accountId: null,
        backendConfig: null,
        location: 'layer',
        region: 'eu-west-1',
      })
      expect(layer.profiles).to.deep.equal([{account: 'dev', accountId: null, name: 'zz-dev-devops', role: 'DevOps'}])
      expect(layer.warnings).to.include(`account dev has no id in ${join(dir, 'config/common.tfvars')}`)
      const broken = await resolveContext(join(dir, 'dev/eu-west-1/broken-link'), {env: home.env})
      expect(broken.location).to.equal('layers-group')
    } finally {
      await cleanup()
    }
  })

  it('a bad terrace.json is exit 4 naming the file and the key, as under tf (one validation for every reader)', async () => {
    const {cleanup, dir} = await tempDir('settings')
    try {
      await mkdir(join(dir, 'config'))
      await writeFile(join(dir, 'config/common.tfvars'), 'project = "zz"\n')
      await writeFile(join(dir, 'terrace.json'), '{"mfa": "sometimes"}\n')
      const error = await resolveContext(dir, {env: home.env}).catch((error_: unknown) => error_)
      expect(error).to.be.instanceOf(TerraceError)
      expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
      expect((error as TerraceError).message).to.equal(
        `${join(dir, 'terrace.json')}: "mfa" must be one of auto, on, off.`,
      )
    } finally {
      await cleanup()
    }
  })
})
