/**
 * A credential-process cache miss: the full credential source (SSO login renewal, role lock, GetRoleCredentials
 * through the lazily loaded SDK) from the credential root. Imported only when the cache did not answer.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {RoleRef} from '../lib/role-refs.js'
import type {SecretStore} from '../vault/secret-store.js'

import {composeCredentials} from '../auth/credential-root.js'
import {mfaPolicy} from '../auth/iam/mfa-code.js'
import {sdkOidc, sdkPortal} from '../auth/sso/sdk-ports.js'
import {SsoLogin} from '../auth/sso/sso-login.js'
import {systemClock} from '../lib/clock.js'
import {homePaths} from '../lib/paths.js'

export async function refreshCredentials(options: {
  env: NodeJS.ProcessEnv
  /** TERRACE_HOME/cache/locks, as for every other command */
  lockDir: string
  ref: RoleRef
  store: SecretStore
}): Promise<AwsCredentials> {
  const {env, lockDir, store} = options
  const ssoLogin = new SsoLogin({clock: systemClock, env, lockDir, oidc: sdkOidc, store})
  const {source} = composeCredentials(
    {clock: systemClock, configDir: homePaths(env).config, env, lockDir, portal: sdkPortal, ssoLogin, store},
    // run by AWS tools, never from a prompt: a cached MFA session, or TERRACE_MFA_CODE
    {mfa: mfaPolicy({env, prompt: null}), mfaSessionSeconds: null, stderr: process.stderr},
  )
  return source.get(options.ref)
}
