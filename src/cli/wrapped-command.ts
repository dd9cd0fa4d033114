import {Flags, type Interfaces} from '@oclif/core'

import {type WrapKind, WRAPPER_OPTIONS} from '../runner/wrapper-options.js'

/**
 * The oclif flags `--help` documents for a wrapped command, from the runner's own option table (the runner parses
 * the raw argv itself, so the table is the one source of truth).
 */
export function wrapperFlags(kind: WrapKind): Interfaces.FlagInput {
  const flags: Interfaces.FlagInput = {}
  for (const spec of WRAPPER_OPTIONS) {
    if (!spec.kinds.includes(kind)) continue
    flags[spec.name] = spec.value
      ? Flags.string({description: spec.description, helpValue: spec.value})
      : Flags.boolean({description: spec.description})
  }

  return flags
}

/** `[--bin PATH] [--layers a,b,c] …` for the usage line. */
export function wrapperUsage(kind: WrapKind, rest: string): string {
  const options = WRAPPER_OPTIONS.filter((spec) => spec.kinds.includes(kind)).map((spec) =>
    spec.value ? `[--${spec.name} ${spec.value}]` : `[--${spec.name}]`,
  )
  return `<%= command.id %> ${options.join(' ')} ${rest}`
}

/** Runs a wrapped command from its raw argv, through the same service as the fast path in src/entry.ts. */
export async function runWrappedArgv(kind: WrapKind, argv: string[]): Promise<number> {
  const [{runWrapped}, {defaultWrapDeps}] = await Promise.all([
    import('../runner/wrap-service.js'),
    import('../runner/default-deps.js'),
  ])
  return runWrapped(kind, argv, defaultWrapDeps())
}
