import {randomBytes} from 'node:crypto'
import {chmod, lstat, mkdir, readFile, readlink, rename, rm, stat, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

import {withLock} from '../lib/lock.js'
import {BlockEdit, BlockEditResult, editManagedBlockBytes} from './managed-block.js'

export interface ConfigFileEditResult extends BlockEditResult {
  /** the file as the user names it (AWS_CONFIG_FILE or ~/.aws/config) */
  file: string
  /** the file actually written (the symlink's target when `file` is a symlink) */
  target: string
  /** false when the bytes on disk did not change (nothing was written) */
  written: boolean
}

/**
 * Applies a managed-block edit to an AWS config file: through a symlink to its target (the link stays), under a
 * cross-process lock beside the target, replaced atomically (temp file in the same directory + rename). An
 * existing file keeps its mode; a new one is created 0600 in a 0700 directory. Nothing is written when the
 * bytes would not change, nor when the edit throws (a clash with a user profile).
 */
export async function editAwsConfigFile(file: string, edit: BlockEdit): Promise<ConfigFileEditResult> {
  const target = await resolveSymlinks(file)
  if (!edit.set?.length && !(await readIfExists(target))) {
    return {...editManagedBlockBytes(Buffer.alloc(0), edit, file), file, target, written: false} // removing from no file: touch nothing
  }

  await mkdir(dirname(target), {mode: 0o700, recursive: true})
  return withLock(`${target}.terrace.lock`, async () => {
    const existing = await readIfExists(target)
    const result = editManagedBlockBytes(existing?.bytes ?? Buffer.alloc(0), edit, file)
    const same = existing ? result.bytes.equals(existing.bytes) : result.bytes.length === 0
    if (same) return {...result, file, target, written: false}
    const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
    const mode = existing ? existing.mode % 0o1_0000 : 0o600
    try {
      await writeFile(temporary, result.bytes, {flag: 'wx', mode})
      await chmod(temporary, mode) // the umask must not narrow (or the default widen) the user's mode
      await rename(temporary, target)
    } catch (error) {
      await rm(temporary, {force: true})
      throw error
    }

    return {...result, file, target, written: true}
  })
}

async function readIfExists(path: string): Promise<undefined | {bytes: Buffer; mode: number}> {
  try {
    const [bytes, info] = await Promise.all([readFile(path), stat(path)])
    return {bytes, mode: info.mode}
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Follows symlinks (also a dangling one, to the file it would create), at most 40 hops. */
async function resolveSymlinks(file: string): Promise<string> {
  let path = resolve(file)
  for (let hop = 0; hop < 40; hop++) {
    let info
    try {
      info = await lstat(path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path
      throw error
    }

    if (!info.isSymbolicLink()) return path
    path = resolve(dirname(path), await readlink(path))
  }

  throw new Error(`${file}: too many levels of symbolic links`)
}
