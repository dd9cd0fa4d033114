/** The dynamodb integration type: a central account table's items as chained sessions (chain-sessions.ts). */
import type {DynamoDbIntegration} from '../../workspace/integration.js'
import type {IntegrationDriver} from '../driver.js'

import {type DynamoReadDeps, readDynamoDbIntegration} from './read.js'

/** The driver, reading the table with the source session's credentials from `deps`. */
export function dynamoDbDriver(deps: DynamoReadDeps): IntegrationDriver<DynamoDbIntegration> {
  return {
    async read(integration, context) {
      const {sessions, skipped, stats} = await readDynamoDbIntegration(
        integration,
        {env: context.env, onProgress: context.onProgress, signal: context.signal, workspace: context.workspace},
        deps,
      )
      return {
        sessions,
        skipped,
        stats: {
          elapsedMs: stats.elapsedMs,
          requests: stats.requests,
          retries: stats.retries,
          throttled: stats.throttled,
        },
      }
    },
  }
}
