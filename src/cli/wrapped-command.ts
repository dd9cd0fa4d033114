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

export {runWrappedArgv} from '../runner/run-wrapped-argv.js'
