/**
 * What every integration type gives the framework: the sessions its source holds now (DesiredSession), with the
 * request figures of reading it. One module per type (aws-sso/, dynamodb/) turns its source into these; the
 * framework (sync-apply.ts) turns them into workspace changes.
 */
import type {SyncCounts} from '../workspace/integration.js'
import type {Session} from '../workspace/session.js'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

/** The fields a source decides: the session's type and its type's fields. The rest belongs to the user. */
export type SourceFields = DistributiveOmit<
  Session,
  'id' | 'mode' | 'name' | 'profile' | 'region' | 'source' | 'startedAt' | 'status'
>

/** One session as the source holds it now. */
export interface DesiredSession {
  fields: SourceFields
  /** the session's stable identity in the source (`accountId/roleName`) */
  key: string
  /** the name a new session gets (made valid and unique); an existing session keeps its own */
  name: string
  /** for a chained session whose parent is another session of the same source: that session's key (else its fields' parentId) */
  parentKey?: string
  /** the region a new session gets (null: the workspace default); an existing session keeps its own */
  region: null | string
}

/** The figures of reading a source: each request sent (retries included), throttled answers, retries. */
export interface RequestStats {
  elapsedMs: number
  requests: number
  retries: number
  throttled: number
}

/** One session a sync removed, and why. */
export interface RemovedSession {
  id: string
  key: null | string
  name: string
  /** 'gone': its role left the source; 'chained': it was chained on a session that went */
  reason: 'chained' | 'gone'
  /** true when it was active or pending: it was stopped first */
  stopped: boolean
}

export interface SyncSummary {
  added: Array<{id: string; key: string; name: string}>
  alias: string
  counts: SyncCounts
  removed: RemovedSession[]
  requests: RequestStats & {ratePerSecond: number}
  /** what in the source could not become a session, and why */
  skipped: string[]
  updated: Array<{id: string; key: string; name: string}>
  /** false when nothing changed: the workspace was not written */
  written: boolean
}
