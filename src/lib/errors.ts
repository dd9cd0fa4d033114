/**
 * Typed failures. Every expected failure is a TerraceError carrying the exit code DESIGN.md assigns and,
 * where there is one, the fix the user should apply. Commands throw them; the entry point prints the message
 * (no stack trace unless --debug / TERRACE_DEBUG) and exits with the code.
 */
export const ExitCode = {
  AwsRefused: 6,
  AwsUnreachable: 9,
  Config: 4,
  Interrupted: 130,
  MfaFailed: 7,
  NotFound: 127,
  NotInProject: 3,
  NotLoggedIn: 5,
  Unexpected: 1,
  Usage: 2,
  VaultUnavailable: 8,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

const TERRACE_ERROR = Symbol.for('terrace.error')

export class TerraceError extends Error {
  readonly exitCode: number
  readonly suggestion?: string
  /** the brand behind `instanceof TerraceError` (see below) */
  readonly [TERRACE_ERROR] = true

  constructor(message: string, options: {cause?: unknown; exitCode?: number; suggestion?: string} = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.exitCode = options.exitCode ?? ExitCode.Unexpected
    this.suggestion = options.suggestion
  }

  /**
   * `error instanceof TerraceError` holds for an error from any copy of this module: the credential-process bundle
   * (scripts/bundle.mjs) carries its own copy, while the modules it loads on demand throw from the regular one.
   * Subclasses (`instanceof NotLoggedInError`) keep the usual prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== TerraceError) return Function.prototype[Symbol.hasInstance].call(this, value)
    return typeof value === 'object' && value !== null && (value as {[TERRACE_ERROR]?: unknown})[TERRACE_ERROR] === true
  }
}

type Options = {cause?: unknown; suggestion?: string}

function kind(name: string, exitCode: number) {
  const Kind = class extends TerraceError {
    constructor(message: string, options: Options = {}) {
      super(message, {...options, exitCode})
    }
  }
  Object.defineProperty(Kind, 'name', {value: name})
  return Kind
}

export const UsageError = kind('UsageError', ExitCode.Usage)
export const NotInProjectError = kind('NotInProjectError', ExitCode.NotInProject)
export const ConfigError = kind('ConfigError', ExitCode.Config)
export const NotLoggedInError = kind('NotLoggedInError', ExitCode.NotLoggedIn)
export const AwsRefusedError = kind('AwsRefusedError', ExitCode.AwsRefused)
export const MfaError = kind('MfaError', ExitCode.MfaFailed)
export const VaultError = kind('VaultError', ExitCode.VaultUnavailable)
export const AwsUnreachableError = kind('AwsUnreachableError', ExitCode.AwsUnreachable)
export const BinaryNotFoundError = kind('BinaryNotFoundError', ExitCode.NotFound)
export const InterruptedError = kind('InterruptedError', ExitCode.Interrupted)

/** The text printed for a failure: the message, then the fix on its own line. */
export function formatError(error: unknown, debug = false): string {
  if (error instanceof TerraceError) {
    const lines = [`Error: ${error.message}`]
    if (error.suggestion) lines.push(`  ${error.suggestion}`)
    if (debug && error.stack) lines.push(error.stack)
    return lines.join('\n')
  }

  const err = error instanceof Error ? error : new Error(String(error))
  return debug ? String(err.stack) : `Error: ${err.message}\n  (run with --debug for the stack trace)`
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof TerraceError) return error.exitCode
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  return typeof oclifExit === 'number' ? oclifExit : ExitCode.Unexpected
}

export function isDebug(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--debug') || Boolean(env.TERRACE_DEBUG && env.TERRACE_DEBUG !== '0')
}
