/**
 * Reading IAM Identity Center: every account and role the login of the integration's start URL reaches (the paced,
 * retrying listing `aws configure sso --all` uses), as aws-sso-role sessions keyed `accountId/roleName`.
 */
import type {ReachableRole} from '../../awsfiles/sso-role-listing.js'
import type {AwsSsoIntegration} from '../../workspace/integration.js'
import type {ReadContext} from '../driver.js'
import type {DesiredSession, RequestStats} from '../types.js'

import {endpointFor, toTerraceError} from '../../auth/aws-errors.js'
import {createAuthServices} from '../../auth/services.js'
import {sdkPortal} from '../../auth/sso/sdk-ports.js'
import {withSsoToken} from '../../auth/sso/with-sso-token.js'
import {listReachableRoles} from '../../awsfiles/sso-role-listing.js'
import {NotLoggedInError} from '../../lib/errors.js'

/** attempts per portal request: throttled and failed answers are retried this often before the sync fails */
const MAX_ATTEMPTS = 10
/** ListAccountRoles calls in flight at once */
const IN_FLIGHT = 16

export function desiredSessions(integration: AwsSsoIntegration, roles: readonly ReachableRole[]): DesiredSession[] {
  return roles.map((role) => ({
    fields: {
      accountId: role.accountId,
      accountName: role.accountName,
      roleName: role.roleName,
      ssoRegion: integration.region,
      startUrl: integration.startUrl,
      type: 'aws-sso-role',
    },
    key: `${role.accountId}/${role.roleName}`,
    name: `${integration.alias}-${role.accountName ?? role.accountId}-${role.roleName}`,
    region: integration.defaultRegion,
  }))
}

export async function readAwsSso(
  integration: AwsSsoIntegration,
  context: ReadContext,
): Promise<{sessions: DesiredSession[]; stats: RequestStats}> {
  const services = await createAuthServices({env: context.env})
  // no SDK retries nor its adaptive client-side limiter underneath (it throttles itself after 429s, whatever the
  // pacer says): every attempt is paced and counted here
  const portal = await sdkPortal(integration.region, {maxAttempts: 1, retryMode: 'standard'})
  const counts = {requests: 0, retries: 0, throttled: 0}
  const started = Date.now()
  let total: null | number = null
  const report = (done: number) => context.onProgress({...counts, done, total, unit: 'accounts'})
  try {
    const roles = await withSsoToken(services.ssoLogin, integration.startUrl, ({accessToken}) =>
      listReachableRoles(portal, accessToken, {
        concurrency: IN_FLIGHT,
        counts,
        maxAttempts: MAX_ATTEMPTS,
        onProgress(done, all) {
          total = all
          report(done)
        },
        perSecond: context.rate,
        signal: context.signal,
      }),
    )
    return {sessions: desiredSessions(integration, roles), stats: {...counts, elapsedMs: Date.now() - started}}
  } catch (error) {
    if (context.signal.aborted) throw error
    if (error instanceof NotLoggedInError) {
      throw new NotLoggedInError(error.message, {
        suggestion: `Run \`terrace integration login ${integration.alias}\` (or \`terrace aws sso login --start-url ${integration.startUrl} --region ${integration.region}\`).`,
      })
    }

    throw toTerraceError(error, {
      endpoint: endpointFor('sso', integration.region, context.env),
      what: `listing the accounts and roles of ${integration.startUrl}`,
    })
  }
}
