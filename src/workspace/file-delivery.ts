/**
 * File mode's delivery, as the agent's rotation does it: which sessions are served in file mode, what to obtain for
 * one, and writing fresh credentials for it into the credentials file's managed block. The write takes the lock of
 * start and stop (session-serving.ts) and happens only while the session still serves its profile in file mode, so a
 * stop is never undone by a rotation that was under way.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {SessionRef} from '../lib/role-refs.js'
import type {Session} from './session.js'

import {readProfileRegistry} from '../auth/credentials/profile-registry.js'
import {credentialsSection, editAwsCredentialsFile} from '../awsfiles/credentials-file.js'
import {withLock} from '../lib/lock.js'
import {sessionRef} from './session-ref.js'
import {serveLock} from './session-serving.js'
import {readWorkspace, type WorkspaceStore} from './workspace-file.js'

export interface FileDeliveryDeps {
  /** TERRACE_HOME/config: the profile registry */
  configDir: string
  workspace: WorkspaceStore
}

const servedInFileMode = (session: Session | undefined): session is Session =>
  session?.status === 'active' && session.mode === 'file'

/** The ids of the sessions active in file mode (what a starting agent rotates). */
export async function fileModeSessions(store: WorkspaceStore): Promise<string[]> {
  const workspace = await readWorkspace(store)
  return workspace.sessions.filter((s) => servedInFileMode(s)).map((s) => s.id)
}

/** What to obtain credentials for, while the session is active in file mode; null otherwise (or when it is gone). */
export async function fileModeRef(store: WorkspaceStore, id: string): Promise<null | SessionRef> {
  const workspace = await readWorkspace(store)
  const session = workspace.sessions.find((s) => s.id === id)
  return servedInFileMode(session) ? sessionRef(workspace, session) : null
}

/**
 * Writes creds as the session's `[P]` in the credentials file the registry names for its profile; false (nothing
 * written) when the session no longer serves that profile in file mode.
 */
export async function deliverFileCredentials(
  deps: FileDeliveryDeps,
  id: string,
  creds: AwsCredentials,
): Promise<boolean> {
  return withLock(serveLock(deps.workspace), async () => {
    const session = (await readWorkspace(deps.workspace)).sessions.find((s) => s.id === id)
    if (!servedInFileMode(session)) return false
    const registry = await readProfileRegistry(deps.configDir)
    const served = Object.hasOwn(registry, session.profile) ? registry[session.profile] : undefined
    if (served?.ref.kind !== 'session' || served.ref.session !== id || !served.credentialsFile) return false
    const edit = await editAwsCredentialsFile(served.credentialsFile, {
      set: [credentialsSection(session.profile, creds)],
    })
    return edit.clashes.length === 0
  })
}
