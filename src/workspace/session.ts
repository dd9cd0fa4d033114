/** The sessions of the workspace (TERRACE_HOME/workspace.json): named ways into AWS, each with its type's fields. */
export const SESSION_TYPES = ['aws-sso-role', 'aws-iam-user', 'aws-iam-role-chained'] as const
export type SessionType = (typeof SESSION_TYPES)[number]

export const SESSION_STATUSES = ['inactive', 'pending', 'active'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]

/** The short names users type (`session add sso-role`, `--type chained`) for each type. */
export const SHORT_TYPES: Record<string, SessionType> = {
  chained: 'aws-iam-role-chained',
  'iam-user': 'aws-iam-user',
  'sso-role': 'aws-sso-role',
}

export const DEFAULT_PROFILE = 'default'

export interface SessionBase {
  /** stable and random: what secrets and served profiles are keyed by, unchanged by a rename */
  id: string
  /** unique, what users type */
  name: string
  /** the named profile the session is served under */
  profile: string
  /** null: the workspace default region */
  region: null | string
  startedAt: null | string
  status: SessionStatus
}

export interface SsoRoleSession extends SessionBase {
  accountId: string
  accountName: null | string
  roleName: string
  ssoRegion: string
  startUrl: string
  type: 'aws-sso-role'
}

/** Its access keys are not here: they belong in the vault, keyed by the session id. */
export interface IamUserSession extends SessionBase {
  mfaSerial: null | string
  type: 'aws-iam-user'
}

export interface ChainedSession extends SessionBase {
  externalId: null | string
  parentId: string
  roleArn: string
  roleSessionName: null | string
  type: 'aws-iam-role-chained'
}

export type Session = ChainedSession | IamUserSession | SsoRoleSession

export const WORKSPACE_VERSION = 2

export interface Workspace {
  defaultRegion: null | string
  sessions: Session[]
  version: typeof WORKSPACE_VERSION
}

export const emptyWorkspace = (): Workspace => ({defaultRegion: null, sessions: [], version: WORKSPACE_VERSION})
