/**
 * Terrace's own options on wrapped commands (`terrace tf --layers a,b plan`). They are long-form only and come
 * before the tool's first argument; from that argument on everything belongs to the tool. Adding an option is
 * one entry in WRAPPER_OPTIONS.
 */
import {UsageError} from '../lib/errors.js'

export type WrapKind = 'aws' | 'exec' | 'terraform' | 'tofu'

export interface OptionSpec {
  /** also recognised after the tool's subcommand (the older wrapper's `terraform plan --layers a,b`) */
  afterSubcommand?: boolean
  description: string
  /** wrapped commands that accept it */
  kinds: readonly WrapKind[]
  /** long name without the dashes */
  name: string
  /** takes a value (`--bin PATH` or `--bin=PATH`); otherwise a boolean switch */
  value?: string
}

const TF: readonly WrapKind[] = ['terraform', 'tofu']

const ALL: readonly WrapKind[] = ['terraform', 'tofu', 'aws', 'exec']

/**
 * `aws` accepts only `--credentials` and `--profile`: the AWS CLI's own `--debug`, `--output`… stay its own.
 * `terrace aws --profile NAME …` is terrace's: the named profile becomes the default credentials of the AWS CLI
 * (the AWS CLI's `--profile` after the subcommand still works, through the generated config file).
 */
export const WRAPPER_OPTIONS: readonly OptionSpec[] = [
  {
    description: 'terraform/tofu binary to run (default: TERRACE_TF_BIN, else the first on PATH)',
    kinds: TF,
    name: 'bin',
    value: 'PATH',
  },
  {
    afterSubcommand: true,
    description:
      'run in each of these layers (comma-separated, relative to the current folder; "all" = every enabled layer below it)',
    kinds: TF,
    name: 'layers',
    value: 'a,b,c',
  },
  {
    description: "with --layers: print the summary as JSON on stdout; the tool's output goes to stderr",
    kinds: TF,
    name: 'json',
  },
  {description: "show stack traces for terrace's own failures", kinds: ['terraform', 'tofu', 'exec'], name: 'debug'},
  {
    description:
      'how the command gets its AWS credentials: "endpoint" (default; a loopback endpoint that renews them while the command runs) or "env" (static AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN for tools that read nothing else; they cannot be renewed and stop working after at most 30 minutes)',
    kinds: ALL,
    name: 'credentials',
    value: 'endpoint|env',
  },
  {
    description:
      "the project profile to use as the command's default credentials (default: the layer's own profile); outside a project, a profile written by `terrace aws configure sso`",
    kinds: ALL,
    name: 'profile',
    value: 'NAME',
  },
  {
    description:
      "the role chain (`terrace chain add`) whose final role is the command's default credentials, renewed while it runs by re-walking the chain from cached intermediate hops",
    kinds: ['aws', 'exec'],
    name: 'chain',
    value: 'NAME',
  },
  {
    description:
      'MFA projects: the current code of your MFA device, for when a new MFA session is needed and nobody can be asked (also TERRACE_MFA_CODE); never passed to the command',
    kinds: ALL,
    name: 'mfa-code',
    value: 'CODE',
  },
]

/** `--credentials`, `--profile` and `--chain` as the credential broker takes them (UsageError for a bad mode). */
export function credentialOptions(options: WrapperOptions): {
  chain: null | string
  /** `--mfa-code`, or null */
  mfaCode: null | string
  mode: 'endpoint' | 'env'
  profile: null | string
} {
  const mode = options.credentials ?? 'endpoint'
  if (mode !== 'endpoint' && mode !== 'env') {
    throw new UsageError(`--credentials takes "endpoint" or "env", not "${mode === true ? '' : mode}"`)
  }

  const {profile} = options
  if (profile === '' || profile === true) throw new UsageError('--profile needs a profile name')
  const {chain} = options
  if (chain === '' || chain === true) throw new UsageError('--chain needs a chain name')
  if (chain !== undefined && profile !== undefined) {
    throw new UsageError('--chain and --profile cannot be combined', {
      suggestion: "--chain NAME makes the chain's final role the default credentials; drop one of them.",
    })
  }

  const mfaCode = options['mfa-code']
  if (mfaCode === '' || mfaCode === true) throw new UsageError('--mfa-code needs the code: --mfa-code 123456')
  return {chain: chain ?? null, mfaCode: mfaCode ?? null, mode, profile: profile ?? null}
}

export type WrapperOptions = Record<string, string | true>

export interface ParsedWrapperArgs {
  /** `--help`/`-h` came before the tool's first argument: terrace's own help was asked for */
  help: boolean
  options: WrapperOptions
  toolArgs: string[]
}

export function optionsFor(kind: WrapKind, table: readonly OptionSpec[] = WRAPPER_OPTIONS): OptionSpec[] {
  return table.filter((spec) => spec.kinds.includes(kind))
}

/** Reads `--name`, `--name=value` or `--name value` when `name` is in `specs`; undefined when it is not an option. */
function readOption(
  argv: readonly string[],
  index: number,
  specs: readonly OptionSpec[],
): undefined | {consumed: number; name: string; value: string | true} {
  const arg = argv[index]
  if (!arg.startsWith('--') || arg === '--') return undefined
  const eq = arg.indexOf('=')
  const name = arg.slice(2, eq === -1 ? undefined : eq)
  const spec = specs.find((s) => s.name === name)
  if (!spec) return undefined
  if (!spec.value) {
    if (eq !== -1) throw new UsageError(`--${name} takes no value (got "${arg}")`)
    return {consumed: 1, name, value: true}
  }

  if (eq !== -1) return {consumed: 1, name, value: arg.slice(eq + 1)}
  const next = argv[index + 1]
  if (next === undefined) throw new UsageError(`--${name} needs a value: --${name} ${spec.value}`)
  return {consumed: 2, name, value: next}
}

/**
 * Splits terrace's options from the tool's arguments. A leading `--` ends terrace's options and is dropped.
 * Anything else not in the table (`-chdir=x`, `--version`, `plan`) is the tool's first argument.
 */
export function parseWrapperArgs(
  kind: WrapKind,
  argv: readonly string[],
  table: readonly OptionSpec[] = WRAPPER_OPTIONS,
): ParsedWrapperArgs {
  const specs = optionsFor(kind, table)
  const options: WrapperOptions = {}
  let i = 0
  while (i < argv.length) {
    const arg = argv[i]
    if (arg === '--') return {help: false, options, toolArgs: argv.slice(i + 1)}
    if (arg === '--help' || arg === '-h') return {help: true, options, toolArgs: argv.slice(i + 1)}
    const found = readOption(argv, i, specs)
    if (!found) break
    options[found.name] = found.value
    i += found.consumed
  }

  return {help: false, options, toolArgs: argv.slice(i)}
}

/**
 * Takes out the options the table allows after the subcommand (`--layers x`, `--layers=x`) from the tool's
 * arguments; everything else stays, in order.
 */
export function extractLateOptions(
  kind: WrapKind,
  toolArgs: readonly string[],
  table: readonly OptionSpec[] = WRAPPER_OPTIONS,
): {options: WrapperOptions; rest: string[]} {
  const specs = optionsFor(kind, table).filter((s) => s.afterSubcommand)
  const options: WrapperOptions = {}
  const rest: string[] = []
  let i = 0
  while (i < toolArgs.length) {
    const found = readOption(toolArgs, i, specs)
    if (found) {
      options[found.name] = found.value
      i += found.consumed
    } else {
      rest.push(toolArgs[i])
      i++
    }
  }

  return {options, rest}
}

/** The help text of a wrapper option, for the oclif commands' flag lists. */
export function optionDescription(name: string): string {
  return WRAPPER_OPTIONS.find((spec) => spec.name === name)?.description ?? ''
}
