/** Which AWS operation a request is, from its method, path and (for the query protocol) signing scope. */
import type {ServiceName} from './config.js'

import {parseAuthorization, type ParsedAuthorization} from './sigv4.js'

export interface AwsRoute {
  auth?: ParsedAuthorization
  operation: string
  params?: Map<string, string>
  service: ServiceName
}

const REST_ROUTES: Record<string, {operation: string; service: ServiceName}> = {
  'GET /assignment/accounts': {operation: 'ListAccounts', service: 'portal'},
  'GET /assignment/roles': {operation: 'ListAccountRoles', service: 'portal'},
  'GET /federation/credentials': {operation: 'GetRoleCredentials', service: 'portal'},
  'POST /client/register': {operation: 'RegisterClient', service: 'oidc'},
  'POST /device_authorization': {operation: 'StartDeviceAuthorization', service: 'oidc'},
  'POST /logout': {operation: 'Logout', service: 'portal'},
  'POST /token': {operation: 'CreateToken', service: 'oidc'},
}

const IAM_VERSION = '2010-05-08'
/** The JSON protocol's `X-Amz-Target` of DynamoDB: `DynamoDB_20120810.<Operation>`. */
const DYNAMODB_TARGET = /^DynamoDB_20120810\.(\w+)$/

/**
 * REST-JSON services by method + path; DynamoDB's JSON protocol (POST /) by its `X-Amz-Target`; the query protocol
 * (POST /) by the service in the SigV4 credential scope (`…/sts/aws4_request`, `…/iam/aws4_request`), or, for
 * unsigned calls, by the API Version field.
 */
export function routeAwsRequest(
  method: string,
  pathname: string,
  search: URLSearchParams,
  body: Buffer,
  authorization: string | undefined,
  target?: string,
): AwsRoute | undefined {
  const rest = REST_ROUTES[`${method} ${pathname}`]
  if (rest) return rest
  if (pathname !== '/' || (method !== 'POST' && method !== 'GET')) return undefined
  const dynamo = method === 'POST' && target ? DYNAMODB_TARGET.exec(target) : null
  if (dynamo) return {auth: parseAuthorization(authorization), operation: dynamo[1], service: 'dynamodb'}
  const form = method === 'POST' ? new URLSearchParams(body.toString('utf8')) : search
  const params = new Map(form.entries())
  const auth = parseAuthorization(authorization)
  const scoped = auth?.service
  const service: ServiceName | undefined =
    scoped === 'sts' || scoped === 'iam'
      ? scoped
      : scoped
        ? undefined
        : params.get('Version') === IAM_VERSION
          ? 'iam'
          : 'sts'
  if (!service) return undefined
  return {auth, operation: params.get('Action') ?? '', params, service}
}
