/** `terrace session list` for people: aligned columns, two spaces apart, like the --layers summary. */
import type {ListedSession} from './listed-session.js'

import {expiresIn} from '../lib/session-records.js'
import {arnAccount, arnRole} from './patterns.js'
import {type Session, SHORT_TYPES} from './session.js'

const SHORT_NAME = Object.fromEntries(Object.entries(SHORT_TYPES).map(([short, type]) => [type, short]))

export interface SessionRow {
  account: string
  expires: string
  name: string
  profile: string
  region: string
  role: string
  status: string
  type: string
}

function account(session: Session): string {
  switch (session.type) {
    case 'aws-iam-role-chained': {
      return arnAccount(session.roleArn)
    }

    case 'aws-iam-user': {
      return session.mfaSerial ? arnAccount(session.mfaSerial) : '-'
    }

    case 'aws-sso-role': {
      return session.accountName ? `${session.accountName} (${session.accountId})` : session.accountId
    }
  }
}

function role(session: Session): string {
  if (session.type === 'aws-sso-role') return session.roleName
  if (session.type === 'aws-iam-role-chained') return arnRole(session.roleArn)
  return '-'
}

/** Marks a session served in file mode: its temporary keys are in a plain file. */
export const FILE_MARK = '(file!)'
const FILE_NOTE = `${FILE_MARK} file mode: temporary keys in a plain file (the AWS credentials file), rotated by terrace's agent`

const inFileMode = (session: Session): boolean => session.status !== 'inactive' && session.mode === 'file'

/** Marks an active session whose keys the agent cannot renew (the reason is printed under the table). */
export const NOT_RENEWED_MARK = '(not renewed!)'

function status(session: ListedSession): string {
  const marks = [session.status, ...(inFileMode(session) ? [FILE_MARK] : [])]
  if (session.status === 'active' && session.renewal) marks.push(NOT_RENEWED_MARK)
  return marks.join(' ')
}

/**
 * A session's row; the region shown is its own, else the workspace default; expires: when an active session's
 * current credentials expire, relative to now ("in 42m", "expired"), "-" when inactive or unknown.
 */
export function sessionRow(session: ListedSession, defaultRegion: null | string, now: number): SessionRow {
  const expiresAt = session.status === 'active' && session.expiresAt ? Date.parse(session.expiresAt) : null
  return {
    account: account(session),
    expires: expiresIn(expiresAt, now),
    name: session.name,
    profile: session.profile,
    region: session.region ?? defaultRegion ?? '-',
    role: role(session),
    status: status(session),
    type: SHORT_NAME[session.type] ?? session.type,
  }
}

/** The line under the table for an active session the agent cannot renew. */
export const notRenewedNote = (session: ListedSession): string =>
  `${NOT_RENEWED_MARK} session ${session.name}: terrace's agent cannot renew its keys: ${session.renewal}`

const COLUMNS: Array<keyof SessionRow> = ['name', 'type', 'account', 'role', 'profile', 'region', 'status', 'expires']

export function formatSessionTable(sessions: ListedSession[], defaultRegion: null | string, now: number): string {
  const rows = [
    COLUMNS.map((column) => column.toUpperCase()),
    ...sessions.map((session) => {
      const row = sessionRow(session, defaultRegion, now)
      return COLUMNS.map((column) => row[column])
    }),
  ]
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column].length)))
  const lines = rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  )
  const notRenewed = sessions.filter((session) => session.status === 'active' && session.renewal)
  if (sessions.some((session) => inFileMode(session)) || notRenewed.length > 0) lines.push('')
  if (sessions.some((session) => inFileMode(session))) lines.push(FILE_NOTE)
  lines.push(...notRenewed.map((session) => notRenewedNote(session)))
  return `${lines.join('\n')}\n`
}
