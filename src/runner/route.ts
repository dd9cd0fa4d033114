/**
 * Which way a command line goes (pure, used by the entry point before anything heavy is imported): the hot
 * wrapped commands straight to the runner, everything else to oclif.
 */
import {credentialProcessInvocation} from '../lib/credential-process-invocation.js'
import {type ParsedWrapperArgs, parseWrapperArgs, type WrapKind} from './wrapper-options.js'

const HOT: ReadonlyMap<string, WrapKind> = new Map([
  ['aws', 'aws'],
  ['exec', 'exec'],
  ['terraform', 'terraform'],
  ['tf', 'terraform'],
  ['tofu', 'tofu'],
])

/** `terrace aws …` subcommands that are terrace's own (src/commands/aws/sso/*, src/commands/aws/configure/*). */
const RESERVED_AWS: ReadonlyArray<readonly [string, ReadonlySet<string>]> = [
  ['sso', new Set(['login', 'logout', 'refresh', 'status'])],
  ['configure', new Set(['sso'])],
]

export function isReservedAwsCommand(awsArgs: readonly string[]): boolean {
  const [first, second] = awsArgs
  return RESERVED_AWS.some(([group, names]) => first === group && second !== undefined && names.has(second))
}

/** `terrace aws sso --help`, `terrace aws configure -h`: terrace's help for the group, which holds its commands. */
export function isReservedAwsGroupHelp(awsArgs: readonly string[]): boolean {
  const [first, second] = awsArgs
  return (
    awsArgs.length === 2 && RESERVED_AWS.some(([group]) => first === group) && (second === '--help' || second === '-h')
  )
}

/**
 * To the runner, with terrace's options already split from the tool's arguments (`parsed`, handed to the runner so
 * argv is parsed once); no `parsed` when they do not parse: the runner parses `args` again to report the usage error.
 */
export interface RunnerRoute {
  args: string[]
  kind: WrapKind
  parsed?: ParsedWrapperArgs
  to: 'runner'
}

export type Route = RunnerRoute | {args: string[]; to: 'credential-process'} | {to: 'oclif'}

export function routeArgv(argv: readonly string[]): Route {
  const [name, ...args] = argv
  // run by AWS tools' credential_process, often many at once: the fast path in src/credential-process/
  if (name === 'credential-process') {
    const fast = credentialProcessInvocation(argv)
    return fast ? {args: fast, to: 'credential-process'} : {to: 'oclif'}
  }

  const kind = name === undefined ? undefined : HOT.get(name)
  if (!kind) return {to: 'oclif'}
  let parsed
  try {
    parsed = parseWrapperArgs(kind, args)
  } catch {
    return {args, kind, to: 'runner'} // the runner reports the usage error itself
  }

  if (parsed.help) return {to: 'oclif'}
  if (kind === 'aws' && (isReservedAwsCommand(parsed.toolArgs) || isReservedAwsGroupHelp(parsed.toolArgs))) {
    return {to: 'oclif'}
  }

  return {args, kind, parsed, to: 'runner'}
}
