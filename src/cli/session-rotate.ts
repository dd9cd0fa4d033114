/**
 * `terrace session rotate N`: fresh credentials now, and where they are served, at once.
 *   - When terrace's agent runs, it is asked first (forceRefresh): it then holds and serves the new credentials
 *     (credential-process through it gets them on the next ask), and for a file-mode session it is asked to
 *     re-register it: its turn writes the new keys into the credentials file and moves its schedule to them.
 *   - Otherwise, or when the agent cannot obtain them (an MFA code is needed: it has nobody to ask), they are
 *     obtained here (an MFA code asked on the terminal) and a file-mode session's keys are written into the
 *     credentials file from here; the agent's next turn then finds them in the vault's cache.
 * No agent is started for this.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {Session} from '../workspace/session.js'

import {homePaths} from '../lib/paths.js'
import {recordSessionRenewal, sessionRecordDir} from '../lib/session-records.js'

export interface RotateResult {
  /** the new keys were written into the credentials file (file mode), by the agent or by this command */
  delivered: 'agent' | 'here' | null
  expiresAt: string
  /** the agent's next rotation of a file-mode session (ISO), when it rotates it */
  nextAt: null | string
  session: Session
  /** the credentials came from the agent (it serves them from now on) */
  viaAgent: boolean
}

export async function rotateSessionNow(env: NodeJS.ProcessEnv, root: string, nameOrId: string): Promise<RotateResult> {
  const [{serveDeps}, {rotateSession}, {agentCredentialClient}, {registerFileRotation}, {deliverFileCredentials}] =
    await Promise.all([
      import('./session-credentials.js'),
      import('../workspace/session-serving.js'),
      import('../agent/credentials-client.js'),
      import('./file-rotation.js'),
      import('../workspace/file-delivery.js'),
    ])
  const deps = serveDeps(env, root)
  // only an agent that already runs is asked
  const agent = agentCredentialClient({env: {...env, TERRACE_AGENT: 'off'}, home: homePaths(env).root})
  let viaAgent = false
  let creds: AwsCredentials | undefined
  const {expiresAt, session} = await rotateSession(
    {
      ...deps,
      async obtain(ref, options) {
        const fromAgent = await agent.credentials(
          {kind: 'session', session: ref.session},
          {forceRefresh: options.force},
        )
        viaAgent = fromAgent !== undefined
        creds = fromAgent ?? (await deps.obtain(ref, options))
        return creds
      },
    },
    nameOrId,
  )
  const result: RotateResult = {delivered: null, expiresAt, nextAt: null, session, viaAgent}
  if (session.status !== 'active' || session.mode !== 'file' || !creds) return result
  if (viaAgent) {
    const registration = await registerFileRotation({...env, TERRACE_AGENT: 'off'}, session.id)
    if (registration.registered) return {...result, delivered: 'agent', nextAt: registration.nextAt}
  }

  const written = await deliverFileCredentials(deps, session.id, creds)
  // renewed by hand: the agent's "cannot renew" record (an MFA code was needed) no longer holds
  if (written) await recordSessionRenewal(sessionRecordDir(homePaths(env).cache), session.id, null, Date.now())
  return {...result, delivered: written ? 'here' : null}
}
