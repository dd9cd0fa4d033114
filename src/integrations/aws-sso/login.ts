/**
 * The login of an aws-sso integration is the SSO login of its start URL: the same device flow and token store as
 * `terrace aws sso login`, so a project and an integration on one start URL share it. Logging out revokes the
 * token at AWS and wipes everything derived from that start URL (token, registration, cached role credentials),
 * then makes the agent forget what it held.
 */
import type {AwsSsoIntegration} from '../../workspace/integration.js'
import type {LogoutOutcome} from '../driver.js'

import {requestAgent} from '../../agent/client.js'
import {agentPaths} from '../../agent/paths.js'
import {createAuthServices} from '../../auth/services.js'
import {loginToStartUrl} from '../../auth/sso/login-flow.js'
import {logoutStartUrl} from '../../auth/sso/sso-logout.js'

export async function loginAwsSso(
  integration: AwsSsoIntegration,
  options: {force?: boolean; noBrowser?: boolean},
  context: {env: NodeJS.ProcessEnv; log(message: string): void},
): Promise<{expiresAt: string}> {
  const services = await createAuthServices({env: context.env})
  const result = await loginToStartUrl(integration, options, {
    log: context.log,
    portal: services.portal,
    ssoLogin: services.ssoLogin,
  })
  return {expiresAt: result.expiresAt}
}

export async function logoutAwsSso(
  integration: AwsSsoIntegration,
  context: {env: NodeJS.ProcessEnv},
): Promise<LogoutOutcome> {
  const services = await createAuthServices({env: context.env})
  const report = await logoutStartUrl(integration.startUrl, {
    env: services.env,
    portal: services.portal,
    ssoLogin: services.ssoLogin,
    store: services.store,
  })
  await requestAgent(agentPaths(services.paths.root), 'wipe')
  return {failure: report.failure, note: report.note, revoked: report.revoked, wiped: report.wiped}
}

/** When the stored token expires (no network call); null when none is stored. */
export async function awsSsoLoggedInUntil(
  integration: AwsSsoIntegration,
  env: NodeJS.ProcessEnv,
): Promise<null | string> {
  const services = await createAuthServices({env})
  const token = await services.ssoLogin.readToken(integration.startUrl)
  return token ? new Date(token.expiresAt).toISOString() : null
}
