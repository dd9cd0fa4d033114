import {readdir, readFile, rm} from 'node:fs/promises'
import {hostname} from 'node:os'
import {basename, dirname, join} from 'node:path'

import {isProcessAlive, withLock} from '../lib/lock.js'

/**
 * What a process killed while writing the AWS config or profiles.json leaves beside them: its temp files
 * (`<name>.<pid>.tmp`, `.<name>.<pid>.<hex>.tmp`, `<lock>.<pid>.<hex>.tmp`), its lock and its lock-break marker.
 * Removed when their process is dead: temp files by the pid in their name, a lock by taking it (which breaks a dead
 * owner's lock the safe way) and releasing it, a break marker by its owner. A live process's files are left alone.
 */
export async function removeLeftovers(files: string[]): Promise<string[]> {
  const removed: string[] = []
  for (const file of files) {
    const dir = dirname(file)
    const name = basename(file)
    let entries: string[]
    try {
      entries = await readdir(dir)
    } catch (error) {
      // no folder, or a file where it belongs: nothing left there (reading or writing the file says what is wrong)
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) continue
      throw error
    }

    const escaped = name.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
    const tempFile = new RegExp(
      String.raw`^(?:\.${escaped}\.(\d+)\.[\da-f]+|${escaped}\.(\d+)|${escaped}(?:\.terrace)?\.lock\.(\d+)\.[\da-f]+)\.tmp$`,
    )
    const lockFile = new RegExp(String.raw`^${escaped}(?:\.terrace)?\.lock(\.break)?$`)
    for (const entry of entries) {
      const path = join(dir, entry)
      const temp = tempFile.exec(entry)
      const lock = lockFile.exec(entry)
      if (temp) {
        if (!isProcessAlive(Number(temp[1] ?? temp[2] ?? temp[3]))) {
          await rm(path, {force: true})
          removed.push(path)
        }
      } else if (lock?.[1]) {
        if (await ownerDead(path)) {
          await rm(path, {force: true})
          removed.push(path)
        }
      } else if (lock && (await ownerDead(path))) {
        await withLock(path, async () => {}, {timeoutMs: 2000}).catch(() => {})
        removed.push(path)
      }
    }
  }

  return removed
}

async function ownerDead(path: string): Promise<boolean> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as {host?: string; pid?: number}
    return owner.host === hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid)
  } catch {
    return false
  }
}
