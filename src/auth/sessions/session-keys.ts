/**
 * A workspace session's IAM user access keys in the vault (entry `session-keys:<session id>`, the same JSON as a
 * project's IAM user: keys, account, user ARN, MFA device), and everything else the vault holds for a session.
 * The vault is the only place the keys are kept; workspace.json never holds them.
 */
import type {SecretStore} from '../../vault/secret-store.js'

import {NotLoggedInError} from '../../lib/errors.js'
import {filterSessionEntries, sessionKeysEntry} from '../../vault/entries.js'
import {type IamUserKeys, iamUserKeysJson, parseIamUserKeys} from '../iam/iam-user-store.js'

export async function readSessionKeys(store: SecretStore, sessionId: string): Promise<IamUserKeys | undefined> {
  const raw = await store.get(sessionKeysEntry(sessionId))
  return raw === undefined ? undefined : parseIamUserKeys(raw)
}

export async function writeSessionKeys(store: SecretStore, sessionId: string, keys: IamUserKeys): Promise<void> {
  await store.set(sessionKeysEntry(sessionId), iamUserKeysJson(keys))
}

/** The stored keys, or NotLoggedInError (exit 5) naming the session and how to store keys again. */
export async function requireSessionKeys(store: SecretStore, sessionId: string, name: string): Promise<IamUserKeys> {
  const keys = await readSessionKeys(store, sessionId)
  if (keys) return keys
  throw new NotLoggedInError(`No access keys are stored in the vault for session ${name}.`, {
    suggestion: `Remove it (\`terrace session remove ${name}\`) and add it again with \`terrace session add iam-user\` to store its keys.`,
  })
}

/** Deletes every vault entry of the session (its keys, its cached credentials); returns the names deleted. */
export async function deleteSessionEntries(store: SecretStore, sessionId: string): Promise<string[]> {
  const deleted: string[] = []
  for (const account of filterSessionEntries(await store.list('session-'), sessionId))
    if (await store.delete(account)) deleted.push(account)
  return deleted
}
