/**
 * DynamoDB Scan over the configured tables: `Limit`, `ExclusiveStartKey` / `LastEvaluatedKey` paging, a page cap
 * (AWS's 1 MB, or the table's maxItemsPerPage), top-level `ProjectionExpression` with `ExpressionAttributeNames`,
 * `Select: COUNT`. As AWS does, a page that stops at its limit carries a LastEvaluatedKey even when no item follows
 * (the next page is then empty). Tables are per account and region: another region misses the table
 * (ResourceNotFoundException), a principal of another account is refused (AccessDeniedException).
 */
import type {AttributeMap, DynamoTable} from './dynamodb-config.js'
import type {CredentialRecord, SandboxState} from './state.js'

import {ApiError} from './api-error.js'

const CORAL = 'com.amazon.coral.service#'
const VALIDATE = 'com.amazon.coral.validate#'
const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#'

/** DynamoDB's errors: the `__type` of the JSON body is the code, all with status 400. */
export const DynamoErrors = {
  accessDenied: (message: string) => new ApiError(`${CORAL}AccessDeniedException`, 400, message),
  expiredToken: () =>
    new ApiError(`${CORAL}ExpiredTokenException`, 400, 'The security token included in the request is expired'),
  invalidSignature: (message: string) => new ApiError(`${CORAL}InvalidSignatureException`, 400, message),
  missingAuthenticationToken: () =>
    new ApiError(`${CORAL}MissingAuthenticationTokenException`, 400, 'Request is missing Authentication Token'),
  resourceNotFound: () => new ApiError(`${DYNAMODB}ResourceNotFoundException`, 400, 'Requested resource not found'),
  serialization: (message: string) => new ApiError(`${CORAL}SerializationException`, 400, message),
  unknownOperation: () => new ApiError(`${CORAL}UnknownOperationException`, 400, ''),
  unrecognizedClient: () =>
    new ApiError(`${CORAL}UnrecognizedClientException`, 400, 'The security token included in the request is invalid.'),
  validation: (message: string) => new ApiError(`${VALIDATE}ValidationException`, 400, message),
}

/** AWS's cap on the data one Scan page reads. */
export const PAGE_BYTES = 1024 * 1024

export interface ScanOutput {
  Count: number
  Items?: AttributeMap[]
  LastEvaluatedKey?: AttributeMap
  ScannedCount: number
}

const tableArn = (table: DynamoTable) => `arn:aws:dynamodb:${table.region}:${table.accountId}:table/${table.name}`

function findTable(state: SandboxState, name: unknown, region: string): DynamoTable {
  if (typeof name !== 'string' || name === '')
    throw DynamoErrors.validation(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    )
  const table = state.config.dynamoTables.find((candidate) => candidate.name === name && candidate.region === region)
  if (!table) throw DynamoErrors.resourceNotFound()
  return table
}

function authorise(table: DynamoTable, caller: CredentialRecord, action: string): void {
  if (caller.principal.accountId === table.accountId) return
  throw DynamoErrors.accessDenied(
    `User: ${caller.principal.arn} is not authorized to perform: dynamodb:${action} on resource: ${tableArn(table)} because no resource-based policy allows the dynamodb:${action} action`,
  )
}

const keyText = (value: AttributeMap[string] | undefined): string | undefined =>
  value && 'S' in value ? `S:${value.S}` : value && 'N' in value ? `N:${value.N}` : undefined

/** The index of the first item after ExclusiveStartKey (0 without one). */
function startIndex(table: DynamoTable, start: unknown): number {
  if (start === undefined || start === null) return 0
  const given = typeof start === 'object' ? (start as AttributeMap) : {}
  const names = Object.keys(given)
  const wanted = keyText(given[table.key])
  if (names.length !== 1 || wanted === undefined)
    throw DynamoErrors.validation(
      'The provided starting key is invalid: The provided key element does not match the schema',
    )
  const index = table.items.findIndex((item) => keyText(item[table.key]) === wanted)
  if (index === -1) throw DynamoErrors.validation('The provided starting key is invalid')
  return index + 1
}

function limitOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined
  if (!Number.isInteger(value) || (value as number) < 1)
    throw DynamoErrors.validation(
      `1 validation error detected: Value '${String(value)}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    )
  return value as number
}

/** The top-level attributes a ProjectionExpression names (`#n` resolved through ExpressionAttributeNames). */
function projection(expression: unknown, names: unknown): string[] | undefined {
  if (expression === undefined || expression === null) return undefined
  if (typeof expression !== 'string' || expression.trim() === '')
    throw DynamoErrors.validation('Invalid ProjectionExpression: The expression can not be empty;')
  const aliases = (typeof names === 'object' && names !== null ? names : {}) as Record<string, string>
  return expression.split(',').map((part) => {
    const token = part.trim()
    if (token.startsWith('#')) {
      const name = aliases[token]
      if (typeof name !== 'string')
        throw DynamoErrors.validation(
          `Value provided in ExpressionAttributeNames unused in expressions: An expression attribute name used in the document path is not defined; attribute name: ${token}`,
        )
      return name
    }

    if (!/^[A-Za-z][\w]*$/.test(token))
      throw DynamoErrors.validation(`Invalid ProjectionExpression: the sandbox supports top-level names only: ${token}`)
    return token
  })
}

const project = (item: AttributeMap, names: string[] | undefined): AttributeMap =>
  names ? Object.fromEntries(names.filter((name) => name in item).map((name) => [name, item[name]])) : item

/** One Scan page of `body` (the operation's JSON input), for a caller signed in `region`. */
export function scan(
  state: SandboxState,
  caller: CredentialRecord,
  region: string,
  body: Record<string, unknown>,
): ScanOutput {
  for (const unsupported of ['FilterExpression', 'ScanFilter', 'Segment', 'TotalSegments', 'IndexName'])
    if (body[unsupported] !== undefined)
      throw DynamoErrors.validation(`The sandbox does not implement ${unsupported} for Scan`)
  const table = findTable(state, body.TableName, region)
  authorise(table, caller, 'Scan')
  const limit = limitOf(body.Limit)
  const names = projection(body.ProjectionExpression, body.ExpressionAttributeNames)
  const select = body.Select ?? 'ALL_ATTRIBUTES'
  if (select !== 'ALL_ATTRIBUTES' && select !== 'COUNT' && select !== 'SPECIFIC_ATTRIBUTES')
    throw DynamoErrors.validation(`The sandbox does not implement Select ${String(select)}`)
  const first = startIndex(table, body.ExclusiveStartKey)
  const cap = Math.min(limit ?? Number.POSITIVE_INFINITY, table.maxItemsPerPage ?? Number.POSITIVE_INFINITY)
  const page: AttributeMap[] = []
  let bytes = 0
  let index = first
  while (index < table.items.length && page.length < cap && bytes < PAGE_BYTES) {
    const item = table.items[index++]
    bytes += JSON.stringify(item).length
    page.push(item)
  }

  const stoppedEarly = page.length === cap || bytes >= PAGE_BYTES
  const last = page.at(-1)
  return {
    Count: page.length,
    ...(select === 'COUNT' ? {} : {Items: page.map((item) => project(item, names))}),
    ...(stoppedEarly && last ? {LastEvaluatedKey: {[table.key]: last[table.key]}} : {}),
    ScannedCount: page.length,
  }
}
