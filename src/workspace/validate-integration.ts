/** The shape of one integration of workspace.json (version 3): its type's fields only, each checked. */
import {
  type AwsSsoIntegration,
  type DynamoDbIntegration,
  type Integration,
  INTEGRATION_TYPES,
  type IntegrationType,
  type LastSync,
  SYNC_RESULTS,
} from './integration.js'
import {EXPECTED, isHttpsUrl} from './patterns.js'
import {
  checked,
  count,
  date,
  isObject,
  type Json,
  object,
  oneOf,
  onlyKeys,
  optionalText,
  rule,
  ShapeError,
  text,
} from './shape.js'

const BASE_KEYS = ['alias', 'type', 'lastSync']
const TYPE_KEYS: Record<IntegrationType, string[]> = {
  'aws-sso': ['startUrl', 'region', 'defaultRegion'],
  dynamodb: ['table', 'region', 'sourceSessionId', 'mfaSerial'],
}
const ALLOWED_KEYS = Object.fromEntries(
  INTEGRATION_TYPES.map((type) => [type, new Set([...BASE_KEYS, ...TYPE_KEYS[type]])]),
) as Record<IntegrationType, Set<string>>
const LAST_SYNC_KEYS = new Set(['at', 'counts', 'result'])
const COUNT_KEYS = ['added', 'removed', 'unchanged', 'updated'] as const

function lastSync(raw: Json, at: string): LastSync | null {
  if (raw.lastSync === undefined || raw.lastSync === null) return null
  const sync = object(raw, 'lastSync', at)
  const syncAt = `${at}.lastSync`
  onlyKeys(sync, LAST_SYNC_KEYS, syncAt, 'a last sync')
  const counts = object(sync, 'counts', syncAt)
  const countsAt = `${syncAt}.counts`
  onlyKeys(counts, new Set(COUNT_KEYS), countsAt, 'the counts of a sync')
  return {
    at: date(sync, 'at', syncAt) as string,
    counts: {
      added: count(counts, 'added', countsAt),
      removed: count(counts, 'removed', countsAt),
      unchanged: count(counts, 'unchanged', countsAt),
      updated: count(counts, 'updated', countsAt),
    },
    result: oneOf(sync, 'result', syncAt, SYNC_RESULTS),
  }
}

export function validateIntegration(raw: unknown, at: string): Integration {
  if (!isObject(raw)) throw new ShapeError(at, 'not an object')
  const type = oneOf<IntegrationType>(raw, 'type', at, INTEGRATION_TYPES)
  onlyKeys(raw, ALLOWED_KEYS[type], at, `an ${type} integration`)
  const base = {alias: checked(raw, 'alias', at) as string, lastSync: lastSync(raw, at)}
  switch (type) {
    case 'aws-sso': {
      const startUrl = text(raw, 'startUrl', at)
      if (!isHttpsUrl(startUrl))
        throw new ShapeError(`${at}.startUrl`, `${JSON.stringify(startUrl)} is not ${EXPECTED.startUrl}`)
      return {
        ...base,
        defaultRegion: optionalText(raw, 'defaultRegion', at, rule('region')),
        region: text(raw, 'region', at, rule('region')),
        startUrl,
        type,
      } satisfies AwsSsoIntegration
    }

    case 'dynamodb': {
      return {
        ...base,
        mfaSerial: checked(raw, 'mfaSerial', at, true),
        region: text(raw, 'region', at, rule('region')),
        sourceSessionId: text(raw, 'sourceSessionId', at, rule('id')),
        table: checked(raw, 'table', at) as string,
        type,
      } satisfies DynamoDbIntegration
    }
  }
}
