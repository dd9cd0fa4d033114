/** `integration add aws-sso`: the integration from its flags, each checked (exit 2 naming the flag). */
import type {AwsSsoIntegration} from '../../workspace/integration.js'

import {UsageError} from '../../lib/errors.js'
import {EXPECTED, isHttpsUrl} from '../../workspace/patterns.js'
import {checkedFlag, type RequiredFlag, requireFlags} from '../store.js'

export interface AwsSsoFlags {
  alias?: string
  defaultRegion?: string
  region?: string
  startUrl?: string
}

/** The flags an aws-sso integration needs, in the order they are asked for. */
export const AWS_SSO_REQUIRED: ReadonlyArray<RequiredFlag<keyof AwsSsoFlags>> = [
  {flag: '--alias', key: 'alias', label: 'Integration alias'},
  {flag: '--start-url', key: 'startUrl', label: 'IAM Identity Center start URL'},
  {flag: '--region', key: 'region', label: 'IAM Identity Center region'},
]

export function buildAwsSsoIntegration(flags: AwsSsoFlags): AwsSsoIntegration {
  requireFlags('an aws-sso integration', AWS_SSO_REQUIRED, flags)
  const alias = checkedFlag(flags.alias, '--alias', 'alias')
  if (flags.startUrl === undefined) throw new UsageError('Missing --start-url.')
  if (!isHttpsUrl(flags.startUrl))
    throw new UsageError(`--start-url ${JSON.stringify(flags.startUrl)} is not ${EXPECTED.startUrl}.`)
  return {
    alias,
    defaultRegion:
      flags.defaultRegion === undefined ? null : checkedFlag(flags.defaultRegion, '--default-region', 'region'),
    lastSync: null,
    region: checkedFlag(flags.region, '--region', 'region'),
    startUrl: flags.startUrl,
    type: 'aws-sso',
  }
}
