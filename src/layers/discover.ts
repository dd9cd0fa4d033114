import {type Dirent, lstatSync, readdirSync, statSync} from 'node:fs'
import {readdir} from 'node:fs/promises'
import {basename, dirname, join, relative, resolve, sep} from 'node:path'

import type {Location} from './types.js'

import {ConfigError, NotInProjectError} from '../lib/errors.js'

export const COMMON_TFVARS = join('config', 'common.tfvars')
export const ACCOUNT_TFVARS = join('config', 'account.tfvars')
export const BACKEND_TFVARS = join('config', 'backend.tfvars')

/** A folder whose name ends in ` --` is disabled (the usual way to park a layer). */
export const isDisabledName = (name: string): boolean => name.endsWith(' --')

export interface Place {
  /** absolute path of the account folder, null outside an account */
  accountDir: null | string
  disabled: boolean
  /** layer path relative to root with forward slashes, null outside a layer */
  layer: null | string
  location: Location
  root: string
}

async function isFile(path: string): Promise<boolean> {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

const NOT_A_FILE: Record<string, string> = {
  EACCES: 'cannot be read (permission denied)',
  EISDIR: 'is a directory',
  ELOOP: 'is a symbolic link loop',
  ENOTDIR: 'sits under something that is not a directory',
  EPERM: 'cannot be read (operation not permitted)',
}

/**
 * True for a regular file (a symlink to one counts), false when nothing is there. Something there that is not a
 * readable file (a folder, a symlink loop, no permission) is a ConfigError (exit 4) naming it: it is the project's
 * configuration gone wrong, not a folder outside any project.
 */
async function isConfigFile(path: string): Promise<boolean> {
  try {
    lstatSync(path)
  } catch {
    return false
  }

  let problem: string
  try {
    const stats = statSync(path)
    if (stats.isFile()) return true
    problem = stats.isDirectory() ? NOT_A_FILE.EISDIR : 'is not a regular file'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    problem = code === 'ENOENT' ? 'is a symbolic link to nothing' : (NOT_A_FILE[code] ?? `cannot be read (${code})`)
  }

  throw new ConfigError(`${path} ${problem}: terrace needs it to be a readable file`, {
    suggestion: `Make ${path} a regular file (or a symbolic link to one) that you can read.`,
  })
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }
}

/** True when dir holds at least one `*.tf` file (a symlink to a file counts). */
export async function isLayerDir(dir: string, listing?: Dirent[]): Promise<boolean> {
  for (const entry of listing ?? (await entries(dir))) {
    if (!entry.name.endsWith('.tf')) continue
    if (entry.isFile()) return true
    if (entry.isSymbolicLink() && (await isFile(join(dir, entry.name)))) return true
  }

  return false
}

/** The `*.tf` files of a layer (symlinks included), sorted, absolute. */
export async function layerTfFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await entries(dir)) {
    if (!entry.name.endsWith('.tf')) continue
    const path = join(dir, entry.name)
    if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path)))) files.push(path)
  }

  return files.sort()
}

/**
 * Nearest ancestor of cwd (cwd included) holding config/common.tfvars. Throws NotInProjectError (exit 3), or
 * ConfigError (exit 4) when config/common.tfvars is there but is not a readable file.
 */
export async function findRoot(cwd: string): Promise<string> {
  const start = resolve(cwd)
  let example: string | undefined
  for (let dir = start; ; dir = dirname(dir)) {
    if (await isConfigFile(join(dir, COMMON_TFVARS))) return dir
    if (!example && (await isFile(join(dir, COMMON_TFVARS + '.example')))) example = join(dir, COMMON_TFVARS)
    if (dirname(dir) === dir) break
  }

  if (example) {
    throw new NotInProjectError(`${example} does not exist (only ${basename(example)}.example is there)`, {
      suggestion: `Copy it and fill it in: cp '${example}.example' '${example}'`,
    })
  }

  throw new NotInProjectError(`not inside a terrace project: no ${COMMON_TFVARS} in ${start} or any folder above it`, {
    suggestion:
      'cd into a Leverage-layout infrastructure repository (the folder holding config/common.tfvars or below).',
  })
}

/** First folder under root, on the way down to cwd, that holds config/account.tfvars; null when there is none. */
export async function findAccountDir(root: string, cwd: string): Promise<null | string> {
  const parts = relative(root, resolve(cwd)).split(sep).filter(Boolean)
  let dir = root
  for (const part of parts) {
    dir = join(dir, part)
    if (await isConfigFile(join(dir, ACCOUNT_TFVARS))) return dir
  }

  return null
}

/** Names of the account folders directly under root (folders with config/account.tfvars), sorted. */
export async function listAccountDirs(root: string): Promise<string[]> {
  const names: string[] = []
  for (const entry of await entries(root)) {
    if (entry.isDirectory() && (await isFile(join(root, entry.name, ACCOUNT_TFVARS)))) names.push(entry.name)
  }

  return names.sort()
}

/** config/ holds tfvars (and shared .tf files symlinked into layers), never a layer; node_modules never either */
const SKIPPED = new Set(['config', 'node_modules'])

/** Where cwd stands in the project: root, account, layers-group (no *.tf) or layer (has *.tf). */
export async function locate(cwd: string): Promise<Place> {
  const dir = resolve(cwd)
  const root = await findRoot(dir)
  const accountDir = await findAccountDir(root, dir)
  const place: Place = {accountDir, disabled: false, layer: null, location: 'layers-group', root}
  if (dir === root) return {...place, location: 'root'}
  if (dir === accountDir) return {...place, location: 'account'}
  if (SKIPPED.has(basename(dir)) || !(await isLayerDir(dir))) return place
  const layer = relative(root, dir).split(sep).join('/')
  const below = accountDir ? relative(accountDir, dir) : layer
  return {...place, disabled: below.split(/[/\\]/).some((name) => isDisabledName(name)), layer, location: 'layer'}
}

function comparePaths(a: string, b: string): number {
  const left = a.split(sep)
  const right = b.split(sep)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i] < right[i] ? -1 : 1
  }

  return left.length - right.length
}

export interface ListLayersOptions {
  /** a folder that cannot be listed (its layers are skipped): say so */
  onUnreadable?(path: string, error: NodeJS.ErrnoException): void
  /** lists a folder; node's readdir unless a test injects a failing one */
  readdir?(dir: string): Promise<Dirent[]>
}

/**
 * Every layer folder at or under dir (a folder with *.tf, symlinks count), sorted so a parent comes before the
 * layers nested in it; `path` absolute. Hidden folders (.terraform, .git) and config/ folders are skipped, symlinked folders are not
 * followed. A layer is disabled when its name, or a folder between dir and it, ends in ` --`. A folder that cannot
 * be read is skipped and reported to `onUnreadable`.
 */
export async function listLayers(
  dir: string,
  options: ListLayersOptions = {},
): Promise<Array<{disabled: boolean; path: string}>> {
  const start = resolve(dir)
  const found: Array<{disabled: boolean; path: string}> = []
  const read = options.readdir ?? ((path: string) => readdir(path, {withFileTypes: true}))
  const walk = async (current: string, disabled: boolean): Promise<void> => {
    let listing: Dirent[]
    try {
      listing = await read(current)
    } catch (error) {
      options.onUnreadable?.(current, error as NodeJS.ErrnoException)
      return
    }

    if (await isLayerDir(current, listing)) found.push({disabled, path: current})
    for (const entry of listing) {
      if (!entry.isDirectory() || SKIPPED.has(entry.name) || entry.name.startsWith('.')) continue
      await walk(join(current, entry.name), disabled || isDisabledName(entry.name))
    }
  }

  await walk(start, isDisabledName(basename(start)))
  return found.sort((a, b) => comparePaths(a.path, b.path))
}
