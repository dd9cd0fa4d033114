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

/** The IAM users a project may keep in the vault (`terrace credentials configure --type …`). */
export type IamUserType = 'bootstrap' | 'management' | 'security'

/**
 * One (account, role) reached by AssumeRole from one of the project's IAM users, through that user's cached
 * GetSessionToken-with-MFA session (MFA projects: `sso_enabled = false`, `MFA_ENABLED=true` in build.env, or
 * terrace.json).
 */
export interface IamRoleRef {
  account: null | string
  accountId: string
  kind: 'iam'
  /** the project name the IAM user's keys are stored under */
  project: string
  /** the role name (`DevOps`): arn:aws:iam::<accountId>:role/<role> */
  role: string
  /** the file the role came from, for error messages */
  source: null | string
  /** which of the project's IAM users assumes the role */
  userType: IamUserType
}

/** A named multi-hop role chain (`terrace chain add`), whose last hop's role is what the child gets. */
export interface ChainRef {
  /** the project's name for the final hop's account, when known */
  account: null | string
  /** the final hop's account (from its role ARN) */
  accountId: string
  /** the chain's name under TERRACE_HOME/config */
  chain: string
  kind: 'chain'
  /** the final hop's role name (from its role ARN) */
  role: string
  /** where the chain was named (terrace.json, or the --chain flag), for error messages */
  source: null | string
}

/** Where credentials can come from. */
export type RoleRef = ChainRef | IamRoleRef | SsoRoleRef

/** A named AWS profile a layer (or `aws configure sso`) uses, and the role behind it. */
export interface ProfileBinding<R extends RoleRef = RoleRef> {
  name: string
  ref: R
}

/**
 * Gives credentials for a role: from the vault cache when younger than the TTL, else fresh from AWS, one refresh
 * per role at a time across every terrace process.
 */
export interface CredentialSource<R extends RoleRef = RoleRef> {
  get(ref: R, options?: {forceRefresh?: boolean}): Promise<AwsCredentials>
}
