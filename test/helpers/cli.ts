/**
 * Running the built CLI (`node bin/run.js …`) as a user would, with a chosen folder and environment.
 * Build first: `npm run build` (or `npx tsc -p tsconfig.json && npx oclif manifest`).
 */
import {type ChildProcess, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {resolve} from 'node:path'

export const REPO = resolve(import.meta.dirname, '..', '..')
export const CLI = resolve(REPO, 'bin', 'run.js')
export const FAKE_BIN_DIR = resolve(REPO, 'test', 'fixtures', 'bin')
export const FAKE_TERRAFORM = resolve(FAKE_BIN_DIR, 'fake-terraform')
export const FAKE_AWS = resolve(FAKE_BIN_DIR, 'fake-aws')

export interface CliOptions {
  cwd?: string
  /** added to a minimal environment (PATH, HOME); TERRACE_HOME should always be given */
  env?: NodeJS.ProcessEnv
  /** written to stdin, then stdin is closed (default: closed at once, so stdin is never a terminal) */
  input?: string
}

export interface CliResult {
  code: null | number
  signal: NodeJS.Signals | null
  stderr: string
  stdout: string
}

export function assertBuilt(): void {
  if (!existsSync(resolve(REPO, 'dist', 'entry.js'))) {
    throw new Error('dist/entry.js is missing: run `npm run build` before the e2e tests')
  }
}

/** The variables that point a child at this test run's D-Bus session and keyring (scripts/with-keyring.sh). */
export const keyringEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME'].flatMap((k) =>
      process.env[k] ? [[k, process.env[k]]] : [],
    ),
  )

/**
 * A minimal environment plus env. TERRACE_AGENT is off unless the test sets it: a test that wants terrace's agent
 * says so, and stops every agent it starts.
 */
export function cliEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {HOME: process.env.HOME, LANG: 'C', PATH: process.env.PATH, TERRACE_AGENT: 'off', ...env}
}

/** Starts the CLI and returns the process (for tests that signal it); stdout/stderr are piped. */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {cwd: options.cwd ?? REPO, env: cliEnv(options.env), stdio: 'pipe'})
}

/** Collects a started CLI's output and exit. */
export function collect(child: ChildProcess, input?: string): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk
  })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  // a child that exits without reading its stdin closes the pipe first: EPIPE then says nothing about the test
  child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  child.stdin?.end(input ?? '')
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolvePromise({code, signal, stderr, stdout}))
  })
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return collect(spawnCli(args, options), options.input)
}

/** The JSON lines a fake terraform/aws appended to its $FAKE_TF_RECORD file. */
export function readRecord(file: string): Array<Record<string, unknown> & {event: string}> {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

export async function waitFor(predicate: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => {
      setTimeout(r, 10)
    })
  }
}
