/** `terrace exec|aws --session NAME`: the session as the child's default profile, and its region. */
import type {ProfileBinding, SessionRef} from '../lib/role-refs.js'

import {sessionRef} from './session-ref.js'
import {findSession} from './session-service.js'
import {workspaceStore} from './store.js'
import {readWorkspace} from './workspace-file.js'

/** The profile name a `--session` run gives the session (the child's default credentials). */
export const sessionProfileName = (name: string): string => `terrace-session-${name}`

export async function sessionBinding(
  env: NodeJS.ProcessEnv,
  nameOrId: string,
): Promise<{binding: ProfileBinding<SessionRef>; region: null | string}> {
  const workspace = await readWorkspace(workspaceStore(env))
  const session = findSession(workspace, nameOrId)
  return {
    binding: {name: sessionProfileName(session.name), ref: sessionRef(workspace, session)},
    region: session.region ?? workspace.defaultRegion,
  }
}
