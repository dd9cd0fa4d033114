/** `integration add aws-sso`: the integration from its flags, each checked (exit 2 naming the flag). */
import type {AwsSsoIntegration} from '../../workspace/integration.js'

import {UsageError} from '../../lib/errors.js'
import {EXPECTED, isHttpsUrl} from '../../workspace/patterns.js'
import {checkedFlag} from '../store.js'

export interface AwsSsoFlags {
  alias?: string
  defaultRegion?: string
  region?: string
  startUrl?: string
}

export function buildAwsSsoIntegration(flags: AwsSsoFlags): AwsSsoIntegration {
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
