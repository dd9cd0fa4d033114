import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {Clock} from '../../lib/clock.js'
import type {SsoRoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {SsoLogin} from '../sso/sso-login.js'
import type {PortalPort} from '../sso/types.js'
import type {AwsCredentials, CredentialRequest, CredentialSource} from './types.js'

import {AwsRefusedError, TerraceError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {normalizeStartUrl} from '../../vault/entries.js'
import {awsErrorName, endpointFor, toTerraceError} from '../aws-errors.js'
import {withSsoToken} from '../sso/with-sso-token.js'
import {readCachedCredentials, writeCachedCredentials} from './credential-cache.js'
import {singleFlightSource, usableAfterLock} from './single-flight.js'

export interface SsoCredentialSourceDeps {
  clock: Clock
  env: NodeJS.ProcessEnv
  /** directory of the cross-process locks (TERRACE_HOME/cache/locks) */
  lockDir: string
  portal(region: string): Promise<PortalPort>
  ssoLogin: SsoLogin
  store: SecretStore
  /** see credentialTtlMs */
  ttlMs: number
}

/** The lock serialising refreshes of one (start URL, account, role) across every terrace process. */
export function roleLockPath(lockDir: string, ref: SsoRoleRef): string {
  const key = `${normalizeStartUrl(ref.startUrl)}|${ref.accountId}|${ref.role}`
  return join(lockDir, `role-${createHash('sha256').update(key).digest('hex').slice(0, 16)}.lock`)
}

/** "apps-devstg (555555555555)" or just the id when the project's name for the account is unknown. */
export const describeAccount = (ref: SsoRoleRef): string =>
  ref.account ? `${ref.account} (${ref.accountId})` : ref.accountId

/**
 * Role credentials from IAM Identity Center (GetRoleCredentials), cached in the vault for at most ttlMs.
 * A miss takes the role's lock, then looks at the cache again (another process may have just refreshed it), so
 * N processes with a cold cache make one GetRoleCredentials per role. forceRefresh skips the cache, but credentials
 * another process stored after this request looked at the cache still count (so forced refreshes single-flight too).
 */
export function createSsoCredentialSource(deps: SsoCredentialSourceDeps): CredentialSource<SsoRoleRef> {
  async function refresh(
    ref: SsoRoleRef,
    force: boolean,
    seen: AwsCredentials | undefined,
    request: CredentialRequest,
  ): Promise<AwsCredentials> {
    return withLock(roleLockPath(deps.lockDir, ref), async () => {
      const cached = await readCachedCredentials(deps.store, ref)
      if (usableAfterLock(cached, seen, force, deps)) return cached

      const creds = await fetchRoleCredentials(deps, ref, request.neededFor)
      await writeCachedCredentials(deps.store, ref, creds)
      return creds
    })
  }

  return singleFlightSource(deps, {
    key: (ref) => roleLockPath('', ref),
    read: (ref) => readCachedCredentials(deps.store, ref),
    refresh,
  })
}

/** GetRoleCredentials with the login's access token (renewed once when AWS rejects it: withSsoToken). */
async function fetchRoleCredentials(
  deps: SsoCredentialSourceDeps,
  ref: SsoRoleRef,
  neededFor: string | undefined,
): Promise<AwsCredentials> {
  const what = `getting credentials for role ${ref.role} in account ${describeAccount(ref)}`
  const endpoint = endpointFor('sso', ref.ssoRegion, deps.env)
  const token = await deps.ssoLogin.accessToken(ref.startUrl, {neededFor})
  let portal: PortalPort
  try {
    portal = await deps.portal(ref.ssoRegion)
  } catch (error) {
    throw toTerraceError(error, {endpoint, neededFor, what})
  }

  try {
    return await withSsoToken(
      deps.ssoLogin,
      ref.startUrl,
      async ({accessToken}) => {
        const out = await portal.getRoleCredentials({accessToken, accountId: ref.accountId, roleName: ref.role})
        return {
          accessKeyId: out.accessKeyId,
          expiration: out.expiration,
          obtainedAt: deps.clock.now(),
          secretAccessKey: out.secretAccessKey,
          sessionToken: out.sessionToken,
        }
      },
      {neededFor, token},
    )
  } catch (error) {
    if (error instanceof TerraceError) throw error
    const name = awsErrorName(error)
    if (/Forbidden|AccessDenied|ResourceNotFound/.test(name)) throw refused(ref, name, error)
    throw toTerraceError(error, {endpoint, neededFor, what})
  }
}

function refused(ref: SsoRoleRef, name: string, cause: unknown): Error {
  const from = ref.source ? ` The role comes from ${ref.source}.` : ''
  return new AwsRefusedError(
    `IAM Identity Center refused role ${ref.role} in account ${describeAccount(ref)} (${name}).${from}`,
    {
      cause,
      suggestion:
        `Check that your user has the permission set "${ref.role}" assigned in account ${ref.accountId} ` +
        `(IAM Identity Center > AWS accounts)${ref.source ? `, or fix the role in ${ref.source}` : ''}.`,
    },
  )
}
