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

/** The records of the active sessions among `sessions` (TERRACE_HOME is `root`). */
export function withRecords(root: string, sessions: Session[]): ListedSession[] {
  const active = sessions.filter((s) => s.status === 'active').map((s) => s.id)
  const records = readSessionRecords(sessionRecordDir(join(root, 'cache')), active)
  return sessions.map((session) => {
    const record = session.status === 'active' ? records.get(session.id) : undefined
    return {
      ...session,
      expiresAt: record === undefined || record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
      renewal: record?.renewal ?? null,
    }
  })
}
