import {expect} from 'chai'

import {extractLateOptions, type OptionSpec, parseWrapperArgs} from '../../src/runner/wrapper-options.js'
import {thrown} from '../helpers/errors.js'

describe('runner/wrapper-options', () => {
  const cases: Array<[string, Parameters<typeof parseWrapperArgs>[0], string[], ReturnType<typeof parseWrapperArgs>]> =
    [
      ['no options', 'terraform', ['plan', '-out=p'], {help: false, options: {}, toolArgs: ['plan', '-out=p']}],
      [
        'options before the first tool argument',
        'terraform',
        ['--bin', '/x/tf', '--layers=a,b', '--json', 'plan', '--json'],
        {help: false, options: {bin: '/x/tf', json: true, layers: 'a,b'}, toolArgs: ['plan', '--json']},
      ],
      [
        "an unknown long option is the tool's first argument",
        'terraform',
        ['--version', '--bin', 'x'],
        {help: false, options: {}, toolArgs: ['--version', '--bin', 'x']},
      ],
      [
        "single-dash is the tool's",
        'terraform',
        ['-chdir=x', 'plan'],
        {help: false, options: {}, toolArgs: ['-chdir=x', 'plan']},
      ],
      [
        '-- ends terrace options',
        'exec',
        ['--debug', '--', 'ls', '--debug'],
        {help: false, options: {debug: true}, toolArgs: ['ls', '--debug']},
      ],
      ['--help before the tool is terrace help', 'terraform', ['--help'], {help: true, options: {}, toolArgs: []}],
      ['-h too', 'terraform', ['--bin=x', '-h'], {help: true, options: {bin: 'x'}, toolArgs: []}],
      [
        "--help after the subcommand is the tool's",
        'terraform',
        ['plan', '--help'],
        {help: false, options: {}, toolArgs: ['plan', '--help']},
      ],
      [
        "aws takes none of terraform's options",
        'aws',
        ['--debug', 's3', 'ls'],
        {help: false, options: {}, toolArgs: ['--debug', 's3', 'ls']},
      ],
    ]
  for (const [name, kind, argv, expected] of cases) {
    it(name, () => expect(parseWrapperArgs(kind, argv)).to.deep.equal(expected))
  }

  it('rejects a value option without a value, and a value on a switch', () => {
    expect(() => parseWrapperArgs('terraform', ['--bin'])).to.throw(/--bin needs a value/)
    expect(() => parseWrapperArgs('terraform', ['--json=yes', 'plan'])).to.throw(/takes no value/)
    expect(thrown<{exitCode: number}>(() => parseWrapperArgs('terraform', ['--layers'])).exitCode).to.equal(2)
  })

  it('adding an option is one table entry', () => {
    const table: OptionSpec[] = [{description: 'd', kinds: ['aws'], name: 'profile', value: 'NAME'}]
    expect(parseWrapperArgs('aws', ['--profile', 'p', 'sts', 'get-caller-identity'], table)).to.deep.equal({
      help: false,
      options: {profile: 'p'},
      toolArgs: ['sts', 'get-caller-identity'],
    })
  })

  it('takes --layers out of the arguments after the subcommand, both spellings', () => {
    expect(extractLateOptions('terraform', ['-out=p', '--layers', 'a,b', '-lock=false'])).to.deep.equal({
      options: {layers: 'a,b'},
      rest: ['-out=p', '-lock=false'],
    })
    expect(extractLateOptions('terraform', ['--layers=x', '--json', '-json'])).to.deep.equal({
      options: {layers: 'x'},
      rest: ['--json', '-json'],
    })
  })

  it("takes terrace's names terraform never uses out of the arguments after the subcommand", () => {
    const late = ['-out=p', '--profile', 'x', '--credentials=env', '--bin', '/b/tf', '--mfa-code', '123456', '--debug']
    expect(extractLateOptions('terraform', late)).to.deep.equal({
      options: {bin: '/b/tf', credentials: 'env', debug: true, 'mfa-code': '123456', profile: 'x'},
      rest: ['-out=p'],
    })
    expect(extractLateOptions('tofu', ['-var', 'a=b', '--profile=y'])).to.deep.equal({
      options: {profile: 'y'},
      rest: ['-var', 'a=b'],
    })
  })

  it('refuses --chain anywhere in a terraform command line, naming the commands it is for', () => {
    expect(() => extractLateOptions('terraform', ['--chain', 'ops'])).to.throw(
      /--chain is not an option of terrace terraform/,
    )
    expect(thrown(() => parseWrapperArgs('terraform', ['--chain=ops', 'plan']))).to.include({exitCode: 2})
    expect(thrown(() => parseWrapperArgs('exec', ['--layers', 'a', 'ls']))).to.include({
      message: '--layers is not an option of terrace exec',
    })
  })

  it('refuses an unknown --option before the subcommand, naming it (terraform, tofu, exec)', () => {
    for (const kind of ['terraform', 'tofu', 'exec'] as const) {
      const error = thrown(() => parseWrapperArgs(kind, ['--bogus', 'plan']))
      expect(error).to.include({exitCode: 2})
      expect(String((error as Error).message)).to.include('--bogus')
    }

    expect(thrown(() => parseWrapperArgs('terraform', ['--bin=x', '--bogus=1', 'plan']))).to.include({exitCode: 2})
    // terraform's own globals in double-dash form, and anything after the subcommand, stay terraform's
    expect(parseWrapperArgs('terraform', ['--chdir=x', 'plan', '--bogus']).toolArgs).to.deep.equal([
      '--chdir=x',
      'plan',
      '--bogus',
    ])
    // the AWS CLI's global options pass through
    expect(parseWrapperArgs('aws', ['--region', 'eu-west-1', 's3', 'ls']).toolArgs[0]).to.equal('--region')
  })
})
