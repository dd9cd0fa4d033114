/** Each integration type's driver. A type whose module is not there yet is refused (exit 4) when used. */
import type {Integration, IntegrationType} from '../workspace/integration.js'
import type {Workspace} from '../workspace/session.js'
import type {IntegrationDriver} from './driver.js'

import {systemClock} from '../lib/clock.js'
import {ConfigError, UsageError} from '../lib/errors.js'
import {awsSsoDriver} from './aws-sso/index.js'
import {dynamoDbDriver} from './dynamodb/index.js'
import {sourceSessionCredentials} from './dynamodb/source-credentials.js'

const DRIVERS: Partial<Record<IntegrationType, IntegrationDriver<never>>> = {
  'aws-sso': awsSsoDriver as IntegrationDriver<never>,
  dynamodb: dynamoDbDriver({clock: systemClock, credentials: sourceSessionCredentials}) as IntegrationDriver<never>,
}

export function driverFor<I extends Integration>(integration: I): IntegrationDriver<I> {
  const driver = DRIVERS[integration.type]
  if (!driver) throw new ConfigError(`This terrace cannot use ${integration.type} integrations yet.`)
  return driver as unknown as IntegrationDriver<I>
}

/** `integration login|logout` of a type without a login of its own (exit 2): what it reads its source with. */
export function noOwnLoginError(integration: Integration, workspace: Workspace): InstanceType<typeof UsageError> {
  const source =
    integration.type === 'dynamodb'
      ? (workspace.sessions.find((s) => s.id === integration.sourceSessionId)?.name ?? integration.sourceSessionId)
      : undefined
  return new UsageError(`A ${integration.type} integration has no login of its own.`, {
    suggestion: source
      ? `It reads its table with the credentials of session ${source} (an MFA code is asked when needed): run terrace integration sync ${integration.alias}.`
      : `Run terrace integration sync ${integration.alias}.`,
  })
}
