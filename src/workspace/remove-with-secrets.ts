/**
 * `terrace session remove`: active ones stopped, the sessions out of workspace.json (removeSession), then every vault
 * entry they had (their keys, their cached credentials). The vault is opened first, so a vault that cannot be opened
 * removes nothing; it is opened only when a removed session can own entries (an IAM user or a chained session:
 * an SSO role session's credentials are the SSO role's, shared with projects).
 */
import {join} from 'node:path'

import type {SecretStore} from '../vault/secret-store.js'
import type {Session, Workspace} from './session.js'

import {deleteSessionEntries} from '../auth/sessions/session-keys.js'
import {removeSessionRecords, sessionRecordDir} from '../lib/session-records.js'
import {descendants, findSession, removeSession} from './session-service.js'
import {readWorkspace, type WorkspaceStore} from './workspace-file.js'

export interface RemoveDeps {
  /** stops an active session (session-serving.ts stopSession): its profile leaves the AWS config first */
  stop(session: Session): Promise<unknown>
  /** opens the vault (may prompt for its passphrase) */
  vault(): Promise<SecretStore>
  workspace: WorkspaceStore
}

/** The chained sessions a removal without --with-children refuses on (removeSession says so, exit 2). */
const children = (workspace: Workspace, session: Session, options: {withChildren?: boolean}): Session[] =>
  options.withChildren ? [] : descendants(workspace, session.id)

const ownsEntries = (session: Session): boolean => session.type !== 'aws-sso-role'

export async function removeSessionAndSecrets(
  deps: RemoveDeps,
  nameOrId: string,
  options: {withChildren?: boolean} = {},
): Promise<{deletedEntries: string[]; removed: Session[]}> {
  const workspace = await readWorkspace(deps.workspace)
  const session = findSession(workspace, nameOrId)
  const candidates = [session, ...(options.withChildren ? descendants(workspace, session.id) : [])]
  const vault = candidates.some((candidate) => ownsEntries(candidate)) ? await deps.vault() : undefined
  if (children(workspace, session, options).length === 0) {
    for (const candidate of candidates) if (candidate.status !== 'inactive') await deps.stop(candidate)
  }

  const removed = await removeSession(deps.workspace, nameOrId, options)
  // their expiry and renewal records (no secret) go too
  const records = sessionRecordDir(join(deps.workspace.files.root, 'cache'))
  for (const gone of removed) removeSessionRecords(records, gone.id)
  const deletedEntries: string[] = []
  if (vault) for (const gone of removed) deletedEntries.push(...(await deleteSessionEntries(vault, gone.id)))
  return {deletedEntries, removed}
}
