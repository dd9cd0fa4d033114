/**
 * A session as `session list` and `current` show it: its workspace fields, and for an active session when its
 * current credentials expire and why the agent cannot renew them (the non-secret records of lib/session-records.ts,
 * read without opening the vault).
 */
import {join} from 'node:path'

import type {Session} from './session.js'

import {readSessionRecords, sessionRecordDir} from '../lib/session-records.js'

export type ListedSession = Session & {
  /** when the active session's current credentials expire (ISO); null when inactive or unknown */
  expiresAt: null | string
  /** why terrace's agent cannot renew the active session's file-mode keys; null when nothing is wrong */
  renewal: null | string
}

/**
 * The sessions with their records (TERRACE_HOME is `root`). Annotated in place, not copied (copying thousands of
 * sessions costs `session list` more than reading them): pass a fresh read of the workspace that is only shown, never
 * written back (validation would refuse these fields in workspace.json anyway).
 */
export function withRecords(root: string, sessions: Session[]): ListedSession[] {
  const active = sessions.filter((s) => s.status === 'active').map((s) => s.id)
  const records = readSessionRecords(sessionRecordDir(join(root, 'cache')), active)
  for (const session of sessions as ListedSession[]) {
    const record = session.status === 'active' ? records.get(session.id) : undefined
    session.expiresAt =
      record === undefined || record.expiresAt === null ? null : new Date(record.expiresAt).toISOString()
    session.renewal = record?.renewal ?? null
  }

  return sessions as ListedSession[]
}
