import {loadProject} from '../../layers/project.js'
import {ConfigError, NotInProjectError, UsageError} from '../../lib/errors.js'

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

  return {region, source: commonFile, startUrl}
}
