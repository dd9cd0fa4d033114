/**
 * Factories for the AWS SDK clients terrace uses. Each SDK package is imported lazily: a client is slow
 * to load, and hot commands answered from the cache must not pay it. Endpoints come only from the SDK's own
 * standard variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_STS), or,
 * for DynamoDB, from AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL of the environment passed in.
 * Retries: the SDK's standard mode with a bounded number of attempts and per-attempt timeouts, so an
 * unreachable endpoint ends within a bounded time (then exit 9).
 */
export interface ClientOptions {
  maxAttempts?: number
  region: string
  /** per-attempt socket/connection timeout in ms */
  requestTimeoutMs?: number
  /** 'adaptive' also slows the client down after throttling (for APIs listed in bulk) */
  retryMode?: 'adaptive' | 'standard'
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

function baseConfig(options: ClientOptions) {
  const timeout = options.requestTimeoutMs ?? 5000
  return {
    // No ambient credentials are needed for the OIDC/portal APIs (bearer token or unsigned).
    maxAttempts: options.maxAttempts ?? 5,
    region: options.region,
    // without throwOnRequestTimeout the SDK only logs a warning and a server that never answers hangs terrace
    requestHandler: {connectionTimeout: timeout, requestTimeout: timeout * 2, throwOnRequestTimeout: true},
    retryMode: options.retryMode ?? 'standard',
  }
}

export async function createOidcClient(options: ClientOptions) {
  const {SSOOIDCClient} = await import('@aws-sdk/client-sso-oidc')
  return new SSOOIDCClient(baseConfig(options))
}

/**
 * The SSO portal throttles (TooManyRequestsException, about 20 requests/s) and `aws configure sso --all` lists
 * hundreds of accounts: adaptive retries (client-side rate limiting once throttled) and a few more attempts.
 */
export async function createSsoClient(options: ClientOptions) {
  const {SSOClient} = await import('@aws-sdk/client-sso')
  return new SSOClient(baseConfig({maxAttempts: 8, retryMode: 'adaptive', ...options}))
}

/** Static credentials for a signed client: always passed in, never read from the environment or ~/.aws. */
export interface StaticClientCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
}

function signedConfig(options: ClientOptions & {credentials: StaticClientCredentials}) {
  const {accessKeyId, secretAccessKey, sessionToken} = options.credentials
  return {
    ...baseConfig(options),
    credentials: {accessKeyId, secretAccessKey, ...(sessionToken ? {sessionToken} : {})},
  }
}

export async function createStsClient(options: ClientOptions & {credentials: StaticClientCredentials}) {
  const {STSClient} = await import('@aws-sdk/client-sts')
  return new STSClient(signedConfig(options))
}

export async function createIamClient(options: ClientOptions & {credentials: StaticClientCredentials}) {
  const {IAMClient} = await import('@aws-sdk/client-iam')
  return new IAMClient(signedConfig(options))
}

/**
 * DynamoDB (the integrations' account table): static credentials, adaptive retries (a shared table throttles with
 * ProvisionedThroughputExceededException), and the endpoint of the SDK's standard variables taken from `env`
 * (the caller's environment, passed in, not process.env) when one is set there.
 */
export async function createDynamoDbClient(
  options: ClientOptions & {credentials: StaticClientCredentials; env: NodeJS.ProcessEnv},
) {
  const {DynamoDBClient} = await import('@aws-sdk/client-dynamodb')
  const endpoint = options.env.AWS_ENDPOINT_URL_DYNAMODB || options.env.AWS_ENDPOINT_URL
  return new DynamoDBClient({
    ...signedConfig({retryMode: 'adaptive', ...options}),
    ...(endpoint ? {endpoint} : {}),
  })
}
