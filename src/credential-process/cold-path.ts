/**
 * A credential-process cache miss: the full credential source (SSO login renewal, role lock, GetRoleCredentials
 * through the lazily loaded SDK). Imported only when the cache did not answer.
 */
import type {AwsCredentials, RoleRef} from '../auth/credentials/types.js'
import type {SecretStore} from '../vault/secret-store.js'

import {dispatchingSource} from '../auth/credentials/dispatch-source.js'
import {createSsoCredentialSource} from '../auth/credentials/sso-source.js'
import {sdkOidc, sdkPortal} from '../auth/sso/sdk-ports.js'
import {SsoLogin} from '../auth/sso/sso-login.js'
import {systemClock} from '../lib/clock.js'

export async function refreshCredentials(options: {
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME/cache/locks, as for every other command */
  lockDir: string
  ref: RoleRef
  store: SecretStore
  ttlMs: number
}): Promise<AwsCredentials> {
  const {env, lockDir, store, ttlMs} = options
  const ssoLogin = new SsoLogin({clock: systemClock, env, lockDir, oidc: sdkOidc, store})
  const source = dispatchingSource({
    sso: createSsoCredentialSource({
      clock: systemClock,
      env,
      lockDir,
      portal: sdkPortal,
      ssoLogin,
      store,
      ttlMs,
    }),
  })
  return source.get(options.ref)
}
