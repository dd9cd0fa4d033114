import {appendFile, type FileHandle, lstat, mkdir, open, readFile, readlink, stat} from 'node:fs/promises'
import {dirname, resolve} from 'node:path'

import {writeFileAtomic} from '../lib/atomic-write.js'
import {withLock} from '../lib/lock.js'
import {dieHereInTests} from '../lib/test-death.js'
import {BlockEdit, BlockEditResult, blockProfileNames, editManagedBlockBytes} from './managed-block.js'

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
    // Other programs (an editor, a `>>`) do not take terrace's lock: re-read just before the rename and redo the
    // edit when the file changed meanwhile; bytes appended to the old file in the instant of the rename are
    // carried over after it.
    for (let attempt = 1; ; attempt++) {
      const existing = await readIfExists(target)
      const result = editManagedBlockBytes(existing?.bytes ?? Buffer.alloc(0), edit, file)
      const same = existing ? result.bytes.equals(existing.bytes) : result.bytes.length === 0
      if (same) return {...result, file, target, written: false}
      const mode = existing ? existing.mode % 0o1_0000 : 0o600
      const replaced = await replaceIfUnchanged(target, {
        bytes: result.bytes,
        force: attempt >= MAX_ATTEMPTS,
        mode,
        seen: existing?.bytes,
      })
      if (replaced) return {...result, file, target, written: true}
    }
  })
}

/** Edits redone because another program changed the file meanwhile, before writing regardless. */
const MAX_ATTEMPTS = 20

/**
 * Writes `bytes` to a temp file beside `target` and renames it over `target`, unless `target` no longer holds
 * `seen` (false: the caller redoes its edit); `force` renames anyway. Bytes appended to the old file between the
 * last check and the rename are appended to the new one.
 */
async function replaceIfUnchanged(
  target: string,
  write: {bytes: Buffer; force: boolean; mode: number; seen: Buffer | undefined},
): Promise<boolean> {
  const {bytes, force, mode, seen} = write
  let old: FileHandle | undefined
  try {
    const replaced = await writeFileAtomic(target, bytes, {
      async beforeRename() {
        dieHereInTests('aws-config:temp-written')
        old = seen ? await openIfExists(target) : undefined
        const now = old ? await old.readFile() : await readIfExists(target).then((file) => file?.bytes)
        const unchanged = seen ? now?.equals(seen) : now === undefined
        return unchanged || force
      },
      mode,
    })
    if (replaced && old && seen) await carryOver(target, {bytes, mode, old, seen})
    return replaced
  } finally {
    await old?.close()
  }
}

/** Checks of the old file, CARRY_PAUSE_MS apart, that must find nothing new before an appender is taken as done. */
const QUIET_CHECKS = 3
const CARRY_PAUSE_MS = 10

/**
 * Bytes an appender (an editor's `>>`, which takes no lock) wrote to the old file in the instant of the rename go into
 * the new file where they belong: right after what terrace wrote, before anything appended to the new file since. When
 * the old file grew, the appender may still hold it open: it is watched until QUIET_CHECKS find nothing more.
 */
async function carryOver(
  target: string,
  write: {bytes: Buffer; mode: number; old: FileHandle; seen: Buffer},
): Promise<void> {
  const {mode, old, seen} = write
  let prefix = write.bytes
  let carried = seen.length
  for (let quiet = 0; quiet < QUIET_CHECKS;) {
    const after = await readFrom(old, 0)
    if (after.length > carried && after.subarray(0, seen.length).equals(seen)) {
      const extra = after.subarray(carried)
      await insertAfter(target, {extra, mode, prefix})
      prefix = Buffer.concat([prefix, extra])
      carried = after.length
      quiet = 0
    } else if (carried === seen.length) {
      return // nothing appended in the instant of the rename: no appender to wait for
    } else {
      quiet++
      await new Promise((resolve) => {
        setTimeout(resolve, CARRY_PAUSE_MS)
      })
    }
  }
}

/** `extra` inserted into `target` right after `prefix`: a rewrite checked (and carried over) as the edit's own. */
async function insertAfter(target: string, insert: {extra: Buffer; mode: number; prefix: Buffer}): Promise<void> {
  const {extra, mode, prefix} = insert
  for (let attempt = 1; ; attempt++) {
    const now = (await readIfExists(target))?.bytes
    if (!now?.subarray(0, prefix.length).equals(prefix)) {
      // the file was deleted or rewritten by someone else meanwhile: the bytes go at its end
      await appendFile(target, extra)
      return
    }

    const bytes = Buffer.concat([prefix, extra, now.subarray(prefix.length)])
    if (await replaceIfUnchanged(target, {bytes, force: attempt >= MAX_ATTEMPTS, mode, seen: now})) return
  }
}

async function openIfExists(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
}

async function readFrom(handle: FileHandle, position: number): Promise<Buffer> {
  const {size} = await handle.stat()
  const buffer = Buffer.alloc(Math.max(0, size - position))
  if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, position)
  return buffer
}

/** The config file's bytes (through a symlink), empty when it does not exist. */
export async function readAwsConfigBytes(file: string): Promise<Buffer> {
  return (await readIfExists(await resolveSymlinks(file)))?.bytes ?? Buffer.alloc(0)
}

/** The names of the profiles in terrace's managed block of the config file. */
export async function managedProfileNames(file: string): Promise<string[]> {
  return blockProfileNames((await readAwsConfigBytes(file)).toString('latin1'), file)
}

/** The file the config file resolves to (its symlinks followed). */
export const resolveAwsConfigFile = (file: string): Promise<string> => resolveSymlinks(file)

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
