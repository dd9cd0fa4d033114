/**
 * DynamoDB Scan through the AWS SDK (@aws-sdk/client-dynamodb, imported lazily by createDynamoDbClient: only the
 * integration sync pays its load). Signed with exactly the credentials passed in (never the environment, never
 * ~/.aws); the endpoint is AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, of the environment passed in, else the
 * SDK's own. The SDK retries throttling, 5xx answers and dropped connections (adaptive mode, bounded attempts); a
 * middleware counts every attempt for the sync summary. Its service errors come out as DynamoDbError.
 */
import type {AttributeValue, ScanCommandInput, ScanCommandOutput} from '@aws-sdk/client-dynamodb'

import {createDynamoDbClient, type StaticClientCredentials} from '../../auth/aws-clients.js'

export type {AttributeValue} from '@aws-sdk/client-dynamodb'

export type AttributeMap = Record<string, AttributeValue>

export type ScanInput = Pick<ScanCommandInput, 'ExclusiveStartKey' | 'Limit'> & {TableName: string}

export type ScanOutput = Pick<ScanCommandOutput, 'Count' | 'Items' | 'LastEvaluatedKey' | 'ScannedCount'>

export interface DynamoDbPort {
  scan(input: ScanInput, signal?: AbortSignal): Promise<ScanOutput>
}

/** A refusal or failure DynamoDB answered (the SDK's service exception): `name` is its error code. */
export class DynamoDbError extends Error {
  readonly status: number

  constructor(name: string, message: string, status: number, options?: {cause?: unknown}) {
    super(message, options)
    this.name = name
    this.status = status
  }
}

/** Counted per attempt sent: every attempt, the retried ones (attempts − calls), the throttled answers. */
export interface RequestCounts {
  requests: number
  retries: number
  throttled: number
}

export interface DynamoDbClientOptions {
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

const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'ThrottlingException'])

/** The DynamoDB endpoint from the SDK's standard variables in `env`, else AWS's public one (for messages). */
export function dynamoDbEndpoint(region: string, env: NodeJS.ProcessEnv): string {
  return env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || `https://dynamodb.${region}.amazonaws.com`
}

type Client = Awaited<ReturnType<typeof createDynamoDbClient>>

/** Counts calls (initialize step: once per send) and attempts (deserialize step: once per try under the retries). */
function countRequests(client: Client, counts: RequestCounts) {
  let calls = 0
  client.middlewareStack.add(
    (next) => (args) => {
      calls++
      return next(args)
    },
    {name: 'terraceCountCalls', step: 'initialize'},
  )
  client.middlewareStack.add(
    (next) => async (args) => {
      counts.requests++
      counts.retries = counts.requests - calls
      try {
        return await next(args)
      } catch (error) {
        if (THROTTLED.has((error as Error)?.name)) counts.throttled++
        throw error
      }
    },
    {name: 'terraceCountAttempts', priority: 'high', step: 'deserialize'},
  )
}

/** A DynamoDB client for Scan, signed with `credentials`. */
export function dynamoDbClient(options: DynamoDbClientOptions): DynamoDbPort {
  let loading: Promise<{client: Client; sdk: typeof import('@aws-sdk/client-dynamodb')}> | undefined
  const load = () => {
    loading ??= (async () => {
      const client = await createDynamoDbClient({
        credentials: options.credentials,
        env: options.env,
        maxAttempts: options.maxAttempts ?? 5,
        region: options.region,
        requestTimeoutMs: (options.timeoutMs ?? 10_000) / 2,
      })
      if (options.counts) countRequests(client, options.counts)
      return {client, sdk: await import('@aws-sdk/client-dynamodb')}
    })()
    return loading
  }

  return {
    async scan(input, signal) {
      const {client, sdk} = await load()
      try {
        const {Count, Items, LastEvaluatedKey, ScannedCount} = await client.send(new sdk.ScanCommand(input), {
          abortSignal: signal,
        })
        return {
          ...(Count === undefined ? {} : {Count}),
          ...(Items === undefined ? {} : {Items}),
          ...(LastEvaluatedKey === undefined ? {} : {LastEvaluatedKey}),
          ...(ScannedCount === undefined ? {} : {ScannedCount}),
        }
      } catch (error) {
        if (error instanceof sdk.DynamoDBServiceException)
          throw new DynamoDbError(error.name, error.message, error.$metadata.httpStatusCode ?? 0, {cause: error})
        throw error
      }
    },
  }
}
