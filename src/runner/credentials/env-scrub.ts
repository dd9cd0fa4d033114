/**
 * The child's environment under credential delivery (pure): what terrace removes from its own environment before
 * a child sees it, and what it adds.
 */

import {isTerraceSecret} from '../child-environment.js'

/**
 * Variables that would make an SDK or the AWS CLI pick other credentials than terrace's (static keys beat every
 * other source, a profile beats the container endpoint, RELATIVE_URI beats FULL_URI), or that carry terrace's
 * own secrets.
 */
export const REMOVED_VARIABLES: readonly string[] = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_ROLE_SESSION_NAME',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
]

export function isRemoved(name: string): boolean {
  return REMOVED_VARIABLES.includes(name) || isTerraceSecret(name)
}

/** terrace's environment without the variables in REMOVED_VARIABLES and without TERRACE_* secrets. */
export function scrubEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(base)) if (value !== undefined && !isRemoved(name)) env[name] = value
  return env
}

export interface StaticCredentials {
  accessKeyId: string
  /** ISO 8601 */
  expiration: string
  secretAccessKey: string
  sessionToken?: string
}

export interface Delivery {
  /** the private generated AWS config file */
  configFile: string
  /** the empty private shared-credentials file */
  credentialsFile: string
  /** the loopback endpoint of the child's default credentials, and its token; null when there is no default role */
  endpoint: null | {token: string; url: string}
  /** the layer's region (AWS_REGION, AWS_DEFAULT_REGION); null keeps terrace's own */
  region: null | string
  /** `--credentials env`: static variables for the default role (they beat every other source) */
  staticCredentials?: StaticCredentials
}

/** The child's environment: terrace's, scrubbed, plus the delivery's variables. */
export function deliveryEnvironment(base: NodeJS.ProcessEnv, delivery: Delivery): NodeJS.ProcessEnv {
  const env = scrubEnvironment(base)
  env.AWS_CONFIG_FILE = delivery.configFile
  env.AWS_SHARED_CREDENTIALS_FILE = delivery.credentialsFile
  if (delivery.endpoint) {
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI = delivery.endpoint.url
    env.AWS_CONTAINER_AUTHORIZATION_TOKEN = delivery.endpoint.token
  }

  if (delivery.region) {
    env.AWS_REGION = delivery.region
    env.AWS_DEFAULT_REGION = delivery.region
  }

  const creds = delivery.staticCredentials
  if (creds) {
    env.AWS_ACCESS_KEY_ID = creds.accessKeyId
    env.AWS_SECRET_ACCESS_KEY = creds.secretAccessKey
    if (creds.sessionToken) env.AWS_SESSION_TOKEN = creds.sessionToken
    env.AWS_CREDENTIAL_EXPIRATION = creds.expiration
  }

  return env
}
