/**
 * `terrace integration sync`: read the source whole (its driver), then apply every change in one locked atomic
 * update (sync-apply.ts). Ctrl-C while reading aborts before anything is written; a sync that changes nothing
 * writes nothing to the workspace. Every outcome is recorded beside it (sync-record.ts).
 */
import type {LastSync} from '../workspace/integration.js'
import type {SourceProgress} from './driver.js'
import type {SyncSummary} from './types.js'

import {InterruptedError} from '../lib/errors.js'
import {readWorkspace, type WorkspaceStore} from '../workspace/workspace-file.js'
import {driverFor} from './registry.js'
import {type StopSession} from './stop-sessions.js'
import {applySync, findIntegrationIn, planSync} from './sync-apply.js'
import {writeSyncRecord} from './sync-record.js'

export interface SyncOptions {
  env: NodeJS.ProcessEnv
  now?: () => Date
  onProgress(progress: SourceProgress): void
  /** called once the integration is found, before its source is read (an unknown alias fails before it) */
  onStart?(): void
  rate: number
  signal: AbortSignal
  /** session stop, for the running sessions whose role left the source (else only their workspace status) */
  stop?: StopSession
}

const brief = (s: {id: string; name: string; source: null | {key: string}}) => ({
  id: s.id,
  key: s.source?.key ?? '',
  name: s.name,
})

const interrupted = () =>
  new InterruptedError('The sync was interrupted: the workspace is as it was before it started.')

export async function syncIntegration(
  store: WorkspaceStore,
  alias: string,
  options: SyncOptions,
): Promise<SyncSummary> {
  const now = options.now ?? (() => new Date())
  const workspace = await readWorkspace(store)
  const integration = findIntegrationIn(workspace, alias)
  const driver = driverFor(integration)
  options.onStart?.()
  const record = (result: LastSync['result'], counts: LastSync['counts']): LastSync => ({
    at: now().toISOString(),
    counts,
    result,
  })
  let read
  try {
    read = await driver.read(integration, {
      env: options.env,
      onProgress: options.onProgress,
      rate: options.rate,
      signal: options.signal,
      workspace,
    })
  } catch (error) {
    if (options.signal.aborted) throw interrupted()
    await writeSyncRecord(options.env, alias, record('failed', {added: 0, removed: 0, unchanged: 0, updated: 0}))
    throw error
  }

  // the running sessions whose role left the source are stopped for real (profile out of the AWS config) first
  const stoppedIds = new Set<string>()
  if (options.stop) {
    const current = await readWorkspace(store)
    const preview = planSync(current, alias, read.sessions, (counts) => record('ok', counts))
    for (const gone of preview.removed.filter((r) => r.stopped)) {
      if (options.signal.aborted) throw interrupted()
      const session = current.sessions.find((s) => s.id === gone.id)
      if (session) await options.stop(session)
      stoppedIds.add(gone.id)
    }
  }

  const applied = await applySync(store, alias, read.sessions, {
    lastSync: (counts) => record('ok', counts),
    stillWanted() {
      if (options.signal.aborted) throw interrupted()
    },
  })
  const counts = {
    added: applied.added.length,
    removed: applied.removed.length,
    unchanged: applied.unchanged,
    updated: applied.updated.length,
  }
  await writeSyncRecord(options.env, alias, record('ok', counts))
  const seconds = read.stats.elapsedMs / 1000
  return {
    added: applied.added.map((s) => brief(s)),
    alias,
    counts,
    removed: applied.removed.map((r) => (stoppedIds.has(r.id) ? {...r, stopped: true} : r)),
    requests: {...read.stats, ratePerSecond: seconds > 0 ? Math.round((read.stats.requests / seconds) * 10) / 10 : 0},
    skipped: read.skipped ?? [],
    updated: applied.updated.map((s) => brief(s)),
    written: applied.written,
  }
}
