import {readFileSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {basename, dirname} from 'node:path'

import {dieHereInTests} from './test-death.js'

/**
 * Small config files: terrace.json and build.env (read only) and terrace's own state files under
 * TERRACE_HOME/config (profiles.json, chains.json): names and ids only,
 * never a secret. Read without a lock (writes are atomic renames); changed under a cross-process lock.
 */

/** The file's text, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Read-modify-write under `<path>.lock`: `change` gets the current text (undefined when there is none) and returns
 * the new text and a result; the new text replaces the file atomically, mode 0600, folder 0700.
 */
export async function updateTextFile<T>(
  path: string,
  change: (current: string | undefined) => Promise<{result: T; text: string}> | {result: T; text: string},
): Promise<T> {
  await mkdir(dirname(path), {mode: 0o700, recursive: true})
  // not on the read-only paths (credential-process, every wrapped command reading terrace.json)
  const [{withLock}, {writeFileAtomic}] = await Promise.all([import('./lock.js'), import('./atomic-write.js')])
  return withLock(`${path}.lock`, async () => {
    const {result, text} = await change(await readTextIfExists(path))
    await writeFileAtomic(path, text, {
      beforeRename: () => dieHereInTests(`config-file:temp-written:${basename(path)}`),
    })
    return result
  })
}
