/**
 * Finding the program to run. PATH is searched here (no `which`), so a missing binary is a typed error with
 * exit 127 and a fix, not a spawn failure.
 */
import {constants, statSync} from 'node:fs'
import {access} from 'node:fs/promises'
import {delimiter, isAbsolute, join, resolve} from 'node:path'

import {BinaryNotFoundError} from '../lib/errors.js'
import {terraceEnv} from '../lib/terrace-env.js'

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    if (!statSync(path).isFile()) return false
    await access(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Absolute path of `name`: a name with a slash is taken relative to `cwd`; a bare name is looked up on
 * `env.PATH` (empty entries mean the current folder, as in a shell). Null when nothing executable is found.
 */
export async function findExecutable(name: string, env: NodeJS.ProcessEnv, cwd: string): Promise<null | string> {
  if (name === '') return null
  if (isAbsolute(name) || name.includes('/')) {
    const path = resolve(cwd, name)
    return (await isExecutableFile(path)) ? path : null
  }

  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = resolve(cwd, join(dir || '.', name))
    if (await isExecutableFile(candidate)) return candidate
  }

  return null
}

export interface BinaryRequest {
  /** where the name came from, for the error message ("--bin", "TERRACE_TF_BIN", "PATH") */
  from: string
  /** how to choose another one, for the error message */
  howToSet: string
  name: string
}

/** A binary named in the project's terrace.json `binaries` (absolute, resolved against the project root). */
export interface ConfiguredBinary {
  file: string
  path: string
}

/** Precedence: --bin, then TERRACE_TF_BIN, then terrace.json `binaries`, then the tool's name on PATH. */
export function terraformBinary(
  tool: 'terraform' | 'tofu',
  bin: string | undefined,
  env: NodeJS.ProcessEnv,
  configured: ConfiguredBinary | null = null,
): BinaryRequest {
  const howToSet = 'install it, or set TERRACE_TF_BIN (or pass --bin PATH) to the terraform/tofu binary'
  if (bin) return {from: '--bin', howToSet, name: bin}
  const fromEnv = terraceEnv(env).tfBin
  if (fromEnv) return {from: 'TERRACE_TF_BIN', howToSet, name: fromEnv}
  if (configured) return {from: `"binaries" in ${configured.file}`, howToSet, name: configured.path}
  return {from: 'PATH', howToSet, name: tool}
}

/** Precedence: TERRACE_AWS_BIN, then terrace.json `binaries.aws`, then `aws` on PATH. */
export function awsBinary(env: NodeJS.ProcessEnv, configured: ConfiguredBinary | null = null): BinaryRequest {
  const howToSet = 'install the AWS CLI v2, or set TERRACE_AWS_BIN to its path'
  const fromEnv = terraceEnv(env).awsBin
  if (fromEnv) return {from: 'TERRACE_AWS_BIN', howToSet, name: fromEnv}
  if (configured) return {from: `"binaries" in ${configured.file}`, howToSet, name: configured.path}
  return {from: 'PATH', howToSet, name: 'aws'}
}

export function execBinary(command: string): BinaryRequest {
  return {from: 'PATH', howToSet: 'check the name, or give the path to the program', name: command}
}

export async function resolveBinary(request: BinaryRequest, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const found = await findExecutable(request.name, env, cwd)
  if (found) return found
  const where = request.from === 'PATH' ? 'on PATH' : `(from ${request.from})`
  const suggestion = `${request.howToSet[0].toUpperCase()}${request.howToSet.slice(1)}.`
  throw new BinaryNotFoundError(`${request.name}: not found or not executable ${where}`, {suggestion})
}
