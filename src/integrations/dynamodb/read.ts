/**
 * A dynamodb integration's sync read: the table scanned page by page with the source session's credentials (from the
 * composition root, passed in), its items turned into chained sessions (chain-sessions.ts). Errors are typed: an
 * unreachable endpoint exit 9, a refusal (no such table, access denied, bad keys) exit 6 naming the table.
 */
import type {StaticClientCredentials} from '../../auth/aws-clients.js'
import type {Clock} from '../../lib/clock.js'
import type {DynamoDbIntegration} from '../../workspace/integration.js'
import type {Workspace} from '../../workspace/session.js'

import {isUnreachable, toTerraceError} from '../../auth/aws-errors.js'
import {AwsRefusedError, AwsUnreachableError} from '../../lib/errors.js'
import {type ChainDesiredSession, chainSessions} from './chain-sessions.js'
import {dynamoDbClient, dynamoDbEndpoint, DynamoDbError, type RequestCounts} from './dynamodb-client.js'
import {readAccountTable} from './table-reader.js'

export interface DynamoReadDeps {
  clock: Clock
  /** the credentials of the integration's source session (the composition root's: cache, MFA once, renewal) */
  credentials(
    sessionId: string,
    context: {env: NodeJS.ProcessEnv; workspace: Workspace},
  ): Promise<StaticClientCredentials>
}

export interface DynamoReadContext {
  env: NodeJS.ProcessEnv
  /** after each page: items read so far, and the request counts */
  onProgress?(progress: RequestCounts & {done: number; total: null; unit: 'items'}): void
  /** items per Scan page (Limit); absent: DynamoDB's own page size */
  pageSize?: number
  signal?: AbortSignal
  workspace: Workspace
}

export interface DynamoRead {
  sessions: ChainDesiredSession[]
  /** items that could not become sessions, and why */
  skipped: string[]
  stats: RequestCounts & {elapsedMs: number; pages: number}
}

export async function readDynamoDbIntegration(
  integration: DynamoDbIntegration,
  context: DynamoReadContext,
  deps: DynamoReadDeps,
): Promise<DynamoRead> {
  const started = deps.clock.now()
  const counts: RequestCounts = {requests: 0, retries: 0, throttled: 0}
  const credentials = await deps.credentials(integration.sourceSessionId, context)
  const port = dynamoDbClient({counts, credentials, env: context.env, region: integration.region})
  const what = `reading DynamoDB table ${integration.table} (${integration.region}) for integration ${integration.alias}`
  try {
    const reading = await readAccountTable(port, integration.table, {
      pageSize: context.pageSize,
      progress: (_pages, items) => context.onProgress?.({...counts, done: items, total: null, unit: 'items'}),
      signal: context.signal,
    })
    return {
      sessions: chainSessions(reading.items, {alias: integration.alias, sourceSessionId: integration.sourceSessionId}),
      skipped: reading.skipped,
      stats: {...counts, elapsedMs: deps.clock.now() - started, pages: reading.pages},
    }
  } catch (error) {
    if (error instanceof DynamoDbError && error.status >= 500) {
      throw new AwsUnreachableError(`DynamoDB kept failing while ${what}: ${error.name} (HTTP ${error.status}).`, {
        cause: error,
        suggestion: 'Try again later.',
      })
    }

    if (error instanceof DynamoDbError) {
      throw new AwsRefusedError(`AWS refused ${what}: ${error.name}: ${error.message}`, {
        cause: error,
        suggestion:
          error.name === 'ResourceNotFoundException'
            ? `Check the table name and --region (terrace integration remove ${integration.alias}, then add it again).`
            : 'Check that the source session may scan the table (its account, its policy).',
      })
    }

    if (isUnreachable(error))
      throw toTerraceError(error, {endpoint: dynamoDbEndpoint(integration.region, context.env), what})
    throw error
  }
}
