import {AwsRefusedError, AwsUnreachableError, NotLoggedInError, TerraceError} from '../lib/errors.js'

/** The shape of an AWS SDK v3 error that matters here (no SDK import needed to inspect it). */
interface SdkError {
  $metadata?: {httpStatusCode?: number}
  code?: string
  message?: string
  name?: string
}

const NETWORK_CODES = new Set([
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ETIMEDOUT',
  'RequestTimeout',
  'TimeoutError',
])

export function awsErrorName(error: unknown): string {
  const err = error as SdkError
  return String(err?.name ?? err?.code ?? '')
}

/** True when the failure means the endpoint could not be reached or kept failing server-side. */
export function isUnreachable(error: unknown): boolean {
  const err = error as SdkError
  const status = err?.$metadata?.httpStatusCode
  if (status !== undefined && status >= 500) return true
  if (NETWORK_CODES.has(String(err?.code)) || NETWORK_CODES.has(String(err?.name))) return true
  return /socket hang up|ECONNREFUSED|ECONNRESET|timed out|TimeoutError/i.test(String(err?.message ?? ''))
}

/** Where a service is reached: the SDK's standard endpoint variables, else AWS's public endpoint. */
const PUBLIC_HOSTS: Record<'iam' | 'sso' | 'sso_oidc' | 'sts', (region: string) => string> = {
  iam: () => 'iam.amazonaws.com',
  sso: (region) => `portal.sso.${region}.amazonaws.com`,
  // eslint-disable-next-line camelcase
  sso_oidc: (region) => `oidc.${region}.amazonaws.com`,
  sts: (region) => `sts.${region}.amazonaws.com`,
}

export function endpointFor(
  service: 'iam' | 'sso' | 'sso_oidc' | 'sts',
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const specific = env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`]
  if (specific) return specific
  if (env.AWS_ENDPOINT_URL) return env.AWS_ENDPOINT_URL
  return `https://${PUBLIC_HOSTS[service](region)}`
}

/**
 * Turns an SDK failure into the typed error a user understands. Errors already typed pass through.
 * `what` says what terrace was doing ("getting credentials for DevOps in 555555555555").
 */
export function toTerraceError(error: unknown, context: {endpoint: string; what: string}): TerraceError {
  if (error instanceof TerraceError) return error
  const name = awsErrorName(error)
  const message = (error as SdkError)?.message ?? String(error)
  if (isUnreachable(error)) {
    return new AwsUnreachableError(
      `AWS did not answer while ${context.what}: ${context.endpoint} (${name || message}).`,
      {
        cause: error,
        suggestion: 'Check your network or proxy, then try again.',
      },
    )
  }

  if (name === 'UnauthorizedException' || name === 'ExpiredTokenException' || name === 'InvalidGrantException') {
    return new NotLoggedInError(`Your SSO login has expired or was revoked (${name}).`, {
      cause: error,
      suggestion: 'Run `terrace aws sso login` to log in again.',
    })
  }

  if (/AccessDenied|Forbidden|ResourceNotFound|NoSuchEntity|InvalidClientTokenId/.test(name)) {
    return new AwsRefusedError(`AWS refused ${context.what}: ${name}: ${message}`, {cause: error})
  }

  return new TerraceError(`AWS failed while ${context.what}: ${name ? `${name}: ` : ''}${message}`, {cause: error})
}
