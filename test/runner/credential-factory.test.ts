import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import type {CredentialRequest, CredentialSource} from '../../src/auth/credentials/types.js'
import type {TokenRequest} from '../../src/auth/sso/sso-login.js'
import type {RoleRef} from '../../src/lib/role-refs.js'
import type {ChildTarget} from '../../src/runner/child-environment.js'

import {neededForSentence} from '../../src/auth/needed-for.js'
import {resolveContext} from '../../src/layers/context.js'
import {NotLoggedInError, TerraceError} from '../../src/lib/errors.js'
import {passThroughEnvironment} from '../../src/runner/child-environment.js'
import {
  credentialEnvironmentFactory,
  type CredentialServices,
  helperScript,
} from '../../src/runner/credentials/factory.js'
import {REPO} from '../helpers/cli.js'

const LAYER = resolve('templates/sample-project/apps-devstg/us-east-1/base-network')
const source: CredentialSource = {
  async get(ref) {
    const now = Date.now()
    return {
      accessKeyId: `AKIA${ref.accountId}`,
      expiration: now + 3_600_000,
      obtainedAt: now,
      secretAccessKey: 'secret',
      sessionToken: 'session',
    }
  },
}

/** auth's side: the message says what the token was needed for, when told (auth/needed-for.ts) */
function services(loggedIn = true): CredentialServices & {
  neededFor: (string | undefined)[]
  opened: number
  tokenChecks: string[]
} {
  const state = {
    async checkLogin(url: string, request: TokenRequest = {}) {
      state.tokenChecks.push(url)
      state.neededFor.push(request.neededFor)
      if (!loggedIn)
        throw new NotLoggedInError(neededForSentence('not logged in to x.', request.neededFor), {
          suggestion: 'Run `terrace aws sso login`.',
        })
    },
    configDir: '/nonexistent',
    expirationOf: (c: {expiration: number}) => c.expiration,
    neededFor: [] as (string | undefined)[],
    opened: 0,
    renewLeadMs: 1000,
    source: {
      get(ref: RoleRef, options?: CredentialRequest) {
        state.neededFor.push(options?.neededFor)
        return source.get(ref, options)
      },
    },
    tokenChecks: [] as string[],
  }
  return state
}

const target = async (overrides: Partial<ChildTarget> = {}): Promise<ChildTarget> => ({
  context: await resolveContext(LAYER, {env: {}}),
  credentialOptions: {mode: 'endpoint', profile: null},
  cwd: LAYER,
  kind: 'terraform',
  needsCredentials: true,
  ...overrides,
})

describe('runner/credentials/factory', () => {
  let tmp: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-factory-'))
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  it('the helper script exists where the generated config points, from any depth below the package', () => {
    expect(existsSync(helperScript())).to.equal(true)
    expect(helperScript(join(REPO, 'dist', 'runner'))).to.equal(join(REPO, 'bin', 'credential-helper.mjs'))
    expect(helperScript(join(REPO, 'dist', 'runner', 'credentials'))).to.equal(
      join(REPO, 'bin', 'credential-helper.mjs'),
    )
  })

  it('a command that needs no credentials never opens the auth services', async () => {
    const r = services()
    let opened = 0
    const factory = credentialEnvironmentFactory({
      env: {},
      async openServices() {
        opened++
        return r
      },
    })
    expect(await factory(await target({needsCredentials: false}))).to.equal(passThroughEnvironment)
    expect(await factory(await target({context: null, kind: 'exec'}))).to.equal(passThroughEnvironment)
    expect(opened).to.equal(0)
  })

  it('checks the login, then delivers through a broker; dispose removes it all', async () => {
    const r = services()
    let opened = 0
    const factory = credentialEnvironmentFactory({
      env: {},
      async openServices() {
        opened++
        return r
      },
    })
    const environment = await factory(await target())
    await factory(await target())
    expect(opened, 'the services opens once per process').to.equal(1)
    expect(r.tokenChecks).to.deep.equal([
      'https://bb-sandbox.awsapps.com/start',
      'https://bb-sandbox.awsapps.com/start',
    ])
    const env = await environment.prepare({AWS_PROFILE: 'x', PATH: '/bin', TERRACE_VAULT_PASSPHRASE: 'p', TMPDIR: tmp})
    expect(env).not.to.have.property('AWS_PROFILE')
    expect(env).not.to.have.property('TERRACE_VAULT_PASSPHRASE')
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).to.match(/^http:\/\/127\.0\.0\.1:\d+\/credentials$/)
    expect(readFileSync(env.AWS_CONFIG_FILE!, 'utf8')).to.include('[profile bb-shared-devops]')
    await environment.dispose()
    expect(existsSync(env.AWS_CONFIG_FILE!)).to.equal(false)
  })

  it('logged out: exit 5 naming the login command and the layer, before any broker starts', async () => {
    const factory = credentialEnvironmentFactory({env: {}, openServices: async () => services(false)})
    const error = await Promise.resolve(factory(await target())).catch((error_: Error) => error_)
    expect(error).to.be.instanceOf(NotLoggedInError)
    expect((error as Error).message).to.include('apps-devstg/us-east-1/base-network')
  })

  it('auth is told the layer the credentials are for; its errors reach the user as auth wrote them', async () => {
    const r = services()
    const factory = credentialEnvironmentFactory({env: {}, openServices: async () => r})
    const environment = await factory(await target())
    await environment.prepare({PATH: '/bin', TMPDIR: tmp})
    await environment.dispose()
    expect(new Set(r.neededFor)).to.deep.equal(new Set(['layer apps-devstg/us-east-1/base-network']))

    const failing = {
      ...services(),
      async checkLogin(): Promise<never> {
        throw new NotLoggedInError('You are not logged in to x.')
      },
    }
    const refused = credentialEnvironmentFactory({env: {}, openServices: async () => failing})
    const error = await Promise.resolve(refused(await target())).catch((error_: Error) => error_)
    expect((error as Error).message).to.equal('You are not logged in to x.')
  })

  it('aws at the project root (no default role): exit 3 in terrace words, listing the profiles, before any child', async () => {
    const root = resolve('templates/sample-project')
    const factory = credentialEnvironmentFactory({env: {}, openServices: async () => services()})
    const atRoot = {context: await resolveContext(root, {env: {}}), cwd: root, kind: 'aws' as const}
    const error = await Promise.resolve(factory(await target({...atRoot, args: ['s3', 'ls']}))).catch(
      (error_: Error) => error_,
    )
    expect(error).to.be.instanceOf(TerraceError)
    expect((error as TerraceError).exitCode).to.equal(3)
    expect((error as TerraceError).message)
      .to.contain('no default role here')
      .and.contain('project root')
    expect((error as TerraceError).suggestion)
      .to.match(/^Pass --profile <one of bb-apps-devstg-devops, /)
      .and.contain('or run the command inside a layer')
    // the AWS CLI's own --profile names a role: no refusal
    const named = await factory(await target({...atRoot, args: ['s3', 'ls', '--profile', 'bb-shared-devops']}))
    expect(named).not.to.equal(passThroughEnvironment)
  })

  it('exec at the project root warns (its command may name a profile) and runs', async () => {
    const root = resolve('templates/sample-project')
    const warnings: string[] = []
    const factory = credentialEnvironmentFactory({
      env: {},
      openServices: async () => services(),
      warn: (m) => warnings.push(m),
    })
    const context = await resolveContext(root, {env: {}})
    const environment = await factory(await target({args: ['env'], context, cwd: root, kind: 'exec'}))
    expect(environment).not.to.equal(passThroughEnvironment)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.match(/^terrace: warning: no default role in the project root .*pass --profile <one of bb-/)
  })
})
