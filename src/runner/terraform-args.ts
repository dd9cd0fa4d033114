/**
 * Terraform/OpenTofu argument handling (pure): where the subcommand is, which files terrace injects for it,
 * and the final argument list. Rules as in the Leverage wrapper: injected arguments go right
 * after the subcommand so the user's own `-var-file` wins; a file the user already passed is not injected
 * again; a global `-chdir=DIR` makes DIR the layer.
 */
import {isAbsolute, resolve} from 'node:path'

export interface TerraformArgs {
  /** `-chdir=DIR` (or `-chdir DIR`) among the global options, as written */
  chdir: null | string
  /** global options before the subcommand (`-chdir=x`, `-help`, `-version`) */
  globals: string[]
  /** everything after the subcommand, verbatim */
  rest: string[]
  subcommand: null | string
}

export function splitTerraformArgs(args: readonly string[]): TerraformArgs {
  const globals: string[] = []
  let chdir: null | string = null
  let i = 0
  while (i < args.length && args[i].startsWith('-')) {
    const arg = args[i]
    const match = /^--?chdir(?:=(.*))?$/.exec(arg)
    if (match) {
      if (match[1] === undefined && i + 1 < args.length) {
        chdir = args[i + 1]
        globals.push(arg, args[i + 1])
        i += 2
        continue
      }

      chdir = match[1] ?? null
    }

    globals.push(arg)
    i++
  }

  if (i >= args.length) return {chdir, globals, rest: [], subcommand: null}
  return {chdir, globals, rest: args.slice(i + 1), subcommand: args[i]}
}

export type Injection = 'backend-config' | 'none' | 'var-files'

const VAR_FILE_COMMANDS = new Set(['apply', 'console', 'destroy', 'import', 'plan', 'refresh'])

export function injectionKind(subcommand: null | string): Injection {
  if (subcommand === 'init') return 'backend-config'
  if (subcommand && VAR_FILE_COMMANDS.has(subcommand)) return 'var-files'
  return 'none'
}

/**
 * Subcommands that run without a project: they inject nothing and need no credentials, so `terrace tf version`
 * or `terrace tf fmt -recursive` work anywhere, as does plain `terrace tf -help`.
 */
const PROJECTLESS_COMMANDS = new Set(['fmt', 'help', 'version'])

export function needsProject(split: Pick<TerraformArgs, 'subcommand'>): boolean {
  return split.subcommand !== null && !PROJECTLESS_COMMANDS.has(split.subcommand)
}

/** Options of plan/apply/destroy/import/refresh/console that take their value as the next argument. */
const VALUE_OPTIONS = new Set([
  'backup',
  'config',
  'generate-config-out',
  'lock-timeout',
  'out',
  'parallelism',
  'provider',
  'replace',
  'state',
  'state-out',
  'target',
  'var',
  'var-file',
])

function optionName(arg: string): null | string {
  const match = /^--?([^=]+)(=.*)?$/.exec(arg)
  return match ? match[1] : null
}

/** Values of `-name=v`, `--name=v`, `-name v` in `args`. */
export function optionValues(args: readonly string[], name: string): string[] {
  const values: string[] = []
  for (let i = 0; i < args.length; i++) {
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(args[i])
    if (!match || match[1] !== name) continue
    if (match[2] !== undefined) values.push(match[2])
    else if (i + 1 < args.length) values.push(args[++i])
  }

  return values
}

/** Positional arguments: not options and not the value of an option that takes the next argument. */
export function positionals(args: readonly string[]): string[] {
  const found: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (arg.startsWith('-') && arg !== '-') {
      const name = optionName(arg)
      if (name && !arg.includes('=') && VALUE_OPTIONS.has(name)) i++
      continue
    }

    found.push(arg)
  }

  return found
}

export interface InjectionInput {
  backendConfig: null | string
  /** absolute directory terraform runs in (the layer); relative paths the user gave resolve against it */
  layerDir: string
  /** the user's arguments after the subcommand */
  rest: readonly string[]
  subcommand: null | string
  varFiles: readonly string[]
}

const absoluteIn = (dir: string, path: string) => (isAbsolute(path) ? resolve(path) : resolve(dir, path))

/**
 * The arguments terrace adds after the subcommand. A positional argument of `apply` is a saved plan (it may not
 * exist yet when the command line is built): a saved plan carries its variables, so nothing is injected.
 */
export function injectedArgs(input: InjectionInput): string[] {
  const {backendConfig, layerDir, rest, subcommand, varFiles} = input
  switch (injectionKind(subcommand)) {
    case 'backend-config': {
      if (!backendConfig) return []
      const given = new Set(optionValues(rest, 'backend-config').map((p) => absoluteIn(layerDir, p)))
      return given.has(resolve(backendConfig)) ? [] : [`-backend-config=${backendConfig}`]
    }

    case 'none': {
      return []
    }

    case 'var-files': {
      if (subcommand === 'apply' && positionals(rest).length > 0) return []
      const given = new Set(optionValues(rest, 'var-file').map((p) => absoluteIn(layerDir, p)))
      return varFiles.filter((file) => !given.has(resolve(file))).map((file) => `-var-file=${file}`)
    }
  }
}

/** globals, subcommand, injected, then the user's own arguments. */
export function assembleTerraformArgs(split: TerraformArgs, injected: readonly string[]): string[] {
  if (split.subcommand === null) return [...split.globals]
  return [...split.globals, split.subcommand, ...injected, ...split.rest]
}
