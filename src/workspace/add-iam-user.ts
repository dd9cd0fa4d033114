/**
 * `terrace session add iam-user`: the session definition in workspace.json and its access keys in the vault, keyed
 * by the session id. The flags are checked first (exit 2 naming a bad or missing one, before any key is asked for),
 * then the keys are verified with GetCallerIdentity (auth/iam/configure-iam-user.ts verifiedAccessKeys), stored,
 * and only then is the session written. A failure after the keys were stored takes them back out of the vault.
 */
import {randomUUID} from 'node:crypto'

import type {IamUserKeys} from '../auth/iam/iam-user-store.js'
import type {SecretStore} from '../vault/secret-store.js'
import type {IamUserSession} from './session.js'

import {checkMfaFlags} from '../auth/iam/configure-iam-user.js'
import {deleteSessionEntries, writeSessionKeys} from '../auth/sessions/session-keys.js'
import {buildSession, type SessionInput} from './session-service.js'
import {readWorkspace, updateWorkspace, type WorkspaceStore} from './workspace-file.js'

export interface AddIamUserDeps {
  vault: SecretStore
  /** the verified keys with their MFA device (verifiedAccessKeys bound to the command's key input and STS) */
  verifiedKeys(mfa: {fetchMfaDevice: boolean; mfaSerial: null | string}): Promise<IamUserKeys>
  workspace: WorkspaceStore
}

export async function addIamUserSession(
  deps: AddIamUserDeps,
  input: SessionInput & {fetchMfaDevice: boolean},
): Promise<{keys: Pick<IamUserKeys, 'accountId' | 'userArn'> & {accessKeyIdEnding: string}; session: IamUserSession}> {
  const mfa = {fetchMfaDevice: input.fetchMfaDevice, mfaSerial: input.mfaSerial ?? null}
  checkMfaFlags(mfa)
  const fields: SessionInput = {...input}
  delete (fields as {fetchMfaDevice?: boolean}).fetchMfaDevice
  buildSession(await readWorkspace(deps.workspace), 'aws-iam-user', fields) // the flags, before any key is asked
  const keys = await deps.verifiedKeys(mfa)
  const id = randomUUID()
  await writeSessionKeys(deps.vault, id, keys)
  let session: IamUserSession
  try {
    session = await updateWorkspace(deps.workspace, (workspace) => {
      const next = buildSession(workspace, 'aws-iam-user', {...fields, mfaSerial: keys.mfaSerial ?? undefined}, id)
      return {result: next as IamUserSession, workspace: {...workspace, sessions: [...workspace.sessions, next]}}
    })
  } catch (error) {
    await deleteSessionEntries(deps.vault, id)
    throw error
  }

  return {
    keys: {accessKeyIdEnding: keys.accessKeyId.slice(-4), accountId: keys.accountId, userArn: keys.userArn},
    session,
  }
}
