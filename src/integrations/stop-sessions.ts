/**
 * Stopping sessions when their integration logs out, is removed, or their role leaves the source. Session start and
 * stop (serving credentials under a profile) belong to the session commands; until those land this is the
 * workspace side only: the session becomes inactive, not started (mode null), with no start time.
 */
import type {Session} from '../workspace/session.js'

export const isRunning = (session: Session): boolean => session.status !== 'inactive'

export function stoppedSession<S extends Session>(session: S): S {
  return isRunning(session) || session.mode !== null || session.startedAt !== null
    ? {...session, mode: null, startedAt: null, status: 'inactive'}
    : session
}
