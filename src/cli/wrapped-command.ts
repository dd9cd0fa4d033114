import {Flags} from '@oclif/core'

import type {WrapKind} from '../runner/wrapper-options.js'

import {optionDescription} from '../runner/wrapper-options.js'

/** The flags `terrace terraform|tf|tofu --help` documents (the runner parses the raw argv itself). */
export function terraformFlags(tool: 'terraform' | 'tofu') {
  return {
    bin: Flags.string({description: `${tool} binary to run (default: TERRACE_TF_BIN, else ${tool} on PATH)`}),
    credentials: Flags.string({description: optionDescription('credentials'), options: ['endpoint', 'env']}),
    debug: Flags.boolean({description: "show stack traces for terrace's own failures"}),
    json: Flags.boolean({
      description: `with --layers: print the summary as JSON on stdout; ${tool}'s output goes to stderr`,
    }),
    layers: Flags.string({
      description:
        'run in each layer, in order, stopping at the first failure (comma-separated paths relative to the current folder; "all" = every enabled layer below it)',
    }),
    profile: Flags.string({description: optionDescription('profile')}),
  }
}

export const terraformUsage = (tool: 'terraform' | 'tofu') =>
  `<%= command.id %> [--bin PATH] [--layers a,b,c [--json]] [--profile NAME] [--credentials endpoint|env] <${tool} arguments…>`

/** Runs a wrapped command from its raw argv, through the same service as the fast path in src/entry.ts. */
export async function runWrappedArgv(kind: WrapKind, argv: string[]): Promise<number> {
  const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
    import('../runner/wrap-service.js'),
    import('../runner/default-deps.js'),
  ])
  return runWrapped(kind, argv, defaultWrapDeps())
}
