import type {Project} from './project.js'

import {ConfigError, NotInProjectError, UsageError} from '../lib/errors.js'
import {lineOfKey} from './config-values.js'

export interface SsoTarget {
  region: string
  /** where the start URL came from: the project's common.tfvars, or the flags */
  source: string
  startUrl: string
}

/**
 * Which IAM Identity Center to log in to: flags win; inside a project, common.tfvars' sso_start_url and sso_region
 * (falling back to region_primary / region); outside one, the flags are required.
 */
export async function resolveSsoTarget(options: {
  /** the project around the command's folder (the invocation's, loaded once); NotInProjectError outside one */
  project: () => Promise<Project>
  region?: string
  startUrl?: string
}): Promise<SsoTarget> {
  checkFlags(options)
  if (options.startUrl && options.region) return {region: options.region, source: 'flags', startUrl: options.startUrl}
  let project
  try {
    project = await options.project()
  } catch (error) {
    if (!(error instanceof NotInProjectError)) throw error
    throw new NotInProjectError(`${error.message}\nOutside a project, terrace needs the portal to log in to.`, {
      suggestion:
        'Pass --start-url https://<your-org>.awsapps.com/start --region <sso region>, or run this inside a project.',
    })
  }

  const {common, commonFile} = project
  if (common.ssoEnabled === false && !options.startUrl) {
    throw new ConfigError(`This project does not use SSO: sso_enabled = false in ${commonFile}.`, {
      suggestion:
        'Its accounts are reached with IAM users and MFA instead; see `terrace credentials configure --help`.',
    })
  }

  const startUrl = options.startUrl ?? common.ssoStartUrl
  const region = options.region ?? common.ssoRegion ?? common.regionPrimary ?? common.region
  if (!startUrl) {
    throw new ConfigError(`${commonFile} has no sso_start_url.`, {
      suggestion:
        'Add sso_start_url = "https://<your-org>.awsapps.com/start" (and sso_region) to it, or pass --start-url.',
    })
  }

  if (!region) {
    throw new ConfigError(`${commonFile} has no sso_region (nor region_primary / region).`, {
      suggestion: 'Add sso_region = "<region of IAM Identity Center>" to it, or pass --region.',
    })
  }

  await checkTfvars(commonFile, {
    region: options.region ? undefined : region,
    regionKey: common.ssoRegion ? 'sso_region' : common.regionPrimary ? 'region_primary' : 'region',
    startUrl: options.startUrl ? undefined : startUrl,
  })
  return {region, source: commonFile, startUrl}
}

/** A malformed --start-url / --region: exit 2, before anything else happens. */
function checkFlags(options: {region?: string; startUrl?: string}): void {
  const problems: Array<[string, null | string]> = [
    ['start-url', options.startUrl === undefined ? null : startUrlProblem(options.startUrl)],
    ['region', options.region === undefined ? null : regionProblem(options.region)],
  ]
  for (const [flag, problem] of problems)
    if (problem) throw new UsageError(`--${flag}: ${problem}`, {suggestion: SUGGESTIONS[flag]})
}

/** A malformed value taken from common.tfvars: exit 4 naming the file and the line. */
async function checkTfvars(
  file: string,
  values: {region?: string; regionKey: string; startUrl?: string},
): Promise<void> {
  const problems: Array<[string, null | string, string]> = [
    ['sso_start_url', values.startUrl === undefined ? null : startUrlProblem(values.startUrl), 'start-url'],
    [values.regionKey, values.region === undefined ? null : regionProblem(values.region), 'region'],
  ]
  for (const [key, problem, flag] of problems) {
    if (!problem) continue
    throw new ConfigError(`${file}:${await lineOfKey(file, key)}: \`${key}\`: ${problem}`, {
      suggestion: `Fix ${key} in ${file}, or override it with --${flag}.`,
    })
  }
}

const SUGGESTIONS: Record<string, string> = {
  region: 'Pass the region of your IAM Identity Center, e.g. --region eu-west-1.',
  'start-url': 'Pass your AWS access portal URL, e.g. --start-url https://my-org.awsapps.com/start.',
}

/** Why `value` cannot be an AWS access portal URL (an https URL with a host), or null when it can. */
export function startUrlProblem(value: string): null | string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return `${JSON.stringify(value)} is not a URL; the AWS access portal URL looks like https://<your-org>.awsapps.com/start`
  }

  if (url.protocol !== 'https:') return `${JSON.stringify(value)} must be an https:// URL`
  if (url.username || url.password) return `${JSON.stringify(value)} must not carry a user name or password`
  return null
}

/** Why `value` is not shaped like an AWS region name (us-east-1, eu-central-2, us-gov-west-1), or null. */
export function regionProblem(value: string): null | string {
  return /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(value)
    ? null
    : `${JSON.stringify(value)} is not an AWS region name (like us-east-1 or eu-west-1)`
}
