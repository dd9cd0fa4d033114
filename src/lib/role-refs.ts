/**
 * Role references: which (account, role) a profile stands for and how it is reached. layers/ works them out from the
 * project (pure); auth/ receives them and gets credentials for them; runner/ binds them to a child's profiles.
 */
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

/** One link of a workspace session's way into AWS, root first: what each session of the chain adds. */
export type SessionLink =
  | {
      accountId: string
      accountName: null | string
      /** the session's id (its cache and locks are keyed by it) */
      id: string
      kind: 'sso'
      role: string
      ssoRegion: string
      startUrl: string
    }
  | {
      externalId: null | string
      id: string
      kind: 'assume'
      roleArn: string
      /** the session's own, else `terrace-<session name>` */
      roleSessionName: string
    }
  | {id: string; kind: 'iam-user'; mfaSerial: null | string}

/**
 * A workspace session (`terrace session add`), resolved into data: its links from the root session (an SSO role or
 * an IAM user) through every chained session's AssumeRole, so credentials can be had without reading the workspace.
 */
export interface SessionRef {
  /** the final account's name, when known */
  account: null | string
  /** the final account (an IAM user's: from its MFA device, else empty until its keys are read) */
  accountId: string
  kind: 'session'
  /** root first; the last link is the session itself */
  links: SessionLink[]
  /** the session's name, for messages */
  name: string
  /** the final role name (an IAM user session: empty) */
  role: string
  /** the session's id */
  session: string
  /** `session <name>`, for error messages */
  source: null | string
}

/** Where credentials can come from. */
export type RoleRef = ChainRef | IamRoleRef | SessionRef | SsoRoleRef

/** A named AWS profile a layer (or `aws configure sso`) uses, and the role behind it. */
export interface ProfileBinding<R extends RoleRef = RoleRef> {
  name: string
  ref: R
}

/**
 * What resolving `terrace chain add --source` needs from the project (layers/chain-bindings.ts chainProject): its
 * name, its accounts' ids, and its SSO portal, asked for only by an SSO-sourced chain (ConfigError, exit 4, when
 * common.tfvars lacks it).
 */
export interface ChainProject {
  accountIds: Record<string, null | string>
  name: string
  sso(): {ssoRegion: string; startUrl: string}
}
