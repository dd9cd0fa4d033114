import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../../lib/atomic-write.js'

/** Bump when the shape of cached values changes, so old entries are ignored. */
const FORMAT = 1

export interface FileIdentity {
  mtimeMs: number
  path: string
  size: number
}

interface Entry extends FileIdentity {
  format: number
  value: Record<string, unknown>
}

/** One cache file per source path; an entry is used only while the file's size and mtime are unchanged. */
export function cacheFileFor(cacheDir: string, path: string): string {
  return join(cacheDir, createHash('sha256').update(path).digest('hex').slice(0, 32) + '.json')
}

export async function readCached(cacheDir: string, id: FileIdentity): Promise<Record<string, unknown> | undefined> {
  let entry: Entry
  try {
    entry = JSON.parse(readFileSync(cacheFileFor(cacheDir, id.path), 'utf8')) as Entry
  } catch {
    return undefined
  }

  const fresh =
    entry?.format === FORMAT && entry.path === id.path && entry.size === id.size && entry.mtimeMs === id.mtimeMs
  return fresh && entry.value && typeof entry.value === 'object' ? entry.value : undefined
}

/** Atomic (lib/atomic-write.ts) so concurrent terrace processes never read half an entry. Failures are ignored: the cache is an optimisation. */
export async function writeCached(cacheDir: string, id: FileIdentity, value: Record<string, unknown>): Promise<void> {
  const target = cacheFileFor(cacheDir, id.path)
  const entry: Entry = {format: FORMAT, mtimeMs: id.mtimeMs, path: id.path, size: id.size, value}
  try {
    await mkdir(cacheDir, {mode: 0o700, recursive: true})
    await writeFileAtomic(target, JSON.stringify(entry), {durable: false})
  } catch {
    // the cache is an optimisation: a failed write leaves the previous entry (or none)
  }
}
