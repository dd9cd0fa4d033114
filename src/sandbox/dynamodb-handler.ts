/**
 * The DynamoDB JSON protocol (`POST /`, `X-Amz-Target: DynamoDB_20120810.<Operation>`, application/x-amz-json-1.0):
 * SigV4-checked against the keys the sandbox issued or configured, scoped to the `dynamodb` service; errors as
 * `{"__type": "<namespace>#<Code>", "message": …}` with status 400 (throttling and faults aside).
 */
import type {AwsRoute} from './aws-routes.js'
import type {CredentialRecord, SandboxState} from './state.js'

import {ApiError} from './api-error.js'
import {authenticateSigned, type AwsRequest, type RenderedResponse} from './aws-handlers.js'
import {DynamoErrors, scan} from './dynamodb-service.js'

export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.'
export const DYNAMODB_CONTENT_TYPE = 'application/x-amz-json-1.0'

/** The query protocol's authentication refusals, in DynamoDB's words. */
function asDynamoError(error: ApiError): ApiError {
  switch (error.code) {
    case 'ExpiredToken': {
      return DynamoErrors.expiredToken()
    }

    case 'InvalidClientTokenId': {
      return DynamoErrors.unrecognizedClient()
    }

    case 'MissingAuthenticationToken': {
      return DynamoErrors.missingAuthenticationToken()
    }

    case 'SignatureDoesNotMatch': {
      return DynamoErrors.invalidSignature(error.message)
    }

    default: {
      return error
    }
  }
}

function authenticate(state: SandboxState, route: AwsRoute, request: AwsRequest): CredentialRecord {
  if (route.auth && route.auth.service !== 'dynamodb')
    throw DynamoErrors.invalidSignature(`Credential should be scoped to correct service: 'dynamodb'.`)
  try {
    return authenticateSigned(state, route, request)
  } catch (error) {
    throw error instanceof ApiError ? asDynamoError(error) : error
  }
}

function parseBody(body: Buffer): Record<string, unknown> {
  try {
    const parsed = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8')) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {}

  throw DynamoErrors.serialization('Start of structure or map found where not expected.')
}

export function renderDynamoError(error: ApiError, caller: string, requestId: string): RenderedResponse {
  return {
    body: JSON.stringify({__type: error.code, message: error.message}),
    caller,
    contentType: DYNAMODB_CONTENT_TYPE,
    headers: {'x-amzn-requestid': requestId},
    outcome: error.code.slice(error.code.indexOf('#') + 1),
    status: error.status,
  }
}

export function handleDynamoDb(
  state: SandboxState,
  route: AwsRoute,
  request: AwsRequest,
  requestId: string,
): RenderedResponse {
  let caller = 'anonymous'
  try {
    const credentials = authenticate(state, route, request)
    caller = credentials.principal.arn
    const body = parseBody(request.body)
    if (route.operation !== 'Scan') throw DynamoErrors.unknownOperation()
    return {
      body: JSON.stringify(scan(state, credentials, route.auth!.region, body)),
      caller,
      contentType: DYNAMODB_CONTENT_TYPE,
      headers: {'x-amzn-requestid': requestId},
      outcome: 'ok',
      status: 200,
    }
  } catch (error) {
    if (error instanceof ApiError) return renderDynamoError(error, caller, requestId)
    throw error
  }
}
