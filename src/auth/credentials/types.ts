/**
 * The contract between auth/ (where credentials come from) and runner/ (how they reach a child).
 * Timestamps are epoch milliseconds.
 */
export interface AwsCredentials {
  accessKeyId: string
  /** when AWS says these credentials stop working */
  expiration: number
  /** when terrace obtained them (handed-out credentials are at most TERRACE_CREDENTIAL_TTL, default 1800 s, old) */
  obtainedAt: number
  secretAccessKey: string
  sessionToken?: string
}

/** One (account, role) reached through IAM Identity Center. */
export interface SsoRoleRef {
  /** the project's name for the account (`apps-devstg`), when known */
  account: null | string
  accountId: string
  kind: 'sso'
  /** the role name exactly as the project writes it (`DevOps`) */
  role: string
  /** the file the role came from (account.tfvars), for error messages */
  source: null | string
  ssoRegion: string
  startUrl: string
}

/** Where credentials can come from. Issue 6 adds IAM-user/MFA and chain refs beside SsoRoleRef. */
export type RoleRef = SsoRoleRef

/** A named AWS profile a layer (or `aws configure sso`) uses, and the role behind it. */
export interface ProfileBinding {
  name: string
  ref: RoleRef
}

/**
 * Gives credentials for a role: from the vault cache when younger than the TTL, else fresh from AWS, one refresh
 * per role at a time across every terrace process.
 */
export interface CredentialSource {
  get(ref: RoleRef, options?: {forceRefresh?: boolean}): Promise<AwsCredentials>
}
