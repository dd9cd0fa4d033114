/**
 * The integrations of the workspace: sources that know which accounts and roles a person can reach and turn them
 * into sessions on every sync. Each type keeps its own fields; no secret is ever held here (an SSO token lives in
 * the vault keyed by its start URL).
 */
export const INTEGRATION_TYPES = ['aws-sso', 'dynamodb'] as const
export type IntegrationType = (typeof INTEGRATION_TYPES)[number]

export const SYNC_RESULTS = ['ok', 'failed'] as const
export type SyncResult = (typeof SYNC_RESULTS)[number]

export interface SyncCounts {
  added: number
  removed: number
  unchanged: number
  updated: number
}

export interface LastSync {
  at: string
  counts: SyncCounts
  result: SyncResult
}

export interface IntegrationBase {
  /** unique, what users type (`integration sync corp`) and what synced sessions name in `source.integration` */
  alias: string
  /** null: never synced */
  lastSync: LastSync | null
}

/** IAM Identity Center: every account and role the login of `startUrl` reaches becomes an aws-sso-role session. */
export interface AwsSsoIntegration extends IntegrationBase {
  /** the region given to the sessions it creates (null: the workspace default) */
  defaultRegion: null | string
  /** the SSO region */
  region: string
  startUrl: string
  type: 'aws-sso'
}

/** A central account table in DynamoDB, read through `sourceSessionId`, the first hop of every chain it creates. */
export interface DynamoDbIntegration extends IntegrationBase {
  mfaSerial: null | string
  /** the table's region */
  region: string
  sourceSessionId: string
  table: string
  type: 'dynamodb'
}

export type Integration = AwsSsoIntegration | DynamoDbIntegration
