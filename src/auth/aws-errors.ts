import {AwsRefusedError, AwsUnreachableError, NotLoggedInError, TerraceError} from '../lib/errors.js'
import {neededForSentence} from './needed-for.js'

/** The shape of an AWS SDK v3 error that matters here (no SDK import needed to inspect it). */
interface SdkError {
  $metadata?: {httpStatusCode?: number}
  cause?: unknown
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

/** Node's codes and messages for a TLS handshake that failed (wrong protocol, untrusted or expired certificate). */
const TLS_CODE = /^(?:EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_)/
const TLS_MESSAGE = /SSL routines|wrong version number|certificate|TLS/i

/** True when the failure means the endpoint could not be reached or kept failing server-side. */
export function isUnreachable(error: unknown): boolean {
  const err = error as SdkError
  const status = err?.$metadata?.httpStatusCode
  if (status !== undefined && status >= 500) return true
  if (NETWORK_CODES.has(String(err?.code)) || NETWORK_CODES.has(String(err?.name))) return true
  if (TLS_CODE.test(String(err?.code ?? ''))) return true
  return /socket hang up|ECONNREFUSED|ECONNRESET|timed out|TimeoutError/i.test(String(err?.message ?? ''))
}

type Failure = {code: string; message: string; name: string}

/** First match wins: the SDK names a dropped connection TimeoutError too, so the codes come before the names. */
const CAUSES: Array<[(f: Failure) => boolean, (f: Failure) => string]> = [
  [(f) => f.code === 'ECONNREFUSED' || f.message.includes('ECONNREFUSED'), () => 'connection refused'],
  [
    (f) => ['EAI_AGAIN', 'ENOTFOUND'].includes(f.code) || /ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(f.message),
    (f) => `DNS lookup failed: ${f.message || f.code}`,
  ],
  [
    (f) => TLS_CODE.test(f.code) || (f.name === 'Error' && f.code === '' && TLS_MESSAGE.test(f.message)),
    (f) => `TLS handshake failed: ${f.message || f.code}`,
  ],
  [
    (f) => ['ECONNRESET', 'EPIPE'].includes(f.code) || /socket hang up|ECONNRESET/.test(f.message),
    () => 'connection reset before an answer',
  ],
  [(f) => ['EHOSTUNREACH', 'ENETUNREACH'].includes(f.code), (f) => `network unreachable: ${f.message || f.code}`],
  [
    (f) =>
      ['ETIMEDOUT', 'RequestTimeout'].includes(f.code) || f.name === 'TimeoutError' || /timed? ?out/i.test(f.message),
    () => 'timed out',
  ],
]

/**
 * What went wrong on the way to AWS, in words (connection refused, DNS lookup failed, timed out, TLS handshake
 * failed…), or undefined when the failure is not a network one. The SDK passes Node's errors through, whose
 * name is just "Error": the code and message say more.
 */
export function networkCause(error: unknown): string | undefined {
  const err = error as SdkError
  const failure = {code: String(err?.code ?? ''), message: String(err?.message ?? ''), name: String(err?.name ?? '')}
  const cause = CAUSES.find(([matches]) => matches(failure))
  if (cause) return cause[1](failure)
  const status = err?.$metadata?.httpStatusCode
  if (status !== undefined && status >= 500)
    return `HTTP ${status}${failure.name && failure.name !== 'Error' ? ` ${failure.name}` : ''}`
  if (err?.cause && err.cause !== error) return networkCause(err.cause)
  return undefined
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
export function toTerraceError(
  error: unknown,
  /** neededFor: what the credentials were for, named when the login is the problem (CredentialRequest.neededFor) */
  context: {endpoint: string; neededFor?: string; what: string},
): TerraceError {
  if (error instanceof TerraceError) return error
  const name = awsErrorName(error)
  const message = (error as SdkError)?.message ?? String(error)
  if (isUnreachable(error)) {
    return new AwsUnreachableError(
      `AWS did not answer while ${context.what}: ${context.endpoint} (${networkCause(error) ?? (name || message)}).`,
      {
        cause: error,
        suggestion: 'Check your network or proxy, then try again.',
      },
    )
  }

  if (name === 'UnauthorizedException' || name === 'ExpiredTokenException' || name === 'InvalidGrantException') {
    return new NotLoggedInError(
      neededForSentence(`Your SSO login has expired or was revoked (${name}).`, context.neededFor),
      {
        cause: error,
        suggestion: 'Run `terrace aws sso login` to log in again.',
      },
    )
  }

  if (/AccessDenied|Forbidden|ResourceNotFound|NoSuchEntity|InvalidClientTokenId/.test(name)) {
    return new AwsRefusedError(`AWS refused ${context.what}: ${name}: ${message}`, {cause: error})
  }

  return new TerraceError(`AWS failed while ${context.what}: ${name ? `${name}: ` : ''}${message}`, {cause: error})
}
