/**
 * Stopping sessions when their integration logs out, is removed, or their role leaves the source: each running one
 * through session stop (session-serving.ts stopSession: its profile leaves the AWS config, the session becomes
 * inactive), then, in the workspace, whatever still says started (mode, start time) is cleared.
 */
import type {Session} from '../workspace/session.js'

export const isRunning = (session: Session): boolean => session.status !== 'inactive'

/** How a session is stopped for real (its profile served no more); the commands pass servingStop. */
export type StopSession = (session: Session) => Promise<unknown>

/** session stop's own function, loaded on demand (root: the package root, for the credential_process line). */
export function servingStop(env: NodeJS.ProcessEnv, root: string): StopSession {
  return async (session) => {
    const [{serveDeps}, {stopSession}] = await Promise.all([
      import('../cli/session-credentials.js'),
      import('../workspace/session-serving.js'),
    ])
    return stopSession(serveDeps(env, root), session.id)
  }
}

/** Stops every running session among `sessions`, one after the other. */
export async function stopRunning(sessions: readonly Session[], stop: StopSession): Promise<Session[]> {
  const running = sessions.filter((session) => isRunning(session))
  for (const session of running) await stop(session)
  return running
}

export function stoppedSession<S extends Session>(session: S): S {
  return isRunning(session) || session.mode !== null || session.startedAt !== null
    ? {...session, mode: null, startedAt: null, status: 'inactive'}
    : session
}
