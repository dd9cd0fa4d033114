/**
 * The credentials a dynamodb integration reads its table with: its source session's, from the credential root of
 * this run (the session credential source: the vault cache, an MFA code asked at most once, renewal), as `session
 * start` gets them. Loaded on the first sync read only.
 */
import type {StaticClientCredentials} from '../../auth/aws-clients.js'
import type {Workspace} from '../../workspace/session.js'

import {findSession} from '../../workspace/session-service.js'

export async function sourceSessionCredentials(
  sessionId: string,
  context: {env: NodeJS.ProcessEnv; workspace: Workspace},
): Promise<StaticClientCredentials> {
  const [{sessionCredentials}, {sessionRef}] = await Promise.all([
    import('../../cli/session-credentials.js'),
    import('../../workspace/session-ref.js'),
  ])
  const ref = sessionRef(context.workspace, findSession(context.workspace, sessionId))
  return sessionCredentials(context.env).obtain(ref, {force: false})
}
