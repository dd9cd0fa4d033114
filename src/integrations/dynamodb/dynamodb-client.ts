/**
 * DynamoDB Scan over its JSON protocol (`X-Amz-Target: DynamoDB_20120810.Scan`, application/x-amz-json-1.0), signed
 * with SigV4 by hand: @aws-sdk/client-dynamodb is not a dependency of terrace, and one operation does not need it.
 * Signed with exactly the credentials passed in (never the environment, never ~/.aws); the endpoint is the SDK's
 * standard AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else dynamodb.<region>.amazonaws.com. Throttling,
 * 5xx answers and dropped connections are retried a bounded number of times with jittered exponential backoff.
 */
import {createHmac} from 'node:crypto'
import {request as httpRequest} from 'node:http'
import {request as httpsRequest} from 'node:https'

import type {StaticClientCredentials} from '../../auth/aws-clients.js'
import type {Clock} from '../../lib/clock.js'

import {canonicalRequest, sha256Hex, signingKey} from '../../sandbox/sigv4.js'

/** DynamoDB's attribute values (the members terrace reads). */
export type AttributeValue =
  | {BOOL: boolean}
  | {L: AttributeValue[]}
  | {M: Record<string, AttributeValue>}
  | {N: string}
  | {NS: string[]}
  | {NULL: true}
  | {S: string}
  | {SS: string[]}

export type AttributeMap = Record<string, AttributeValue>

export interface ScanInput {
  ExclusiveStartKey?: AttributeMap
  Limit?: number
  TableName: string
}

export interface ScanOutput {
  Count?: number
  Items?: AttributeMap[]
  LastEvaluatedKey?: AttributeMap
  ScannedCount?: number
}

export interface DynamoDbPort {
  scan(input: ScanInput, signal?: AbortSignal): Promise<ScanOutput>
}

/** A refusal or failure DynamoDB answered: `name` is the code after the `#` of its `__type`. */
export class DynamoDbError extends Error {
  readonly status: number

  constructor(name: string, message: string, status: number) {
    super(message)
    this.name = name
    this.status = status
  }
}

/** Counted per request sent: every attempt, the retried ones, the throttled answers. */
export interface RequestCounts {
  requests: number
  retries: number
  throttled: number
}

export interface DynamoDbClientOptions {
  clock: Clock
  /** counted into when given */
  counts?: RequestCounts
  credentials: StaticClientCredentials
  env: NodeJS.ProcessEnv
  /** attempts per call, the first included (default 5) */
  maxAttempts?: number
  region: string
  /** per-attempt time limit in ms (default 10 s) */
  timeoutMs?: number
}

const TARGET_PREFIX = 'DynamoDB_20120810.'
const CONTENT_TYPE = 'application/x-amz-json-1.0'
const RETRIED = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable/

/** The DynamoDB endpoint from the SDK's standard variables, else AWS's public one. */
export function dynamoDbEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || `https://dynamodb.${region}.amazonaws.com`
}

const amzDate = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replaceAll(/[-:]/g, '')
    .replace(/\.\d{3}/, '')

/** The headers of one signed call (SigV4, service `dynamodb`). Pure but for the time passed in. */
export function signedHeaders(
  input: {body: string; credentials: StaticClientCredentials; host: string; operation: string; region: string},
  now: number,
): Record<string, string> {
  const date = amzDate(now)
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPE,
    host: input.host,
    'x-amz-date': date,
    ...(input.credentials.sessionToken ? {'x-amz-security-token': input.credentials.sessionToken} : {}),
    'x-amz-target': `${TARGET_PREFIX}${input.operation}`,
  }
  const names = Object.keys(headers).sort()
  const body = Buffer.from(input.body, 'utf8')
  const scope = `${date.slice(0, 8)}/${input.region}/dynamodb/aws4_request`
  const canonical = canonicalRequest({body, headers, method: 'POST', url: '/'}, names)
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(canonical)].join('\n')
  const key = signingKey(input.credentials.secretAccessKey, date.slice(0, 8), input.region, 'dynamodb')
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex')
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  }
}

interface RawAnswer {
  body: string
  status: number
}

function post(
  url: URL,
  call: {body: string; headers: Record<string, string>; signal?: AbortSignal; timeoutMs: number},
) {
  const {body, headers, signal, timeoutMs} = call
  return new Promise<RawAnswer>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(
      url,
      {headers: {...headers, 'content-length': String(Buffer.byteLength(body))}, method: 'POST', signal},
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () =>
          resolve({body: Buffer.concat(chunks).toString('utf8'), status: response.statusCode ?? 0}),
        )
      },
    )
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`timed out: no answer within ${timeoutMs} ms`)))
    request.on('error', reject)
    request.end(body)
  })
}

function answerOf(raw: RawAnswer): ScanOutput {
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(raw.body || '{}') as Record<string, unknown>
  } catch {
    if (raw.status === 200) throw new DynamoDbError('SerializationException', 'DynamoDB answered with no JSON', 200)
  }

  if (raw.status === 200) return parsed as ScanOutput
  const type = typeof parsed.__type === 'string' ? parsed.__type : `HTTP${raw.status}`
  const message = (parsed.message ?? parsed.Message ?? `HTTP ${raw.status}`) as string
  throw new DynamoDbError(type.slice(type.indexOf('#') + 1), message, raw.status)
}

const retryable = (error: unknown) =>
  error instanceof DynamoDbError
    ? error.status >= 500 || RETRIED.test(error.name)
    : !(error as Error)?.name?.includes('Abort')

/** A DynamoDB client for Scan, signed with `credentials`. */
export function dynamoDbClient(options: DynamoDbClientOptions): DynamoDbPort {
  const url = new URL(dynamoDbEndpoint(options.region, options.env))
  const attempts = options.maxAttempts ?? 5
  return {
    async scan(input, signal) {
      const body = JSON.stringify(input)
      for (let attempt = 1; ; attempt++) {
        const headers = signedHeaders(
          {body, credentials: options.credentials, host: url.host, operation: 'Scan', region: options.region},
          Date.now(),
        )
        if (options.counts) options.counts.requests++
        try {
          return answerOf(await post(url, {body, headers, signal, timeoutMs: options.timeoutMs ?? 10_000}))
        } catch (error) {
          if (options.counts && error instanceof DynamoDbError && /Throttl|Exceeded/.test(error.name))
            options.counts.throttled++
          if (attempt >= attempts || signal?.aborted || !retryable(error)) throw error
          if (options.counts) options.counts.retries++
          await options.clock.sleep(Math.random() * Math.min(5000, 100 * 2 ** attempt), signal)
        }
      }
    },
  }
}
