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

/**
 * REST-JSON services by method + path; the query protocol (POST /) by the service in the SigV4 credential scope
 * (`…/sts/aws4_request`, `…/iam/aws4_request`), or, for unsigned calls, by the API Version field.
 */
export function routeAwsRequest(
  method: string,
  pathname: string,
  search: URLSearchParams,
  body: Buffer,
  authorization: string | undefined,
): AwsRoute | undefined {
  const rest = REST_ROUTES[`${method} ${pathname}`]
  if (rest) return rest
  if (pathname !== '/' || (method !== 'POST' && method !== 'GET')) return undefined
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
