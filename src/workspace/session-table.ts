/** `terrace session list` for people: aligned columns, two spaces apart, like the --layers summary. */
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

/** A session's row; the region shown is its own, else the workspace default. No credentials yet: no expiry. */
export function sessionRow(session: Session, defaultRegion: null | string): SessionRow {
  return {
    account: account(session),
    expires: '-',
    name: session.name,
    profile: session.profile,
    region: session.region ?? defaultRegion ?? '-',
    role: role(session),
    status: inFileMode(session) ? `${session.status} ${FILE_MARK}` : session.status,
    type: SHORT_NAME[session.type] ?? session.type,
  }
}

const COLUMNS: Array<keyof SessionRow> = ['name', 'type', 'account', 'role', 'profile', 'region', 'status', 'expires']

export function formatSessionTable(sessions: Session[], defaultRegion: null | string): string {
  const rows = [
    COLUMNS.map((column) => column.toUpperCase()),
    ...sessions.map((session) => {
      const row = sessionRow(session, defaultRegion)
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
  if (sessions.some((session) => inFileMode(session))) lines.push('', FILE_NOTE)
  return `${lines.join('\n')}\n`
}
