/**
 * TERRACE_HOME/workspace.json (0600, no secret): read (migrating earlier versions in memory), and changed under a
 * cross-process lock with atomic writes. Before each replace the current file, when valid, is copied to
 * workspace.json.bak, the last good copy; a damaged workspace.json (not JSON, or a bad shape) is replaced by it
 * with a warning, the damaged bytes kept as workspace.json.damaged. Both damaged: ConfigError (exit 4) naming both.
 */
import {mkdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../lib/atomic-write.js'
import {ConfigError} from '../lib/errors.js'
import {withLock} from '../lib/lock.js'
import {dieHereInTests} from '../lib/test-death.js'
import {migrate, NewerVersionError} from './migrate.js'
import {emptyWorkspace, type Workspace} from './session.js'
import {validateWorkspace} from './validate.js'

export interface WorkspaceFiles {
  backup: string
  damaged: string
  file: string
  lock: string
  root: string
}

export interface WorkspaceStore {
  files: WorkspaceFiles
  /** where the restore warning goes (stderr) */
  warn: (message: string) => void
}

export function workspaceFiles(root: string): WorkspaceFiles {
  const file = join(root, 'workspace.json')
  return {backup: `${file}.bak`, damaged: `${file}.damaged`, file, lock: `${file}.lock`, root}
}

export const renderWorkspace = (workspace: Workspace): string => `${JSON.stringify(workspace, null, 2)}\n`

type Parsed = {problem: string; workspace?: undefined} | {problem?: undefined; workspace: Workspace}

/** The workspace in `text`, or what is wrong with it; a newer version is no damage and throws. */
function parse(text: string, path: string): Parsed {
  try {
    return {workspace: validateWorkspace(migrate(JSON.parse(text)))}
  } catch (error) {
    if (error instanceof NewerVersionError) {
      throw new ConfigError(`${path} was written by a newer terrace: ${error.message}.`, {
        suggestion: 'Upgrade terrace; this one leaves the file untouched.',
      })
    }

    return {problem: error instanceof SyntaxError ? `not valid JSON: ${error.message}` : (error as Error).message}
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

type Loaded = {
  /** the file's text when it is valid as it stands (what becomes the last good copy on the next write) */
  goodText?: string
  workspace: Workspace
}

/** Reads workspace.json, restoring it from the last good copy when damaged. The caller holds the lock. */
async function readOrRestore(store: WorkspaceStore): Promise<Loaded> {
  const {files} = store
  const text = await readIfExists(files.file)
  if (text === undefined) return {workspace: emptyWorkspace()}
  const parsed = parse(text, files.file)
  if (parsed.workspace) return {goodText: text, workspace: parsed.workspace}
  const backupText = await readIfExists(files.backup)
  const backup = backupText === undefined ? undefined : parse(backupText, files.backup)
  if (!backup?.workspace) {
    const why = backup ? `is damaged too (${backup.problem})` : 'is missing'
    throw new ConfigError(
      `${files.file} is damaged (${parsed.problem}) and its last good copy ${files.backup} ${why}.`,
      {suggestion: `Repair ${files.file} by hand (or move it away to start an empty workspace).`},
    )
  }

  await writeFileAtomic(files.damaged, text)
  await writeFileAtomic(files.file, backupText as string)
  store.warn(
    `Warning: ${files.file} was damaged (${parsed.problem}); restored the last good copy from ${files.backup}. The damaged file is kept as ${files.damaged}.`,
  )
  return {goodText: backupText, workspace: backup.workspace}
}

/** The workspace as stored; a damaged file is restored (under the lock) from the last good copy. */
export async function readWorkspace(store: WorkspaceStore): Promise<Workspace> {
  const text = await readIfExists(store.files.file)
  if (text === undefined) return emptyWorkspace()
  const parsed = parse(text, store.files.file)
  if (parsed.workspace) return parsed.workspace
  return (await locked(store, () => readOrRestore(store))).workspace
}

async function locked<T>(store: WorkspaceStore, fn: () => Promise<T>): Promise<T> {
  await mkdir(store.files.root, {mode: 0o700, recursive: true})
  return withLock(store.files.lock, fn)
}

/**
 * Applies `change` under the lock: it gets the current workspace and returns the next one with a result. The
 * next workspace is validated, the current file (when valid) copied to the last good copy, then replaced. A change
 * that returns `workspace: null` leaves every file untouched (a sync that changed nothing writes nothing).
 */
export async function updateWorkspace<T>(
  store: WorkspaceStore,
  change: (workspace: Workspace) => {result: T; workspace: null | Workspace},
): Promise<T> {
  return locked(store, async () => {
    const {goodText, workspace} = await readOrRestore(store)
    const next = change(workspace)
    if (next.workspace === null) return next.result
    const checked = validateWorkspace(next.workspace)
    if (goodText !== undefined) await writeFileAtomic(store.files.backup, goodText)
    await writeFileAtomic(store.files.file, renderWorkspace(checked), {
      beforeRename: () => dieHereInTests('workspace:temp-written'),
    })
    return next.result
  })
}
