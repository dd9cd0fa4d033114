import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'

/** The parts of node:fs/promises an atomic write uses (tests inject failures through it). */
export type AtomicWriteFileSystem = Pick<typeof fs, 'open' | 'rename' | 'rm'>

export interface AtomicWriteOptions {
  /**
   * Called with the temporary file complete, just before the rename: false abandons the write (the temporary file
   * is removed, the target untouched), for a caller that re-checks the target; tests also kill the process there.
   */
  beforeRename?: () => boolean | Promise<boolean | void> | void
  /** fsync the file and its directory (default true); a cache that may be rebuilt can skip it */
  durable?: boolean
  /** node:fs/promises unless a test injects its own */
  fileSystem?: AtomicWriteFileSystem
  /** the file's mode, set explicitly so the umask cannot narrow (nor the default widen) it; default 0600 */
  mode?: number
}

/**
 * Replaces `path` with `data` so a reader sees the old file or the new one, never a part: a hidden temporary file
 * beside the target (created exclusively), written, chmod-ed and fsync-ed, renamed over the target, then the
 * directory fsync-ed (the two fsyncs make it survive a power cut, not only a crash). On any failure the temporary file is removed and the target is untouched.
 */
/** True when the file was replaced, false when beforeRename abandoned the write. */
export async function writeFileAtomic(
  path: string,
  data: Buffer | string,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  const files = options.fileSystem ?? fs
  const mode = options.mode ?? 0o600
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await files.open(temporary, 'wx', mode)
  try {
    try {
      await handle.writeFile(data)
      await handle.chmod(mode)
      if (options.durable !== false) await handle.sync()
    } finally {
      await handle.close()
    }

    if ((await options.beforeRename?.()) === false) {
      await files.rm(temporary, {force: true})
      return false
    }

    await files.rename(temporary, path)
  } catch (error) {
    await files.rm(temporary, {force: true})
    throw error
  }

  if (options.durable !== false) await syncDirectory(files, dirname(path))
  return true
}

async function syncDirectory(files: AtomicWriteFileSystem, dir: string): Promise<void> {
  try {
    const handle = await files.open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // directories cannot be fsynced on every platform; the rename is still atomic
  }
}
