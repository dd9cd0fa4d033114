import {expect} from 'chai'

import {isReservedAwsCommand, routeArgv} from '../../src/runner/route.js'

/** terrace's options split from the tool's arguments, as the route hands them to the runner (parsed once) */
const split = (toolArgs: string[], options: Record<string, string | true> = {}) => ({help: false, options, toolArgs})

describe('runner/route', () => {
  const cases: Array<[string[], ReturnType<typeof routeArgv>]> = [
    [['tf', 'plan'], {args: ['plan'], kind: 'terraform', parsed: split(['plan']), to: 'runner'}],
    [
      ['terraform', '--layers', 'a', 'plan'],
      {
        args: ['--layers', 'a', 'plan'],
        kind: 'terraform',
        parsed: split(['plan'], {layers: 'a'}),
        to: 'runner',
      },
    ],
    [['tofu', 'version'], {args: ['version'], kind: 'tofu', parsed: split(['version']), to: 'runner'}],
    [
      ['tf', 'plan', '--help'],
      {args: ['plan', '--help'], kind: 'terraform', parsed: split(['plan', '--help']), to: 'runner'},
    ],
    [['tf', '--help'], {to: 'oclif'}],
    [['tf', '--bin', 'x', '-h'], {to: 'oclif'}],
    [['exec', '--', 'ls', '-l'], {args: ['--', 'ls', '-l'], kind: 'exec', parsed: split(['ls', '-l']), to: 'runner'}],
    [['exec', '--help'], {to: 'oclif'}],
    [
      ['aws', 'sso', 'list-accounts'],
      {args: ['sso', 'list-accounts'], kind: 'aws', parsed: split(['sso', 'list-accounts']), to: 'runner'},
    ],
    [
      ['aws', 'configure', 'list'],
      {args: ['configure', 'list'], kind: 'aws', parsed: split(['configure', 'list']), to: 'runner'},
    ],
    [['aws', 'sso', 'login'], {to: 'oclif'}],
    [['aws', 'sso', 'logout'], {to: 'oclif'}],
    [['aws', 'sso', 'status'], {to: 'oclif'}],
    [['aws', 'sso', 'refresh'], {to: 'oclif'}],
    [['aws', 'configure', 'sso'], {to: 'oclif'}],
    [['aws', '--help'], {to: 'oclif'}],
    [['aws', 'sso', '--help'], {to: 'oclif'}],
    [['aws', 'configure', '-h'], {to: 'oclif'}],
    [
      ['aws', 'sso', 'list-accounts', '--help'],
      {
        args: ['sso', 'list-accounts', '--help'],
        kind: 'aws',
        parsed: split(['sso', 'list-accounts', '--help']),
        to: 'runner',
      },
    ],
    [['aws', 's3', '--help'], {args: ['s3', '--help'], kind: 'aws', parsed: split(['s3', '--help']), to: 'runner'}],
    [['login'], {to: 'oclif'}],
    [['-v'], {to: 'oclif'}],
    [['layer', 'info'], {to: 'oclif'}],
    [['constructor'], {to: 'oclif'}],
    [[], {to: 'oclif'}],
    // terrace's options do not parse: the runner parses again to report the usage error
    [['tf', '--bin'], {args: ['--bin'], kind: 'terraform', to: 'runner'}],
  ]
  for (const [argv, expected] of cases) {
    it(`routes ${JSON.stringify(argv)}`, () => expect(routeArgv(argv)).to.deep.equal(expected))
  }

  it('reserves only sso login|logout|status|refresh and configure sso', () => {
    expect(isReservedAwsCommand(['sso', 'login', '--profile', 'x'])).to.equal(true)
    expect(isReservedAwsCommand(['sso'])).to.equal(false)
    expect(isReservedAwsCommand(['sso', 'get-role-credentials'])).to.equal(false)
    expect(isReservedAwsCommand(['configure', 'get', 'region'])).to.equal(false)
    expect(isReservedAwsCommand(['s3', 'ls'])).to.equal(false)
  })
})
