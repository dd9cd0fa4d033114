import {expect} from 'chai'

import {parseCachedCredentials} from '../../../src/auth/credentials/credential-cache.js'
import {parseCredentialProcessArgs} from '../../../src/credential-process/args.js'
import {credentialProcessJson} from '../../../src/credential-process/output.js'
import {TerraceError} from '../../../src/lib/errors.js'
import {routeArgv} from '../../../src/runner/route.js'

describe('credential-process: arguments, output, routing', () => {
  const ok: Array<[string[], string]> = [
    [['--profile', 'bb-apps-devstg-devops'], 'bb-apps-devstg-devops'],
    [['--profile=bb-shared-devops'], 'bb-shared-devops'],
    [['--debug', '--profile', 'p'], 'p'],
  ]
  for (const [args, profile] of ok) {
    it(`parses ${args.join(' ')}`, () => expect(parseCredentialProcessArgs(args)).to.deep.equal({profile}))
  }

  it('parses --session <id|name> and --session=<id>', () => {
    expect(parseCredentialProcessArgs(['--session', 'alice'])).to.deep.equal({session: 'alice'})
    expect(parseCredentialProcessArgs(['--session=0a1b-2c'])).to.deep.equal({session: '0a1b-2c'})
  })

  for (const args of [
    [],
    ['--profile'],
    ['--profile', '--debug'],
    ['--profile='],
    ['p'],
    ['--profile', 'p', '--region', 'x'],
    ['--session'],
    ['--session', 'a', '--profile', 'p'],
  ]) {
    it(`refuses ${JSON.stringify(args)} with exit 2`, () => {
      let error: unknown
      try {
        parseCredentialProcessArgs(args)
      } catch (error_) {
        error = error_
      }

      expect((error as TerraceError).exitCode).to.equal(2)
    })
  }

  it('prints the Version 1 JSON with the handed-out expiration (TTL-bounded)', () => {
    const creds = {
      accessKeyId: 'A',
      expiration: Date.UTC(2030, 0, 1, 2),
      obtainedAt: Date.UTC(2030, 0, 1),
      secretAccessKey: 'S',
      sessionToken: 'T',
    }
    expect(JSON.parse(credentialProcessJson(creds, 1_800_000))).to.deep.equal({
      AccessKeyId: 'A',
      Expiration: '2030-01-01T00:30:00.000Z',
      SecretAccessKey: 'S',
      SessionToken: 'T',
      Version: 1,
    })
  })

  it('cached entries are parsed only when every field has its type', () => {
    expect(
      parseCachedCredentials('{"accessKeyId":"A","secretAccessKey":"S","expiration":2,"obtainedAt":1}'),
    ).to.deep.equal({
      accessKeyId: 'A',
      expiration: 2,
      obtainedAt: 1,
      secretAccessKey: 'S',
    })
    for (const raw of ['', 'null', '[]', '{"accessKeyId":"A","secretAccessKey":"S","expiration":"2","obtainedAt":1}'])
      expect(parseCachedCredentials(raw), raw).to.equal(undefined)
  })

  it('the entry point routes credential-process to its fast path, --help to oclif', () => {
    expect(routeArgv(['credential-process', '--profile', 'p'])).to.deep.equal({
      args: ['--profile', 'p'],
      to: 'credential-process',
    })
    expect(routeArgv(['credential-process', '--help'])).to.deep.equal({to: 'oclif'})
  })
})
