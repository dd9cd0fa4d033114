/**
 * What each integration type implements (one module per type: aws-sso/, dynamodb/): read its source into the
 * sessions it holds now, and, where the source has a login of its own, log in and out. The commands and the sync
 * go through this interface only; registry.ts maps each type to its driver.
 */
import type {Integration} from '../workspace/integration.js'
import type {Session, Workspace} from '../workspace/session.js'
import type {DesiredSession, RequestStats} from './types.js'

export interface SourceProgress {
  /** units read so far and in all (null while the total is not known yet) */
  done: number
  requests: number
  retries: number
  throttled: number
  total: null | number
  /** what is counted: "accounts", "items" */
  unit: string
}

export interface ReadContext {
  env: NodeJS.ProcessEnv
  onProgress(progress: SourceProgress): void
  /** requests per second (`--rate`, default 20) */
  rate: number
  /** aborted on Ctrl-C: no request starts after it */
  signal: AbortSignal
  workspace: Workspace
}

export interface LogoutOutcome {
  /** when the sign-in session could not be ended at the source: what stays valid, and the exit code */
  failure: null | {exitCode: number; message: string}
  note: null | string
  revoked: boolean
  /** vault entries deleted (names only) */
  wiped: string[]
}

export interface IntegrationDriver<I extends Integration = Integration> {
  /** when the integration's login expires (ISO), null when not logged in; undefined: the type has no login */
  loggedInUntil?(integration: I, env: NodeJS.ProcessEnv): Promise<null | string>
  login?(
    integration: I,
    options: {force?: boolean; noBrowser?: boolean},
    context: {env: NodeJS.ProcessEnv; log(message: string): void},
  ): Promise<{expiresAt: string}>
  logout?(integration: I, context: {env: NodeJS.ProcessEnv; sessions: Session[]}): Promise<LogoutOutcome>
  read(
    integration: I,
    context: ReadContext,
  ): Promise<{
    sessions: DesiredSession[]
    /** what in the source could not become a session, and why (named in the summary) */
    skipped?: string[]
    stats: RequestStats
  }>
}
