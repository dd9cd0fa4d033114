import {Flags} from '@oclif/core'

import type {Invocation} from './invocation.js'

import {resolveSsoTarget, type SsoTarget} from '../layers/sso-target.js'

/** --start-url / --region: which IAM Identity Center, for the sso commands (outside a project, or to override). */
export const ssoTargetFlags = {
  region: Flags.string({description: 'IAM Identity Center region (outside a project, or to override sso_region)'}),
  'start-url': Flags.string({description: 'AWS access portal URL (outside a project, or to override sso_start_url)'}),
}

export function ssoTargetFrom(
  flags: {region?: string; 'start-url'?: string},
  invocation: Pick<Invocation, 'project'>,
): Promise<SsoTarget> {
  return resolveSsoTarget({project: invocation.project, region: flags.region, startUrl: flags['start-url']})
}
