/**
 * The one service behind `terrace terraform|tf|tofu|aws|exec`, called both by the fast entry point and by the
 * oclif commands. It knows nothing about oclif: argv in, exit code out, typed errors thrown.
 */
import {join, relative, resolve} from 'node:path'

import type {LayerContext} from '../layers/types.js'
import type {ChildEnvironmentFactory, ChildTarget} from './child-environment.js'
import type {ChildResult, ChildSpec, SignalSource} from './child.js'

import {ExitCode, exitCodeOf, formatError, NotInProjectError, UsageError} from '../lib/errors.js'
import {terraceEnv} from '../lib/terrace-env.js'
import {awsBinary, type ConfiguredBinary, execBinary, resolveBinary, terraformBinary} from './binary.js'
import {formatSummaryJson, formatSummaryTable, type LayerOutcome} from './layers-summary.js'
import {isReservedAwsCommand} from './route.js'
import {
  assembleTerraformArgs,
  injectedArgs,
  needsProject,
  splitTerraformArgs,
  type TerraformArgs,
} from './terraform-args.js'
import {
  credentialOptions,
  extractLateOptions,
  type ParsedWrapperArgs,
  parseWrapperArgs,
  type WrapKind,
  type WrapperOptions,
} from './wrapper-options.js'

type CredentialOptions = ChildTarget['credentialOptions']

export interface Output {
  write(chunk: string): unknown
}

export interface WrapDeps {
  cwd: string
  env: NodeJS.ProcessEnv
  environmentFor: ChildEnvironmentFactory
  isDirectory(path: string): boolean
  /** every layer under dir; a folder it cannot read is passed to onUnreadable and skipped */
  listLayers(
    dir: string,
    onUnreadable?: (path: string, error: NodeJS.ErrnoException) => void,
  ): Promise<Array<{disabled: boolean; path: string}>>
  now(): number
  /** the binary the project's terrace.json names for a tool, or null (no project, no terrace.json, not named) */
  projectBinary(tool: 'aws' | 'terraform' | 'tofu', cwd: string): Promise<ConfiguredBinary | null>
  resolveContext(cwd: string, options?: {env?: NodeJS.ProcessEnv}): Promise<LayerContext>
  runChild(spec: ChildSpec): Promise<ChildResult>
  signals: SignalSource
  stderr: Output
  stdinIsTTY: boolean
  stdout: Output
}

/** A wrapped command from its argv, or from argv already parsed (the entry point's route: argv is parsed once). */
export async function runWrapped(
  kind: WrapKind,
  argv: ParsedWrapperArgs | readonly string[],
  deps: WrapDeps,
): Promise<number> {
  const parsed = isParsed(argv) ? argv : parseWrapperArgs(kind, argv)
  if (parsed.help) throw new UsageError(`terrace's help for this command: terrace ${kind} --help`)
  switch (kind) {
    case 'aws': {
      return runAws(parsed.toolArgs, credentialOptions(parsed.options), deps)
    }

    case 'exec': {
      return runExec(parsed.toolArgs, credentialOptions(parsed.options), deps)
    }

    case 'terraform':
    case 'tofu': {
      return runTerraform(kind, parsed.options, parsed.toolArgs, deps)
    }
  }
}

function isParsed(argv: ParsedWrapperArgs | readonly string[]): argv is ParsedWrapperArgs {
  return !Array.isArray(argv)
}

/** Terraform commands that never talk to AWS: they run without credentials and without a login. */
const OFFLINE_TERRAFORM = new Set(['fmt', 'help', 'providers', 'validate', 'version'])

export function terraformNeedsCredentials(split: TerraformArgs): boolean {
  if (split.subcommand === null || OFFLINE_TERRAFORM.has(split.subcommand)) return false
  return !split.rest.some((arg) => /^--?(h|help)$/.test(arg))
}

/** `aws`, `aws --version`, `aws … help`: the AWS CLI answers them without AWS. */
export function awsNeedsCredentials(args: readonly string[]): boolean {
  return args.length > 0 && !args.includes('--version') && args.at(-1) !== 'help'
}

/** The context of the folder aws/exec run in; null outside a project (they then run with the caller's env). */
async function optionalContext(deps: WrapDeps): Promise<LayerContext | null> {
  try {
    const context = await deps.resolveContext(deps.cwd, {env: deps.env})
    warnIfDisabled(context, deps)
    return context
  } catch (error) {
    if (error instanceof NotInProjectError) return null
    throw error
  }
}

async function runAws(args: string[], credentials: CredentialOptions, deps: WrapDeps): Promise<number> {
  if (isReservedAwsCommand(args)) {
    throw new UsageError(
      `"terrace aws ${args.slice(0, 2).join(' ')}" is terrace's own command and this build lacks it`,
      {
        suggestion: 'Run the AWS CLI directly for now, or update terrace.',
      },
    )
  }

  const configured = terraceEnv(deps.env).awsBin ? null : await deps.projectBinary('aws', deps.cwd)
  const command = await resolveBinary(awsBinary(deps.env, configured), deps.env, deps.cwd)
  const needsCredentials = awsNeedsCredentials(args)
  const context = needsCredentials ? await optionalContext(deps) : null
  const run = {args, command, context, credentials, cwd: deps.cwd, kind: 'aws' as const, needsCredentials}
  return (await runOne(deps, run)).exitCode
}

async function runExec(args: string[], credentials: CredentialOptions, deps: WrapDeps): Promise<number> {
  const [name, ...rest] = args
  if (name === undefined) {
    throw new UsageError('exec needs a command to run', {
      suggestion: 'Example: terrace exec -- aws sts get-caller-identity',
    })
  }

  const command = await resolveBinary(execBinary(name), deps.env, deps.cwd)
  const context = await optionalContext(deps)
  const run = {args: rest, command, context, credentials, cwd: deps.cwd, kind: 'exec' as const, needsCredentials: true}
  return (await runOne(deps, run)).exitCode
}

async function runOne(
  deps: WrapDeps,
  run: {
    args: string[]
    command: string
    context: LayerContext | null
    credentials: CredentialOptions
    cwd: string
    kind: WrapKind
    needsCredentials: boolean
    stdout?: 'inherit' | 'stderr'
  },
): Promise<ChildResult> {
  const environment = await deps.environmentFor({
    args: run.args,
    context: run.context,
    credentialOptions: run.credentials,
    cwd: run.cwd,
    kind: run.kind,
    needsCredentials: run.needsCredentials,
  })
  return deps.runChild({
    args: run.args,
    command: run.command,
    cwd: run.cwd,
    env: deps.env,
    environment,
    signals: deps.signals,
    stdinIsTTY: deps.stdinIsTTY,
    stdout: run.stdout,
  })
}

async function runTerraform(
  kind: 'terraform' | 'tofu',
  early: WrapperOptions,
  toolArgs: string[],
  deps: WrapDeps,
): Promise<number> {
  if (toolArgs.length === 0) {
    throw new UsageError(`no ${kind} command given`, {
      suggestion: `Example: terrace ${kind === 'tofu' ? 'tofu' : 'tf'} plan   (terrace ${kind} --help for terrace's options)`,
    })
  }

  const first = splitTerraformArgs(toolArgs)
  const late = extractLateOptions(kind, first.rest)
  const split: TerraformArgs = {...first, rest: late.rest}
  const options = {...early, ...late.options}
  const credentials = credentialOptions(options)
  const needsCredentials = terraformNeedsCredentials(split)
  if (options.json && !options.layers) {
    throw new UsageError('--json describes a --layers run', {
      suggestion: `Use --layers, or pass ${kind}'s own -json after the subcommand.`,
    })
  }

  const bin = typeof options.bin === 'string' ? options.bin : undefined
  const configured = bin || terraceEnv(deps.env).tfBin ? null : await deps.projectBinary(kind, deps.cwd)
  const command = await resolveBinary(terraformBinary(kind, bin, deps.env, configured), deps.env, deps.cwd)
  if (typeof options.layers === 'string') {
    if (split.chdir !== null) throw new UsageError('-chdir and --layers cannot be combined')
    const flags = {debug: Boolean(options.debug) || terraceEnv(deps.env).debug, json: Boolean(options.json)}
    return runLayers({command, credentials, kind, needsCredentials, spec: options.layers, split, ...flags}, deps)
  }

  const dir = split.chdir === null ? deps.cwd : resolve(deps.cwd, split.chdir)
  const context = needsProject(split) ? await layerContext(dir, deps) : null
  if (context) warnAbout(context, split, deps)
  const args = context ? withInjection(split, context, dir) : assembleTerraformArgs(split, [])
  const result = await runOne(deps, {args, command, context, credentials, cwd: deps.cwd, kind, needsCredentials})
  return result.exitCode
}

function withInjection(split: TerraformArgs, context: LayerContext, layerDir: string): string[] {
  const injected = injectedArgs({
    backendConfig: context.backendConfig,
    layerDir,
    rest: split.rest,
    subcommand: split.subcommand,
    varFiles: context.varFiles,
  })
  return assembleTerraformArgs(split, injected)
}

/** The context of `dir`, which must be a layer of an account (NotInProjectError otherwise). */
async function layerContext(dir: string, deps: WrapDeps): Promise<LayerContext> {
  const context = await deps.resolveContext(dir, {env: deps.env})
  if (context.location !== 'layer') {
    throw new NotInProjectError(`${dir} is not a layer (it is the project's ${context.location} folder)`, {
      suggestion: 'cd into a layer (a folder with *.tf files), or name layers with --layers a,b,c.',
    })
  }

  if (context.account === null) {
    throw new NotInProjectError(
      `${dir} belongs to no account: no ${ACCOUNT_CONFIG} in it or in any folder between it and the project root ${context.root}, so terrace knows no backend config, var files or credentials for it`,
      {
        suggestion: `Move the layer into an account folder (one holding ${ACCOUNT_CONFIG}), or create ${ACCOUNT_CONFIG} in the folder of its account.`,
      },
    )
  }

  return context
}

const ACCOUNT_CONFIG = 'config/account.tfvars'

/** One-line warnings before a wrapped command runs in a layer: a disabled layer, `init` without a backend config. */
function warnIfDisabled(context: LayerContext, deps: WrapDeps): void {
  if (context.disabled && context.layer !== null) {
    deps.stderr.write(
      `terrace: warning: ${context.layer} is a disabled layer (a folder name in its path ends in " --")\n`,
    )
  }
}

function warnAbout(context: LayerContext, split: TerraformArgs, deps: WrapDeps): void {
  warnIfDisabled(context, deps)
  const ownBackend = split.rest.some((arg) => /^--?backend(-config)?(=|$)/.test(arg))
  if (split.subcommand === 'init' && context.backendConfig === null && context.accountDir !== null && !ownBackend) {
    const expected = join(context.accountDir, 'config', 'backend.tfvars')
    deps.stderr.write(`terrace: warning: ${expected} does not exist: terraform init runs without -backend-config\n`)
  }
}

async function layerDirs(spec: string, deps: WrapDeps): Promise<string[]> {
  if (spec === 'all') {
    const found = await deps.listLayers(deps.cwd, (path, error) => {
      const why = error.code ?? error.message
      deps.stderr.write(
        `terrace: warning: cannot read ${relative(deps.cwd, path) || '.'} (${why}): layers in it are skipped\n`,
      )
    })
    const enabled = found.filter((l) => !l.disabled).map((l) => resolve(deps.cwd, l.path))
    if (enabled.length === 0) throw new NotInProjectError(`no enabled layers under ${deps.cwd}`)
    return enabled
  }

  const dirs = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => resolve(deps.cwd, s))
  if (dirs.length === 0) throw new UsageError('--layers needs at least one layer: --layers a,b,c (or --layers all)')
  const missing = dirs.filter((d) => !deps.isDirectory(d))
  if (missing.length > 0) {
    throw new UsageError(`--layers: no such folder: ${missing.map((d) => relative(deps.cwd, d) || '.').join(', ')}`)
  }

  return dirs
}

interface LayersRun {
  command: string
  credentials: CredentialOptions
  debug: boolean
  json: boolean
  kind: 'terraform' | 'tofu'
  needsCredentials: boolean
  /** the --layers value */
  spec: string
  split: TerraformArgs
}

/** Runs the command in each layer in order; stops at the first failure or when terrace was signalled. */
async function runLayers(run: LayersRun, deps: WrapDeps): Promise<number> {
  const {command, credentials, debug, json, kind, needsCredentials, spec, split} = run
  const dirs = await layerDirs(spec, deps)
  const outcomes: LayerOutcome[] = []
  let exitCode = 0
  let stop = false
  for (const dir of dirs) {
    const layer = relative(deps.cwd, dir) || '.'
    if (stop) {
      outcomes.push({durationMs: null, exitCode: null, layer, status: 'skipped'})
      continue
    }

    deps.stderr.write(`${outcomes.length > 0 ? '\n' : ''}==> ${kind} ${split.subcommand ?? ''} in ${layer}\n`)
    const started = deps.now()
    let code: number
    let interrupted = false
    try {
      const context = needsProject(split) ? await layerContext(dir, deps) : null
      if (context) warnAbout(context, split, deps)
      const args = context ? withInjection(split, context, dir) : assembleTerraformArgs(split, [])
      const stdout = json ? 'stderr' : 'inherit'
      const result = await runOne(deps, {args, command, context, credentials, cwd: dir, kind, needsCredentials, stdout})
      code = result.exitCode
      interrupted = result.received.length > 0
    } catch (error) {
      deps.stderr.write(`${formatError(error, debug)}\n`)
      code = exitCodeOf(error)
    }

    const durationMs = Math.round(deps.now() - started)
    outcomes.push({durationMs, exitCode: code, layer, status: code === 0 ? 'ok' : 'failed'})
    if (code !== 0) {
      exitCode = code
      stop = true
    }

    // Interrupted (Ctrl-C, SIGTERM) while this layer ran: do not start the next one.
    if (interrupted) {
      stop = true
      if (exitCode === 0) exitCode = ExitCode.Interrupted
    }
  }

  const summary = {exitCode, layers: outcomes}
  if (json) deps.stdout.write(formatSummaryJson(summary))
  else deps.stderr.write(`\n${formatSummaryTable(summary)}`)
  return exitCode
}
