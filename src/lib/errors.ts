/**
 * Typed failures. Every expected failure is a TerraceError carrying its exit code (the table in the README) and,
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

const FILE_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EISDIR: 'it is a directory where a file belongs',
  ELOOP: 'a symbolic link loop',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a file stands where a folder of this path belongs',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
}

const SYSCALL_VERBS: Record<string, string> = {
  access: 'reach',
  copyfile: 'write',
  lstat: 'reach',
  mkdir: 'create the folder',
  open: 'open',
  read: 'read',
  rename: 'write',
  rmdir: 'remove',
  scandir: 'list',
  stat: 'reach',
  unlink: 'remove',
  write: 'write',
}

/**
 * A file-system failure on one of terrace's or the user's files (TERRACE_HOME, ~/.aws, the project) as the typed
 * error the exit-code table gives it: VaultError (8) for the vault's files, ConfigError (4) for any other, naming
 * the path and what is wrong. Undefined for any other error.
 */
export function fileSystemError(error: unknown): TerraceError | undefined {
  if (error instanceof TerraceError || !(error instanceof Error)) return undefined
  const {code, path, syscall} = error as NodeJS.ErrnoException
  const problem = code === undefined ? undefined : FILE_PROBLEMS[code]
  if (!problem || typeof path !== 'string') return undefined
  const isVault = /(^|[/\\])vault[^/\\]*$/.test(path)
  const Kind = isVault ? VaultError : ConfigError
  return new Kind(`cannot ${SYSCALL_VERBS[syscall ?? ''] ?? 'use'} ${path}: ${problem}`, {
    cause: error,
    suggestion: `Fix ${path} or the folders above it (terrace needs to read and write there), or point ${
      isVault ? 'TERRACE_HOME' : 'TERRACE_HOME or AWS_CONFIG_FILE'
    } somewhere writable.`,
  })
}

/** The text printed for a failure: the message, then the fix on its own line. */
export function formatError(error: unknown, debug = false): string {
  error = fileSystemError(error) ?? error
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
  error = fileSystemError(error) ?? error
  if (error instanceof TerraceError) return error.exitCode
  const oclifExit = (error as {oclif?: {exit?: number}})?.oclif?.exit
  return typeof oclifExit === 'number' ? oclifExit : ExitCode.Unexpected
}
