/**
 * The outcome of every sync, kept beside the workspace in TERRACE_HOME/cache/integration-syncs/<alias>.json: a sync
 * that changed nothing (or failed) writes nothing to workspace.json, yet `integration list` still shows when it ran
 * and how it ended. The workspace's own `lastSync` is the last sync that changed it.
 */
import {mkdir, readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'

import type {LastSync} from '../workspace/integration.js'

import {writeFileAtomic} from '../lib/atomic-write.js'
import {homePaths} from '../lib/paths.js'

const recordPath = (env: NodeJS.ProcessEnv, alias: string) =>
  join(homePaths(env).cache, 'integration-syncs', `${alias}.json`)

export async function writeSyncRecord(env: NodeJS.ProcessEnv, alias: string, sync: LastSync): Promise<void> {
  const path = recordPath(env, alias)
  await mkdir(join(path, '..'), {mode: 0o700, recursive: true})
  await writeFileAtomic(path, `${JSON.stringify(sync)}\n`, {durable: false})
}

export async function readSyncRecord(env: NodeJS.ProcessEnv, alias: string): Promise<LastSync | null> {
  try {
    const raw = JSON.parse(await readFile(recordPath(env, alias), 'utf8')) as LastSync
    return typeof raw?.at === 'string' && typeof raw.result === 'string' ? raw : null
  } catch {
    return null
  }
}

export async function removeSyncRecord(env: NodeJS.ProcessEnv, alias: string): Promise<void> {
  await rm(recordPath(env, alias), {force: true})
}

/** The later of the workspace's last sync and the record's. */
export function latestSync(a: LastSync | null, b: LastSync | null): LastSync | null {
  if (!a || !b) return a ?? b
  return Date.parse(a.at) >= Date.parse(b.at) ? a : b
}
