import {expect} from 'chai'

import {
  assembleTerraformArgs,
  injectedArgs,
  needsProject,
  positionals,
  splitTerraformArgs,
} from '../../src/runner/terraform-args.js'

const layerDir = '/p/apps-devstg/us-east-1/base'
const varFiles = [
  '/p/config/common.tfvars',
  '/p/apps-devstg/config/account.tfvars',
  '/p/apps-devstg/config/backend.tfvars',
]
const backendConfig = '/p/apps-devstg/config/backend.tfvars'
const VF = varFiles.map((f) => `-var-file=${f}`)
function build(args: string[]): string[] {
  const split = splitTerraformArgs(args)
  const injected = injectedArgs({backendConfig, layerDir, rest: split.rest, subcommand: split.subcommand, varFiles})
  return assembleTerraformArgs(split, injected)
}

describe('runner/terraform-args', () => {
  describe('splitTerraformArgs', () => {
    const cases: Array<
      [string[], {chdir: null | string; globals: string[]; rest: string[]; subcommand: null | string}]
    > = [
      [['plan', '-out=p'], {chdir: null, globals: [], rest: ['-out=p'], subcommand: 'plan'}],
      [['-chdir=a/b', 'plan'], {chdir: 'a/b', globals: ['-chdir=a/b'], rest: [], subcommand: 'plan'}],
      [['--chdir=x', 'init', '-upgrade'], {chdir: 'x', globals: ['--chdir=x'], rest: ['-upgrade'], subcommand: 'init'}],
      [['-chdir', 'x', 'plan'], {chdir: 'x', globals: ['-chdir', 'x'], rest: [], subcommand: 'plan'}],
      [['-version'], {chdir: null, globals: ['-version'], rest: [], subcommand: null}],
      [['state', 'list', '-id=x'], {chdir: null, globals: [], rest: ['list', '-id=x'], subcommand: 'state'}],
      [[], {chdir: null, globals: [], rest: [], subcommand: null}],
    ]
    for (const [args, expected] of cases) {
      it(`splits ${JSON.stringify(args)}`, () => expect(splitTerraformArgs(args)).to.deep.equal(expected))
    }
  })

  describe('injection and final arguments', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['init gets -backend-config', ['init', '-upgrade'], ['init', `-backend-config=${backendConfig}`, '-upgrade']],
      [
        'init with the same backend file given (relative path) gets nothing more',
        ['init', '-backend-config=../../config/backend.tfvars'],
        ['init', '-backend-config=../../config/backend.tfvars'],
      ],
      [
        'init with key=value backend config still gets the file',
        ['init', '-backend-config=key=x'],
        ['init', `-backend-config=${backendConfig}`, '-backend-config=key=x'],
      ],
      ['plan gets var files after the subcommand', ['plan', '-out=p'], ['plan', ...VF, '-out=p']],
      ['destroy', ['destroy'], ['destroy', ...VF]],
      ['refresh', ['refresh'], ['refresh', ...VF]],
      ['console', ['console'], ['console', ...VF]],
      [
        'import gets var files before its own args',
        ['import', 'aws_s3_bucket.b', 'my-bucket'],
        ['import', ...VF, 'aws_s3_bucket.b', 'my-bucket'],
      ],
      ['apply gets var files', ['apply', '-auto-approve'], ['apply', ...VF, '-auto-approve']],
      ['apply of a saved plan file gets nothing', ['apply', 'plan.tfplan'], ['apply', 'plan.tfplan']],
      [
        'apply of a saved plan that does not exist (yet) gets nothing: any positional of apply is a plan',
        ['apply', 'nope.tfplan'],
        ['apply', 'nope.tfplan'],
      ],
      [
        'apply of a plan with options around it gets nothing',
        ['apply', '-lock=false', '-input=false', 'out/plan'],
        ['apply', '-lock=false', '-input=false', 'out/plan'],
      ],
      [
        'apply with -var-file VALUE (space) is not taken as a plan file',
        ['apply', '-var-file', 'my.tfvars'],
        ['apply', ...VF, '-var-file', 'my.tfvars'],
      ],
      [
        'a user -var-file comes after the injected ones (user wins)',
        ['plan', '-var-file=my.tfvars'],
        ['plan', ...VF, '-var-file=my.tfvars'],
      ],
      [
        'a file the user already passed is not injected again',
        ['plan', '-var-file=../../config/account.tfvars'],
        ['plan', VF[0], VF[2], '-var-file=../../config/account.tfvars'],
      ],
      [
        'the same file given as an absolute path, double-dash form',
        ['plan', '--var-file=/p/config/common.tfvars'],
        ['plan', VF[1], VF[2], '--var-file=/p/config/common.tfvars'],
      ],
      ['output gets nothing', ['output', '-json'], ['output', '-json']],
      ['show gets nothing', ['show'], ['show']],
      ['state gets nothing', ['state', 'list'], ['state', 'list']],
      ['fmt gets nothing', ['fmt', '-recursive'], ['fmt', '-recursive']],
      ['version gets nothing', ['version'], ['version']],
      ['providers gets nothing', ['providers'], ['providers']],
      ['validate gets nothing', ['validate', '-json'], ['validate', '-json']],
      ['-chdir stays first', ['-chdir=x', 'plan'], ['-chdir=x', 'plan', ...VF]],
      [
        '-json and --help pass verbatim',
        ['plan', '-json', '--help', '-lock=false'],
        ['plan', ...VF, '-json', '--help', '-lock=false'],
      ],
      ['global -help alone', ['-help'], ['-help']],
    ]
    for (const [name, args, expected] of cases) {
      it(name, () => expect(build(args)).to.deep.equal(expected))
    }

    it('injects nothing for init when the account has no backend.tfvars', () => {
      const injected = injectedArgs({backendConfig: null, layerDir, rest: [], subcommand: 'init', varFiles})
      expect(injected).to.deep.equal([])
    })
  })

  it('finds positionals, skipping values of options that take the next argument', () => {
    expect(positionals(['-var', 'a=b', '-target', 'x', '-auto-approve', 'p.tfplan', '-var-file=f'])).to.deep.equal([
      'p.tfplan',
    ])
  })

  it('says which subcommands need a project', () => {
    expect(needsProject({subcommand: 'plan'})).to.equal(true)
    expect(needsProject({subcommand: 'output'})).to.equal(true)
    expect(needsProject({subcommand: 'version'})).to.equal(false)
    expect(needsProject({subcommand: 'fmt'})).to.equal(false)
    expect(needsProject({subcommand: null})).to.equal(false)
  })
})
