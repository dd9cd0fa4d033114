/** STS: GetCallerIdentity, AssumeRole, GetSessionToken, AssumeRoleWithWebIdentity. */
import type {AccountConfig, IamRoleConfig, IamUserConfig} from './config.js'
import type {CredentialRecord, CredentialSource, Principal, SandboxState} from './state.js'

import {QueryErrors} from './api-error.js'
import {newId, stableId} from './ids.js'
import {mfaSerial} from './state.js'
import {verifyTotp} from './totp.js'

export type Params = Map<string, string>

const CHAINED_MAX_SECONDS = 3600
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/

export interface IssuedCredentials {
  AccessKeyId: string
  Expiration: string
  SecretAccessKey: string
  SessionToken: string
}

function issue(
  state: SandboxState,
  principal: Principal,
  seconds: number,
  source: CredentialSource,
  mfaAuthenticated: boolean,
): IssuedCredentials {
  const expiresAt = state.now() + seconds * 1000
  const record: CredentialRecord = {
    accessKeyId: newId.temporaryAccessKeyId(),
    expiresAt,
    mfaAuthenticated,
    principal,
    secretAccessKey: state.addSecret('secret-access-key', newId.secretAccessKey()),
    sessionToken: state.addSecret('session-token', newId.sessionToken()),
    source,
  }
  state.credentials.set(record.accessKeyId, record)
  return {
    AccessKeyId: record.accessKeyId,
    // AWS prints whole seconds
    Expiration: new Date(Math.floor(expiresAt / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    SecretAccessKey: record.secretAccessKey,
    SessionToken: record.sessionToken!,
  }
}

function duration(params: Params, min: number, max: number, fallback: number, chainedCap?: boolean): number {
  const raw = params.get('DurationSeconds')
  if (raw === undefined) return Math.min(fallback, max)
  const value = Number(raw)
  if (!Number.isInteger(value))
    throw QueryErrors.validation(
      `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`,
    )
  if (value < min)
    throw QueryErrors.validation(
      `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
    )
  if (chainedCap && value > CHAINED_MAX_SECONDS)
    throw QueryErrors.validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    )
  if (value > max)
    throw QueryErrors.validation(
      chainedCap === undefined
        ? `1 validation error detected: Value '${raw}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to ${max}`
        : 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    )
  return value
}

function sessionName(params: Params): string {
  const name = params.get('RoleSessionName')
  if (name === undefined)
    throw QueryErrors.validation(
      "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    )
  if (!SESSION_NAME.test(name))
    throw QueryErrors.validation(
      `1 validation error detected: Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    )
  return name
}

function findRole(
  state: SandboxState,
  roleArn: string | undefined,
): undefined | {account: AccountConfig; role: IamRoleConfig} {
  if (!roleArn)
    throw QueryErrors.validation(
      "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
    )
  const match = ROLE_ARN.exec(roleArn)
  if (!match) throw QueryErrors.validation(`${roleArn} is invalid`)
  const account = state.config.accounts.find((candidate) => candidate.id === match[1])
  const role = account?.iamRoles.find((candidate) => candidate.name === match[2])
  return account && role ? {account, role} : undefined
}

function rolePrincipal(account: AccountConfig, role: IamRoleConfig, session: string): Principal {
  return {
    accountId: account.id,
    arn: `arn:aws:sts::${account.id}:assumed-role/${role.name}/${session}`,
    kind: 'assumed-role',
    roleName: role.name,
    sessionName: session,
    userId: `${stableId('AROA', account.id, role.name)}:${session}`,
  }
}

function callerUser(state: SandboxState, caller: CredentialRecord): IamUserConfig | undefined {
  if (caller.principal.kind !== 'user' || !caller.principal.userName) return undefined
  return state.findUser(caller.principal.accountId, caller.principal.userName)
}

/** Checks SerialNumber + TokenCode against the caller's own MFA devices (RFC 6238, ±1 step). */
function checkMfa(state: SandboxState, caller: CredentialRecord, params: Params): boolean {
  const serial = params.get('SerialNumber')
  const code = params.get('TokenCode')
  if (serial === undefined && code === undefined) return false
  if (serial === undefined || code === undefined)
    throw QueryErrors.validation('SerialNumber and TokenCode must be given together')
  const user = callerUser(state, caller)
  const device = user?.mfaDevices.find((candidate) => mfaSerial(user, candidate.name) === serial)
  if (!user || !device)
    throw QueryErrors.accessDenied(
      'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.',
    )
  const step = verifyTotp(device.secret, code, state.now())
  const used = state.usedTotpSteps.get(serial) ?? new Set<number>()
  if (step === undefined || (state.settings.rejectReusedTotp && used.has(step)))
    throw QueryErrors.accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code. ')
  used.add(step)
  state.usedTotpSteps.set(serial, used)
  return true
}

export function getCallerIdentity(caller: CredentialRecord) {
  return {Account: caller.principal.accountId, Arn: caller.principal.arn, UserId: caller.principal.userId}
}

export function assumeRole(state: SandboxState, caller: CredentialRecord, params: Params) {
  const session = sessionName(params)
  const roleArn = params.get('RoleArn')
  const target = findRole(state, roleArn)
  const denied = () =>
    QueryErrors.accessDenied(
      `User: ${caller.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    )
  if (!target) throw denied()
  const chained = caller.principal.kind === 'assumed-role'
  const seconds = duration(params, 900, target.role.maxSessionDuration, 3600, chained)
  const mfaNow = checkMfa(state, caller, params)
  const mfaAuthenticated = mfaNow || caller.mfaAuthenticated
  if (target.role.requireMfa && !mfaAuthenticated) throw denied()
  const principal = rolePrincipal(target.account, target.role, session)
  return {
    AssumedRoleUser: {Arn: principal.arn, AssumedRoleId: principal.userId},
    Credentials: issue(state, principal, seconds, 'assume-role', mfaAuthenticated),
    PackedPolicySize: 0,
  }
}

export function getSessionToken(state: SandboxState, caller: CredentialRecord, params: Params) {
  if (caller.source !== 'iam-user')
    throw QueryErrors.accessDenied('Cannot call GetSessionToken with session credentials')
  const seconds = duration(params, 900, 129_600, 43_200)
  const mfaAuthenticated = checkMfa(state, caller, params)
  return {Credentials: issue(state, caller.principal, seconds, 'session-token', mfaAuthenticated)}
}

interface JwtClaims {
  aud?: string | string[]
  exp?: number
  iss?: string
  sub?: string
}

function parseJwt(token: string | undefined): JwtClaims {
  const parts = (token ?? '').split('.')
  if (parts.length !== 3)
    throw QueryErrors.invalidIdentityToken(
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
    )
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as JwtClaims
    if (typeof claims === 'object' && claims !== null) return claims
  } catch {}

  throw QueryErrors.invalidIdentityToken('The ID Token provided is not a valid JWT.')
}

/** Web identity: the JWT's claims are checked (issuer, expiry, subject), not its signature. */
export function assumeRoleWithWebIdentity(state: SandboxState, params: Params) {
  const session = sessionName(params)
  const claims = parseJwt(params.get('WebIdentityToken'))
  if (!claims.iss || !claims.sub) throw QueryErrors.invalidIdentityToken('The ID Token is missing the iss or sub claim')
  const issuers = state.config.webIdentityIssuers
  if (issuers && !issuers.includes(claims.iss))
    throw QueryErrors.invalidIdentityToken(`No OpenIDConnect provider found in your account for ${claims.iss}`)
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= state.now()) throw QueryErrors.expiredWebIdentityToken()
  const roleArn = params.get('RoleArn')
  const target = findRole(state, roleArn)
  if (!target || !target.role.allowWebIdentity)
    throw QueryErrors.accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity')
  const seconds = duration(params, 900, target.role.maxSessionDuration, 3600, false)
  const principal = rolePrincipal(target.account, target.role, session)
  return {
    AssumedRoleUser: {Arn: principal.arn, AssumedRoleId: principal.userId},
    Audience: Array.isArray(claims.aud) ? claims.aud[0] : (claims.aud ?? 'sts.amazonaws.com'),
    Credentials: issue(state, principal, seconds, 'web-identity', false),
    PackedPolicySize: 0,
    Provider: claims.iss.replace(/^https:\/\//, ''),
    SubjectFromWebIdentityToken: claims.sub,
  }
}
