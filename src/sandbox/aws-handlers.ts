/** Runs one AWS operation against the state and renders the answer in the service's wire protocol. */
import type {IncomingHttpHeaders} from 'node:http'

import type {AwsRoute} from './aws-routes.js'
import type {CredentialRecord, SandboxState} from './state.js'

import {ApiError, OidcErrors, QueryErrors} from './api-error.js'
import {listMfaDevices} from './iam-service.js'
import {newId} from './ids.js'
import {createToken, registerClient, startDeviceAuthorization} from './oidc-service.js'
import {authenticateBearer, getRoleCredentials, listAccountRoles, listAccounts, logout} from './portal-service.js'
import {verifySignature} from './sigv4.js'
import {userPrincipal} from './state.js'
import {assumeRole, assumeRoleWithWebIdentity, getCallerIdentity, getSessionToken} from './sts-service.js'
import {queryError, queryResponse, type XmlValue} from './xml.js'

export interface AwsRequest {
  body: Buffer
  headers: IncomingHttpHeaders
  method: string
  search: URLSearchParams
  url: string
}

export interface RenderedResponse {
  body: string
  caller: string
  contentType: string
  headers: Record<string, string>
  outcome: string
  status: number
}

/** OAuth's snake_case field for the error text */
const OAUTH_DESCRIPTION = 'error_description'

export const NAMESPACES = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

/** Finds the credentials a query-protocol request is signed with, and checks token, expiry and signature. */
export function authenticateSigned(state: SandboxState, route: AwsRoute, request: AwsRequest): CredentialRecord {
  const {auth} = route
  if (!auth) throw QueryErrors.missingAuthenticationToken()
  const record = state.credentials.get(auth.accessKeyId)
  if (!record) throw QueryErrors.invalidClientTokenId()
  const token = header(request.headers, 'x-amz-security-token')
  if ((record.sessionToken ?? undefined) !== token) throw QueryErrors.invalidClientTokenId()
  if (record.expiresAt !== undefined && state.now() >= record.expiresAt) throw QueryErrors.expiredToken()
  const check = verifySignature(request, auth, record.secretAccessKey, Date.now())
  if (!check.ok) throw QueryErrors.signatureDoesNotMatch(check.reason === 'mismatch' ? undefined : check.reason)
  return record
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {}
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>
  } catch {}

  throw OidcErrors.invalidRequest('The request body is not a JSON object')
}

function jsonOk(body: unknown, caller: string, requestId: string): RenderedResponse {
  return {
    body: JSON.stringify(body),
    caller,
    contentType: 'application/json',
    headers: {'x-amzn-requestid': requestId},
    outcome: 'ok',
    status: 200,
  }
}

export function renderJsonError(
  error: ApiError,
  caller: string,
  requestId: string,
  oauthShape: boolean,
): RenderedResponse {
  const body = oauthShape
    ? {error: error.oauthError ?? 'server_error', [OAUTH_DESCRIPTION]: error.message}
    : {message: error.message}
  return {
    body: JSON.stringify(body),
    caller,
    contentType: 'application/json',
    headers: {'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId},
    outcome: error.code,
    status: error.status,
  }
}

export function renderQueryError(
  service: 'iam' | 'sts',
  error: ApiError,
  caller: string,
  requestId: string,
): RenderedResponse {
  return {
    body: queryError(NAMESPACES[service], error.code, error.message, error.status, requestId),
    caller,
    contentType: 'text/xml',
    headers: {'x-amzn-requestid': requestId},
    outcome: error.code,
    status: error.status,
  }
}

function handleOidc(state: SandboxState, route: AwsRoute, request: AwsRequest, baseUrl: string, requestId: string) {
  let caller = 'anonymous'
  try {
    const body = parseJsonBody(request.body)
    if (typeof body.clientId === 'string') caller = body.clientId
    const result =
      route.operation === 'RegisterClient'
        ? registerClient(state, body)
        : route.operation === 'StartDeviceAuthorization'
          ? startDeviceAuthorization(state, body, baseUrl)
          : createToken(state, body)
    if ('clientId' in result && route.operation === 'RegisterClient') caller = String(result.clientId)
    return jsonOk(result, caller, requestId)
  } catch (error) {
    if (error instanceof ApiError) return renderJsonError(error, caller, requestId, true)
    throw error
  }
}

function handlePortal(state: SandboxState, route: AwsRoute, request: AwsRequest, requestId: string) {
  let caller = 'anonymous'
  try {
    const token = authenticateBearer(state, header(request.headers, 'x-amz-sso_bearer_token'))
    caller = `sso-user:${token.user}`
    const query = request.search
    switch (route.operation) {
      case 'GetRoleCredentials': {
        return jsonOk(getRoleCredentials(state, token, query), caller, requestId)
      }

      case 'ListAccountRoles': {
        return jsonOk(listAccountRoles(state, query), caller, requestId)
      }

      case 'ListAccounts': {
        return jsonOk(listAccounts(state, query), caller, requestId)
      }

      default: {
        return jsonOk(logout(state, token), caller, requestId)
      }
    }
  } catch (error) {
    if (error instanceof ApiError) return renderJsonError(error, caller, requestId, false)
    throw error
  }
}

function runQueryAction(state: SandboxState, route: AwsRoute, caller: CredentialRecord): XmlValue {
  const params = route.params ?? new Map<string, string>()
  const action = `${route.service}:${route.operation}`
  switch (action) {
    case 'iam:GetUser': {
      const userName = params.get('UserName') ?? caller.principal.userName
      const user = userName ? state.findUser(caller.principal.accountId, userName) : undefined
      if (!userName) throw QueryErrors.validation('Must specify userName when calling with non-User credentials')
      if (!user) throw QueryErrors.noSuchEntity(`The user with name ${userName} cannot be found.`)
      const principal = userPrincipal(user)
      return {
        User: {
          Arn: principal.arn,
          CreateDate: '2024-01-01T00:00:00Z',
          Path: '/',
          UserId: principal.userId,
          UserName: user.name,
        },
      }
    }

    case 'iam:ListMFADevices': {
      return listMfaDevices(state, caller, params) as unknown as XmlValue
    }

    case 'sts:AssumeRole': {
      return assumeRole(state, caller, params) as unknown as XmlValue
    }

    case 'sts:GetCallerIdentity': {
      return getCallerIdentity(caller)
    }

    case 'sts:GetSessionToken': {
      return getSessionToken(state, caller, params) as unknown as XmlValue
    }

    default: {
      throw QueryErrors.invalidAction(route.operation)
    }
  }
}

function handleQuery(state: SandboxState, route: AwsRoute, request: AwsRequest, requestId: string) {
  const service = route.service as 'iam' | 'sts'
  let caller = 'anonymous'
  try {
    let result: XmlValue
    if (service === 'sts' && route.operation === 'AssumeRoleWithWebIdentity') {
      result = assumeRoleWithWebIdentity(state, route.params ?? new Map()) as unknown as XmlValue
      caller = 'web-identity'
    } else {
      if (!route.operation) throw QueryErrors.invalidAction('(none)')
      const credentials = authenticateSigned(state, route, request)
      caller = credentials.principal.arn
      result = runQueryAction(state, route, credentials)
    }

    return {
      body: queryResponse(route.operation, NAMESPACES[service], result, requestId),
      caller,
      contentType: 'text/xml',
      headers: {'x-amzn-requestid': requestId},
      outcome: 'ok',
      status: 200,
    }
  } catch (error) {
    if (error instanceof ApiError) return renderQueryError(service, error, caller, requestId)
    throw error
  }
}

export function handleAws(
  state: SandboxState,
  route: AwsRoute,
  request: AwsRequest,
  baseUrl: string,
): RenderedResponse {
  const requestId = newId.requestId()
  if (route.service === 'oidc') return handleOidc(state, route, request, baseUrl, requestId)
  if (route.service === 'portal') return handlePortal(state, route, request, requestId)
  return handleQuery(state, route, request, requestId)
}

/** The answer for an injected 5xx fault or a throttled call, in the service's protocol. */
export function renderFailure(route: AwsRoute, error: ApiError): RenderedResponse {
  const requestId = newId.requestId()
  if (route.service === 'sts' || route.service === 'iam')
    return renderQueryError(route.service, error, 'anonymous', requestId)
  return renderJsonError(error, 'anonymous', requestId, route.service === 'oidc')
}
