/** The sessions of the workspace (TERRACE_HOME/workspace.json): named ways into AWS, each with its type's fields. */
import type {Integration} from './integration.js'

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

/** How a started session's credentials are served (`session start --mode`); null: never started. */
export const SESSION_MODES = ['process', 'file'] as const
export type SessionMode = (typeof SESSION_MODES)[number]

/**
 * Where a synced session comes from: the integration's alias and the session's stable identity in that source
 * (`accountId/roleName` for aws-sso). null: added by hand.
 */
export interface SessionSource {
  integration: string
  key: string
}

export interface SessionBase {
  /** stable and random: what secrets and served profiles are keyed by, unchanged by a rename */
  id: string
  mode: null | SessionMode
  /** unique, what users type */
  name: string
  /** the named profile the session is served under */
  profile: string
  /** null: the workspace default region */
  region: null | string
  source: null | SessionSource
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

export const WORKSPACE_VERSION = 3

export interface Workspace {
  defaultRegion: null | string
  integrations: Integration[]
  sessions: Session[]
  version: typeof WORKSPACE_VERSION
}

export const emptyWorkspace = (): Workspace => ({
  defaultRegion: null,
  integrations: [],
  sessions: [],
  version: WORKSPACE_VERSION,
})
