/** The role reference of a workspace session named by id or name, from TERRACE_HOME/workspace.json. */
import type {SessionRef} from '../lib/role-refs.js'

import {sessionRef} from './session-ref.js'
import {findSession} from './session-service.js'
import {workspaceStore} from './store.js'
import {readWorkspace} from './workspace-file.js'

export async function sessionRefOf(env: NodeJS.ProcessEnv, nameOrId: string): Promise<SessionRef> {
  const workspace = await readWorkspace(workspaceStore(env))
  return sessionRef(workspace, findSession(workspace, nameOrId))
}
