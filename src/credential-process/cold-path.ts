/**
 * A credential-process cache miss: the full credential source (SSO login renewal, role lock, GetRoleCredentials
 * through the lazily loaded SDK). Imported only when the cache did not answer.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'
import type {RoleRef} from '../lib/role-refs.js'
import type {SecretStore} from '../vault/secret-store.js'

import {openChainSource} from '../auth/chains/open-chain-source.js'
import {dispatchingSource} from '../auth/credentials/dispatch-source.js'
import {createSsoCredentialSource} from '../auth/credentials/sso-source.js'
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
  ttlMs: number
}): Promise<AwsCredentials> {
  const {env, lockDir, store, ttlMs} = options
  const ssoLogin = new SsoLogin({clock: systemClock, env, lockDir, oidc: sdkOidc, store})
  const sso = createSsoCredentialSource({
    clock: systemClock,
    env,
    lockDir,
    portal: sdkPortal,
    ssoLogin,
    store,
    ttlMs,
  })
  // run by AWS tools, never from a prompt: an MFA code only from TERRACE_MFA_CODE
  const chain =
    options.ref.kind === 'chain'
      ? await openChainSource({
          clock: systemClock,
          configDir: homePaths(env).config,
          env,
          interactive: false,
          isChildRunning: () => false,
          lockDir,
          sso,
          stderr: process.stderr,
          store,
          ttlMs,
        })
      : undefined
  // MFA projects: a cached MFA session, or TERRACE_MFA_CODE; never a prompt
  const iam =
    options.ref.kind === 'iam'
      ? (await import('../auth/iam/open-iam-source.js')).openIamSource({
          clock: systemClock,
          env,
          interactive: () => false,
          lockDir,
          stderr: process.stderr,
          store,
          ttlMs,
        })
      : undefined
  const source = dispatchingSource({chain, iam, sso})
  return source.get(options.ref)
}
