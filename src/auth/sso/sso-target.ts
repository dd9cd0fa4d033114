import {lineOfKey} from '../../layers/config-values.js'
import {loadProject} from '../../layers/project.js'
import {ConfigError, NotInProjectError, TerraceError, UsageError} from '../../lib/errors.js'

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
  cwd: string
  env: NodeJS.ProcessEnv
  region?: string
  startUrl?: string
}): Promise<SsoTarget> {
  const flagProblem = (flag: string, problem: null | string) =>
    problem ? new UsageError(`--${flag}: ${problem}`, {suggestion: SUGGESTIONS[flag]}) : undefined
  const badFlag =
    (options.startUrl === undefined ? undefined : flagProblem('start-url', startUrlProblem(options.startUrl))) ??
    (options.region === undefined ? undefined : flagProblem('region', regionProblem(options.region)))
  if (badFlag) throw badFlag
  if (options.startUrl && options.region) return {region: options.region, source: 'flags', startUrl: options.startUrl}
  let project
  try {
    project = await loadProject(options.cwd, {env: options.env})
  } catch (error) {
    if (!(error instanceof NotInProjectError)) throw error
    throw new UsageError(`${error.message}\nOutside a project, terrace needs the portal to log in to.`, {
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

  const fileProblem = async (key: string, problem: null | string): Promise<TerraceError | undefined> =>
    problem
      ? new ConfigError(`${commonFile}:${await lineOfKey(commonFile, key)}: \`${key}\`: ${problem}`, {
          suggestion: `Fix ${key} in ${commonFile}, or override it with --${key === 'sso_start_url' ? 'start-url' : 'region'}.`,
        })
      : undefined
  if (!options.startUrl) {
    const bad = await fileProblem('sso_start_url', startUrlProblem(startUrl))
    if (bad) throw bad
  }

  if (!options.region) {
    const key = common.ssoRegion ? 'sso_region' : common.regionPrimary ? 'region_primary' : 'region'
    const bad = await fileProblem(key, regionProblem(region))
    if (bad) throw bad
  }

  return {region, source: commonFile, startUrl}
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
