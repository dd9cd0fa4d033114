/**
 * The contract between auth/ (where credentials come from) and runner/ (how they reach a child); the role references
 * they are asked for are in lib/role-refs.ts. Timestamps are epoch milliseconds.
 */
import type {RoleRef} from '../../lib/role-refs.js'

export interface AwsCredentials {
  accessKeyId: string
  /** when AWS says these credentials stop working */
  expiration: number
  /** when terrace obtained them (handed-out credentials are at most TERRACE_CREDENTIAL_TTL, default 1800 s, old) */
  obtainedAt: number
  secretAccessKey: string
  sessionToken?: string
}

/** One request for credentials. */
export interface CredentialRequest {
  /** skip the cache (AWS refused the cached credentials) */
  forceRefresh?: boolean
  /**
   * what the credentials are for (`layer apps-devstg/us-east-1/base-network`): a failure that needs a login names
   * it ("… (needed for layer …).")
   */
  neededFor?: string
}

/**
 * Gives credentials for a role: from the vault cache when younger than the TTL, else fresh from AWS, one refresh
 * per role at a time across every terrace process.
 */
export interface CredentialSource<R extends RoleRef = RoleRef> {
  get(ref: R, options?: CredentialRequest): Promise<AwsCredentials>
}
