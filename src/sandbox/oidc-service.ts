/** SSO-OIDC: RegisterClient, StartDeviceAuthorization, CreateToken (device code and refresh token grants). */
import type {ClientRecord, SandboxState, TokenRecord} from './state.js'

import {OidcErrors} from './api-error.js'
import {newId} from './ids.js'

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const REFRESH_GRANT = 'refresh_token'
const KNOWN_GRANTS = new Set(['authorization_code', DEVICE_GRANT, REFRESH_GRANT])
/** Polls may arrive this much early (timer and network jitter) before SlowDown answers. */
const POLL_SLACK_MS = 150

type Json = Record<string, unknown>

function requireString(body: Json, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value === '') throw OidcErrors.invalidRequest(`${field} is required`)
  return value
}

function optionalStrings(body: Json, field: string): string[] {
  const value = body[field]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw OidcErrors.invalidRequest(`${field} must be a list of strings`)
  return value as string[]
}

export function registerClient(state: SandboxState, body: Json) {
  const clientName = requireString(body, 'clientName')
  const clientType = requireString(body, 'clientType')
  if (clientType !== 'public') throw OidcErrors.invalidClientMetadata(`Unsupported client type: ${clientType}`)
  const scopes = optionalStrings(body, 'scopes')
  for (const scope of scopes)
    if (!/^(sso:|openid$|aws\.|codewhisperer:|sso-portal:)/.test(scope))
      throw OidcErrors.invalidScope(`Invalid scope: ${scope}`)
  const grantTypes = optionalStrings(body, 'grantTypes')
  for (const grant of grantTypes)
    if (!KNOWN_GRANTS.has(grant)) throw OidcErrors.invalidClientMetadata(`Unsupported grant type: ${grant}`)
  const now = state.now()
  const client: ClientRecord = {
    clientId: newId.clientId(),
    clientName,
    clientSecret: state.addSecret('client-secret', newId.clientSecret()),
    expiresAt: now + state.config.lifetimes.clientRegistration * 1000,
    grantTypes,
    issuedAt: now,
    scopes,
  }
  state.clients.set(client.clientId, client)
  return {
    clientId: client.clientId,
    clientIdIssuedAt: Math.floor(client.issuedAt / 1000),
    clientSecret: client.clientSecret,
    clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
  }
}

function authenticateClient(state: SandboxState, body: Json): ClientRecord {
  const clientId = requireString(body, 'clientId')
  const clientSecret = requireString(body, 'clientSecret')
  const client = state.clients.get(clientId)
  if (!client || client.clientSecret !== clientSecret) throw OidcErrors.invalidClient('Invalid client provided')
  if (state.now() >= client.expiresAt) throw OidcErrors.invalidClient('Client registration has expired')
  return client
}

export function startDeviceAuthorization(state: SandboxState, body: Json, baseUrl: string) {
  const client = authenticateClient(state, body)
  const startUrl = requireString(body, 'startUrl')
  if (state.config.startUrl && startUrl !== state.config.startUrl)
    throw OidcErrors.invalidRequest(`Invalid start URL: ${startUrl}`)
  let userCode = newId.userCode()
  while (state.devicesByUserCode.has(userCode)) userCode = newId.userCode()
  const device = {
    clientId: client.clientId,
    deviceCode: state.addSecret('device-code', newId.deviceCode()),
    expiresAt: state.now() + state.config.lifetimes.deviceCode * 1000,
    interval: state.config.pollInterval,
    startUrl,
    status: state.settings.autoApprove ? ('approved' as const) : ('pending' as const),
    userCode,
  }
  state.devices.set(device.deviceCode, device)
  state.devicesByUserCode.set(userCode, device)
  return {
    deviceCode: device.deviceCode,
    expiresIn: state.config.lifetimes.deviceCode,
    interval: device.interval,
    userCode,
    verificationUri: `${baseUrl}/device`,
    verificationUriComplete: `${baseUrl}/device?user_code=${userCode}`,
  }
}

function issueTokens(
  state: SandboxState,
  client: ClientRecord,
  grant: {family: string; refresh: boolean; scopes: string[]; user: string},
) {
  const {family, scopes, user} = grant
  const now = state.now()
  const access: TokenRecord = {
    clientId: client.clientId,
    expiresAt: now + state.config.lifetimes.accessToken * 1000,
    family,
    revoked: false,
    scopes,
    token: state.addSecret('access-token', newId.accessToken()),
    user,
  }
  state.accessTokens.set(access.token, access)
  const response: Record<string, number | string> = {
    accessToken: access.token,
    expiresIn: state.config.lifetimes.accessToken,
    tokenType: 'Bearer',
  }
  if (grant.refresh && client.grantTypes.includes(REFRESH_GRANT)) {
    const refresh: TokenRecord = {
      ...access,
      expiresAt: now + state.config.lifetimes.refreshToken * 1000,
      token: state.addSecret('refresh-token', newId.refreshToken()),
    }
    state.refreshTokens.set(refresh.token, refresh)
    response.refreshToken = refresh.token
  }

  return response
}

function deviceCodeGrant(state: SandboxState, client: ClientRecord, body: Json) {
  const deviceCode = requireString(body, 'deviceCode')
  const device = state.devices.get(deviceCode)
  if (!device || device.clientId !== client.clientId) throw OidcErrors.invalidGrant('Invalid device code provided')
  const now = state.now()
  if (device.status === 'consumed') throw OidcErrors.invalidGrant('Device code has already been used')
  if (now >= device.expiresAt) throw OidcErrors.expiredToken('Device code has expired')
  if (device.status === 'denied') throw OidcErrors.accessDenied('The user denied the authorization request')
  const tooSoon =
    device.lastPollAt !== undefined &&
    device.interval > 0 &&
    now - device.lastPollAt < device.interval * 1000 - POLL_SLACK_MS
  device.lastPollAt = now
  if (tooSoon) throw OidcErrors.slowDown('Client is polling too quickly')
  if (state.settings.slowDownPolls > 0) {
    state.settings.slowDownPolls--
    throw OidcErrors.slowDown('Client is polling too quickly')
  }

  if (device.status === 'pending') throw OidcErrors.authorizationPending('Authorization is still pending')
  device.status = 'consumed'
  return issueTokens(state, client, {
    family: newId.clientId(),
    refresh: true,
    scopes: client.scopes,
    user: state.config.ssoUser,
  })
}

function refreshTokenGrant(state: SandboxState, client: ClientRecord, body: Json) {
  if (!client.grantTypes.includes(REFRESH_GRANT))
    throw OidcErrors.unauthorizedClient('The client is not registered for the refresh_token grant')
  const token = requireString(body, 'refreshToken')
  const record = state.refreshTokens.get(token)
  if (!record || record.clientId !== client.clientId || record.revoked || state.now() >= record.expiresAt)
    throw OidcErrors.invalidGrant('Invalid refresh token provided')
  // Rotation (the default): a refresh token works once and the answer carries the next one. Without rotation (AWS
  // may answer so) the refresh token stays valid and the answer carries none.
  const rotate = state.config.rotateRefreshTokens
  if (rotate) record.revoked = true
  return issueTokens(state, client, {family: record.family, refresh: rotate, scopes: record.scopes, user: record.user})
}

export function createToken(state: SandboxState, body: Json) {
  const client = authenticateClient(state, body)
  const grantType = requireString(body, 'grantType')
  if (grantType === DEVICE_GRANT) return deviceCodeGrant(state, client, body)
  if (grantType === REFRESH_GRANT) return refreshTokenGrant(state, client, body)
  throw OidcErrors.unsupportedGrantType(`Unsupported grant type: ${grantType}`)
}

/** The approval page and the control API decide pending user codes. */
export function decideUserCode(state: SandboxState, userCode: string, approve: boolean): 'approved' | 'denied' {
  const device = state.devicesByUserCode.get(userCode.trim().toUpperCase())
  if (!device) throw new Error(`unknown user code ${userCode}`)
  if (state.now() >= device.expiresAt) throw new Error(`user code ${userCode} has expired`)
  if (device.status !== 'pending') throw new Error(`user code ${userCode} is already ${device.status}`)
  device.status = approve ? 'approved' : 'denied'
  return device.status
}

export function pendingUserCodes(state: SandboxState): Array<{expiresAt: string; userCode: string}> {
  const now = state.now()
  return [...state.devices.values()]
    .filter((device) => device.status === 'pending' && now < device.expiresAt)
    .map((device) => ({expiresAt: new Date(device.expiresAt).toISOString(), userCode: device.userCode}))
}
