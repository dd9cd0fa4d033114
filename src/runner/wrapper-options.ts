/**
 * Terrace's own options on wrapped commands (`terrace tf --layers a,b plan`). They are long-form only and come
 * before the tool's first argument; from that argument on everything belongs to the tool, except, in a
 * terraform/tofu command line, the names terraform never uses (`afterSubcommand`), which are terrace's wherever
 * they stand. Adding an option is one entry in WRAPPER_OPTIONS.
 */
import {UsageError} from '../lib/errors.js'

export type WrapKind = 'aws' | 'exec' | 'terraform' | 'tofu'

export interface OptionSpec {
  /**
   * a name terraform/tofu never use: in a terraform/tofu command line it is terrace's also after the subcommand
   * (`terrace tf plan --profile x`), and an error there when the option is not for terraform/tofu
   */
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
    afterSubcommand: true,
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
    description:
      "with --layers: print the summary as JSON on stdout; the tool's output goes to stderr. Only before the subcommand: after it, --json is terraform's own (terrace tf output --json)",
    kinds: TF,
    name: 'json',
  },
  {
    afterSubcommand: true,
    description: "show stack traces for terrace's own failures (also TERRACE_DEBUG=1)",
    kinds: ['terraform', 'tofu', 'exec'],
    name: 'debug',
  },
  {
    afterSubcommand: true,
    description:
      'how the command gets its AWS credentials: "endpoint" (default; a loopback endpoint that renews them while the command runs) or "env" (static AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN for tools that read nothing else; they cannot be renewed and stop working after at most 30 minutes)',
    kinds: ALL,
    name: 'credentials',
    value: 'endpoint|env',
  },
  {
    afterSubcommand: true,
    description:
      "the project profile to use as the command's default credentials (default: the layer's own profile); outside a project, a profile written by `terrace aws configure sso`",
    kinds: ALL,
    name: 'profile',
    value: 'NAME',
  },
  {
    afterSubcommand: true,
    description:
      "the role chain (`terrace chain add`) whose final role is the command's default credentials, renewed while it runs by re-walking the chain from cached intermediate hops",
    kinds: ['aws', 'exec'],
    name: 'chain',
    value: 'NAME',
  },
  {
    afterSubcommand: true,
    description:
      "the workspace session (`terrace session add`) whose credentials are the command's default credentials, renewed while it runs",
    kinds: ['aws', 'exec'],
    name: 'session',
    value: 'NAME',
  },
  {
    afterSubcommand: true,
    description:
      'MFA projects: the current code of your MFA device, for when a new MFA session is needed and nobody can be asked; never passed to the command. A command-line argument is visible to every local user in the process list: prefer the TERRACE_MFA_CODE environment variable',
    kinds: ALL,
    name: 'mfa-code',
    value: 'CODE',
  },
]

/** `--credentials`, `--profile`, `--chain` and `--session` as the credential broker takes them (UsageError for a bad mode). */
export function credentialOptions(options: WrapperOptions): {
  chain: null | string
  /** `--mfa-code`, or null */
  mfaCode: null | string
  mode: 'endpoint' | 'env'
  profile: null | string
  session: null | string
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

  const session = sessionOption(options)
  const mfaCode = options['mfa-code']
  if (mfaCode === '' || mfaCode === true) throw new UsageError('--mfa-code needs the code: --mfa-code 123456')
  return {chain: chain ?? null, mfaCode: mfaCode ?? null, mode, profile: profile ?? null, session: session ?? null}
}

/** `--session NAME`, alone: with --chain or --profile it is a UsageError (each names the default credentials). */
function sessionOption(options: WrapperOptions): string | undefined {
  const {chain, profile, session} = options
  if (session === '' || session === true) throw new UsageError('--session needs a session name')
  if (session !== undefined && (chain !== undefined || profile !== undefined)) {
    throw new UsageError(`--session and --${chain === undefined ? 'profile' : 'chain'} cannot be combined`, {
      suggestion: "--session NAME makes the session's credentials the default credentials; drop one of them.",
    })
  }

  return session
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
 * The tool's own long options that may come before its first argument; for these kinds any other unknown
 * `--option` there is a usage error (a typo of terrace's options must not reach the tool silently). The AWS CLI's
 * global options (`--region`, `--debug`…) are many and all pass through.
 */
const TOOL_GLOBALS: Partial<Record<WrapKind, ReadonlySet<string>>> = {
  exec: new Set(),
  terraform: new Set(['chdir', 'version']),
  tofu: new Set(['chdir', 'version']),
}

/** `--bogus` before the tool's first argument, for the kinds that check them (TOOL_GLOBALS). */
function unknownOption(kind: WrapKind, arg: string, table: readonly OptionSpec[]): Error | undefined {
  const globals = TOOL_GLOBALS[kind]
  if (!globals || !arg.startsWith('--') || arg === '--') return undefined
  const name = arg.slice(2).split('=')[0]
  if (globals.has(name)) return undefined
  const misplaced = notForKind(kind, name, table)
  if (misplaced) return misplaced
  const own = optionsFor(kind, table).map((spec) => `--${spec.name}`)
  const where =
    kind === 'exec'
      ? `Put the command after "--": terrace exec -- <command> ${arg}`
      : `${kind}'s own options go after the subcommand: terrace ${kind === 'terraform' ? 'tf' : kind} plan ${arg}`
  return new UsageError(`unknown option ${arg} for terrace ${kind}`, {
    suggestion: `terrace's options here: ${own.join(', ')}, --help. ${where}`,
  })
}

/** A terrace option used with a wrapped command it is not for (`terrace tf --chain x plan`), or undefined. */
function notForKind(kind: WrapKind, name: string, table: readonly OptionSpec[]): Error | undefined {
  const spec = table.find((s) => s.name === name)
  if (!spec || spec.kinds.includes(kind)) return undefined
  return new UsageError(`--${name} is not an option of terrace ${kind}`, {
    suggestion: `--${name} works with ${spec.kinds.map((k) => `terrace ${k}`).join(' and ')}.`,
  })
}

/**
 * Splits terrace's options from the tool's arguments. A leading `--` ends terrace's options and is dropped.
 * Anything else not in the table (`-chdir=x`, `plan`) is the tool's first argument; an unknown `--option` there is
 * a usage error for terraform/tofu (other than their `--version`/`--chdir`) and exec.
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
    if (!found) {
      const unknown = unknownOption(kind, arg, table)
      if (unknown) throw unknown
      break
    }

    options[found.name] = found.value
    i += found.consumed
  }

  return {help: false, options, toolArgs: argv.slice(i)}
}

/**
 * Takes terrace's options out of the arguments after a terraform/tofu subcommand (`--profile x`, `--layers=x`):
 * the names terraform never uses (`afterSubcommand`) are terrace's wherever they stand. Everything else stays,
 * in order, `--json` included (terraform's own `-json`).
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
      continue
    }

    const arg = toolArgs[i]
    const lateNames = table.filter((s) => s.afterSubcommand)
    const misplaced = arg.startsWith('--') ? notForKind(kind, arg.slice(2).split('=')[0], lateNames) : undefined
    if (misplaced) throw misplaced
    rest.push(arg)
    i++
  }

  return {options, rest}
}

/** The help text of a wrapper option, for the oclif commands' flag lists. */
export function optionDescription(name: string): string {
  return WRAPPER_OPTIONS.find((spec) => spec.name === name)?.description ?? ''
}
