import {expect} from 'chai'

import {
  deliveryEnvironment,
  isRemoved,
  REMOVED_VARIABLES,
  scrubEnvironment,
} from '../../src/runner/credentials/env-scrub.js'
import {DOCUMENTED_REMOVED} from '../helpers/removed-variables.js'

describe('runner/credentials/env-scrub', () => {
  const table: Array<[string, boolean]> = [
    ['AWS_ACCESS_KEY_ID', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['AWS_SESSION_TOKEN', true],
    ['AWS_SECURITY_TOKEN', true],
    ['AWS_CREDENTIAL_EXPIRATION', true],
    ['AWS_PROFILE', true],
    ['AWS_DEFAULT_PROFILE', true],
    ['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', true],
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', true],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', true],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', true],
    ['AWS_WEB_IDENTITY_TOKEN_FILE', true],
    ['AWS_ROLE_ARN', true],
    ['AWS_ROLE_SESSION_NAME', true],
    ['AWS_CONFIG_FILE', true],
    ['AWS_SHARED_CREDENTIALS_FILE', true],
    ['TERRACE_VAULT_PASSPHRASE', true],
    ['TERRACE_MFA_CODE', true],
    ['TERRACE_SSO_TOKEN', true],
    ['TERRACE_API_KEY', true],
    ['TERRACE_HOME', false],
    ['TERRACE_VAULT', false],
    ['TERRACE_TF_BIN', false],
    ['AWS_REGION', false],
    ['AWS_ENDPOINT_URL_STS', false],
    ['AWS_MAX_ATTEMPTS', false],
    ['PATH', false],
    ['HOME', false],
    ['TF_VAR_profile', false],
  ]
  for (const [name, removed] of table) {
    it(`${name} is ${removed ? 'removed' : 'kept'}`, () => {
      expect(isRemoved(name)).to.equal(removed)
      const env = scrubEnvironment({[name]: 'v', UNRELATED: 'u'})
      expect(env).to.deep.equal(removed ? {UNRELATED: 'u'} : {[name]: 'v', UNRELATED: 'u'})
    })
  }

  it('REMOVED_VARIABLES is exactly the documented list', () => {
    expect([...REMOVED_VARIABLES]).to.deep.equal(DOCUMENTED_REMOVED)
  })

  it('every documented variable set in the parent is absent from the child or replaced by the delivery', () => {
    const parent: NodeJS.ProcessEnv = {PATH: '/bin'}
    for (const name of DOCUMENTED_REMOVED) parent[name] = `parent-${name}`
    const delivered = {
      configFile: '/t/config',
      credentialsFile: '/t/credentials',
      endpoint: {token: 'tok', url: 'http://127.0.0.1:1/credentials'},
      region: null,
    }
    for (const delivery of [delivered, {...delivered, endpoint: null}]) {
      const child = deliveryEnvironment(parent, delivery)
      for (const name of DOCUMENTED_REMOVED) expect(child[name], name).not.to.equal(`parent-${name}`)
      const added = delivery.endpoint
        ? ['AWS_CONFIG_FILE', 'AWS_CONTAINER_AUTHORIZATION_TOKEN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']
        : ['AWS_CONFIG_FILE']
      expect(Object.keys(child).sort()).to.deep.equal([...added, 'AWS_SHARED_CREDENTIALS_FILE', 'PATH'].sort())
    }
  })

  it('does not change the environment it was given', () => {
    const base = {AWS_PROFILE: 'p', PATH: '/bin'}
    scrubEnvironment(base)
    expect(base).to.deep.equal({AWS_PROFILE: 'p', PATH: '/bin'})
  })

  it('adds the endpoint, the private files and the region; the endpoint replaces a user RELATIVE_URI', () => {
    const env = deliveryEnvironment(
      {
        AWS_ACCESS_KEY_ID: 'AKIAUSER',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/x',
        AWS_DEFAULT_REGION: 'eu-west-1',
        AWS_REGION: 'eu-west-1',
        PATH: '/bin',
      },
      {
        configFile: '/t/config',
        credentialsFile: '/t/credentials',
        endpoint: {token: 'tok', url: 'http://127.0.0.1:1/credentials'},
        region: 'us-east-1',
      },
    )
    expect(env).to.deep.equal({
      AWS_CONFIG_FILE: '/t/config',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'tok',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/credentials',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_SHARED_CREDENTIALS_FILE: '/t/credentials',
      PATH: '/bin',
    })
  })

  it("keeps terrace's region when the layer has none; --credentials env adds static variables", () => {
    const env = deliveryEnvironment(
      {AWS_REGION: 'eu-west-1'},
      {
        configFile: '/c',
        credentialsFile: '/k',
        endpoint: null,
        region: null,
        staticCredentials: {
          accessKeyId: 'A',
          expiration: '2030-01-01T00:00:00.000Z',
          secretAccessKey: 'S',
          sessionToken: 'T',
        },
      },
    )
    expect(env).to.deep.equal({
      AWS_ACCESS_KEY_ID: 'A',
      AWS_CONFIG_FILE: '/c',
      AWS_CREDENTIAL_EXPIRATION: '2030-01-01T00:00:00.000Z',
      AWS_REGION: 'eu-west-1',
      AWS_SECRET_ACCESS_KEY: 'S',
      AWS_SESSION_TOKEN: 'T',
      AWS_SHARED_CREDENTIALS_FILE: '/k',
    })
  })
})
