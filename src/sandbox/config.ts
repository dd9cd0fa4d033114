/**
 * The sandbox's configuration: the JSON shape users write (SandboxConfigInput, every field optional) and the
 * normalised shape the emulator runs on (SandboxConfig). docs/sandbox.md documents the JSON.
 */
import {shapeProblem} from './config-schema.js'
import {type DynamoDbInput, type DynamoTable, normaliseTables} from './dynamodb-config.js'
import {base32Decode} from './totp.js'

export type FaultKind = '5xx' | '429' | 'reset' | 'stall'
export type ServiceName = 'dynamodb' | 'iam' | 'oidc' | 'portal' | 'sts'

export interface FaultSettings {
  /** Stop injecting after this many faults (unlimited when absent). */
  count?: number
  kinds: FaultKind[]
  /** 0..1: the share of AWS API requests that fail. */
  rate: number
  services: ServiceName[]
  /** How long a stalled request hangs before its connection is dropped. */
  stallMs: number
  /** HTTP status for the 5xx kind (500 or 503). */
  status: number
}

export interface RateLimitSettings {
  burst: number
  requestsPerSecond: number
}

/** Everything the control API may change while the sandbox runs. */
export interface RuntimeSettings {
  autoApprove: boolean
  faults: FaultSettings
  latencyMs: number
  /** Rate limit of the SSO portal APIs (ListAccounts, ListAccountRoles, GetRoleCredentials, Logout); null = none. */
  portalRateLimit: null | RateLimitSettings
  rejectReusedTotp: boolean
  /** Answer this many of the next device-code polls with SlowDownException, whatever their timing (AWS may). */
  slowDownPolls: number
}

export interface SsoLifetimes {
  accessToken: number
  clientRegistration: number
  deviceCode: number
  refreshToken: number
  roleCredentials: number
}

export interface IamRoleConfig {
  allowWebIdentity: boolean
  maxSessionDuration: number
  name: string
  requireMfa: boolean
}

export interface AccountConfig {
  email: string
  iamRoles: IamRoleConfig[]
  id: string
  name: string
  ssoRoles: string[]
}

export interface MfaDeviceConfig {
  name: string
  /** base32 TOTP seed */
  secret: string
}

export interface AccessKeyConfig {
  accessKeyId: string
  secretAccessKey: string
}

export interface IamUserConfig {
  accessKeys: AccessKeyConfig[]
  accountId: string
  mfaDevices: MfaDeviceConfig[]
  name: string
}

export interface SandboxConfig {
  accounts: AccountConfig[]
  /** DynamoDB tables (dynamodb-config.ts) */
  dynamoTables: DynamoTable[]
  iamUsers: IamUserConfig[]
  lifetimes: SsoLifetimes
  pollInterval: number
  region: string
  /** true: each refresh token works once and CreateToken returns a new one; false: it stays, none is returned */
  rotateRefreshTokens: boolean
  settings: RuntimeSettings
  ssoUser: string
  startUrl?: string
  webIdentityIssuers?: string[]
}

export interface IamRoleInput {
  allowWebIdentity?: boolean
  maxSessionDuration?: number
  name: string
  requireMfa?: boolean
}

export interface AccountInput {
  email?: string
  iamRoles?: IamRoleInput[]
  id: string
  ssoRoles?: string[]
}

export interface IamUserInput {
  accessKeys?: AccessKeyConfig[]
  /** account name or 12-digit id */
  account: string
  mfaDevices?: MfaDeviceConfig[]
  name: string
}

export interface SandboxConfigInput {
  accounts?: Record<string, AccountInput>
  autoApprove?: boolean
  defaultIamRoles?: IamRoleInput[]
  defaultSsoRoles?: string[]
  dynamodb?: DynamoDbInput
  faults?: Partial<FaultSettings>
  /** a number of accounts, or {count, rolesPerAccount (Role1…RoleN; default: defaultSsoRoles), firstIndex (default 1)} */
  generateAccounts?: GeneratedAccountsInput | number
  iamUsers?: IamUserInput[]
  latencyMs?: number
  mfa?: {rejectReusedCodes?: boolean}
  rateLimit?: {portal?: null | RateLimitSettings}
  region?: string
  sso?: {
    accessTokenLifetime?: number
    clientRegistrationLifetime?: number
    deviceCodeExpiresIn?: number
    pollInterval?: number
    refreshTokenLifetime?: number
    roleCredentialLifetime?: number
    rotateRefreshTokens?: boolean
    startUrl?: string
    user?: string
  }
  webIdentity?: {issuers?: string[]}
}

export interface GeneratedAccountsInput {
  count: number
  /** the index of the first account (generated-<index>, id 900000000000 + index); default 1 */
  firstIndex?: number
  /** roles Role1…RoleN in each; default: defaultSsoRoles */
  rolesPerAccount?: number
}

export class SandboxConfigError extends Error {
  /** the message without its "sandbox config: " prefix */
  readonly problem: string

  constructor(problem: string) {
    super(`sandbox config: ${problem}`)
    this.name = 'SandboxConfigError'
    this.problem = problem
  }
}

const ALL_SERVICES: ServiceName[] = ['oidc', 'portal', 'sts', 'iam', 'dynamodb']
const FAULT_KINDS = new Set<FaultKind>(['5xx', '429', 'reset', 'stall'])

function positiveInt(value: unknown, field: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min)
    throw new SandboxConfigError(`${field} must be an integer >= ${min}`)
  return value
}

function boolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') throw new SandboxConfigError(`${field} must be true or false`)
  return value
}

function stringList(value: unknown, field: string, fallback: string[]): string[] {
  if (value === undefined) return fallback
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === ''))
    throw new SandboxConfigError(`${field} must be a list of non-empty strings`)
  return [...value] as string[]
}

function normaliseRole(input: IamRoleInput, field: string): IamRoleConfig {
  if (!input || typeof input.name !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(input.name))
    throw new SandboxConfigError(`${field}.name must be a valid IAM role name`)
  const maxSessionDuration = positiveInt(input.maxSessionDuration, `${field}.maxSessionDuration`, 3600, 3600)
  if (maxSessionDuration > 43_200) throw new SandboxConfigError(`${field}.maxSessionDuration must be <= 43200`)
  return {
    allowWebIdentity: input.allowWebIdentity === true,
    maxSessionDuration,
    name: input.name,
    requireMfa: input.requireMfa === true,
  }
}

function normaliseRoles(list: IamRoleInput[] | undefined, field: string, fallback: IamRoleConfig[]): IamRoleConfig[] {
  if (list === undefined) return fallback
  if (!Array.isArray(list)) throw new SandboxConfigError(`${field} must be a list`)
  return list.map((role, index) => normaliseRole(role, `${field}[${index}]`))
}

export function normaliseFaults(input: Partial<FaultSettings> | undefined, base?: FaultSettings): FaultSettings {
  const current: FaultSettings = base ?? {kinds: ['5xx'], rate: 0, services: ALL_SERVICES, stallMs: 30_000, status: 500}
  if (input === undefined || input === null) return current
  if (typeof input !== 'object') throw new SandboxConfigError('faults must be an object')
  const rate = input.rate ?? current.rate
  if (typeof rate !== 'number' || rate < 0 || rate > 1)
    throw new SandboxConfigError('faults.rate must be between 0 and 1')
  const kinds = (stringList(input.kinds, 'faults.kinds', current.kinds) as FaultKind[]).filter(Boolean)
  for (const kind of kinds) if (!FAULT_KINDS.has(kind)) throw new SandboxConfigError(`unknown fault kind '${kind}'`)
  if (kinds.length === 0) throw new SandboxConfigError('faults.kinds must not be empty')
  const services = stringList(input.services, 'faults.services', current.services) as ServiceName[]
  for (const service of services)
    if (!ALL_SERVICES.includes(service)) throw new SandboxConfigError(`unknown service '${service}' in faults.services`)
  const status = input.status ?? current.status
  if (status !== 500 && status !== 502 && status !== 503 && status !== 504)
    throw new SandboxConfigError('faults.status must be 500, 502, 503 or 504')
  const count = 'count' in input ? input.count : current.count
  if (count !== undefined && count !== null && (!Number.isInteger(count) || count < 0))
    throw new SandboxConfigError('faults.count must be an integer >= 0')
  return {
    ...(count === undefined || count === null ? {} : {count}),
    kinds,
    rate,
    services,
    stallMs: positiveInt(input.stallMs, 'faults.stallMs', current.stallMs, 0),
    status,
  }
}

export function normaliseRateLimit(input: unknown, field: string): null | RateLimitSettings {
  if (input === undefined || input === null) return null
  const {burst, requestsPerSecond} = input as Partial<RateLimitSettings>
  if (typeof requestsPerSecond !== 'number' || requestsPerSecond <= 0)
    throw new SandboxConfigError(`${field}.requestsPerSecond must be a positive number`)
  return {burst: positiveInt(burst, `${field}.burst`, Math.max(1, Math.ceil(requestsPerSecond))), requestsPerSecond}
}

function accountId(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^\d{12}$/.test(value))
    throw new SandboxConfigError(`${field} must be a 12-digit account id`)
  return value
}

function normaliseUser(input: IamUserInput, index: number, accounts: AccountConfig[]): IamUserConfig {
  const field = `iamUsers[${index}]`
  if (!input || typeof input.name !== 'string' || !/^[\w+=,.@-]{1,64}$/.test(input.name))
    throw new SandboxConfigError(`${field}.name must be a valid IAM user name`)
  const account = accounts.find((candidate) => candidate.name === input.account || candidate.id === input.account)
  if (!account) throw new SandboxConfigError(`${field}.account '${String(input.account)}' is not a configured account`)
  const accessKeys = (input.accessKeys ?? []).map((key, keyIndex) => {
    if (!/^AKIA[A-Z0-9]{16}$/.test(key?.accessKeyId ?? ''))
      throw new SandboxConfigError(`${field}.accessKeys[${keyIndex}].accessKeyId must look like AKIA + 16 characters`)
    if (typeof key.secretAccessKey !== 'string' || key.secretAccessKey.length < 16)
      throw new SandboxConfigError(`${field}.accessKeys[${keyIndex}].secretAccessKey must be at least 16 characters`)
    return {accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey}
  })
  const mfaDevices = (input.mfaDevices ?? []).map((device, deviceIndex) => {
    const name = device?.name ?? input.name
    try {
      if (base32Decode(device.secret).length < 10) throw new Error('too short')
    } catch {
      throw new SandboxConfigError(`${field}.mfaDevices[${deviceIndex}].secret must be base32 of at least 10 bytes`)
    }

    return {name, secret: device.secret}
  })
  return {accessKeys, accountId: account.id, mfaDevices, name: input.name}
}

export const DEFAULT_SSO_ROLES = ['DevOps', 'Administrator']

/** generated-0001 … (ids 900000000001 …): `count` accounts from `firstIndex`, with rolesPerAccount roles each. */
function generatedAccounts(
  input: GeneratedAccountsInput | number | undefined,
  defaultSsoRoles: string[],
  iamRoles: IamRoleConfig[],
): AccountConfig[] {
  const spec: Partial<GeneratedAccountsInput> = typeof input === 'object' && input !== null ? input : {count: input}
  const field = typeof input === 'object' ? 'generateAccounts.count' : 'generateAccounts'
  const count = positiveInt(spec.count, field, 0, 0)
  const first = positiveInt(spec.firstIndex, 'generateAccounts.firstIndex', 1, 1)
  if (first + count > 100_000_000_000) throw new SandboxConfigError('generateAccounts: too many accounts')
  const perAccount = spec.rolesPerAccount
  const roles =
    perAccount === undefined
      ? defaultSsoRoles
      : Array.from(
          {length: positiveInt(perAccount, 'generateAccounts.rolesPerAccount', 1, 0)},
          (_, i) => `Role${i + 1}`,
        )
  return Array.from({length: count}, (_, i) => {
    const index = first + i
    const name = `generated-${String(index).padStart(4, '0')}`
    return {email: `${name}@sandbox.example`, iamRoles, id: String(900_000_000_000 + index), name, ssoRoles: roles}
  })
}

/** Turns the JSON input into the running configuration, with defaults, validating as it goes. */
export function normaliseConfig(input: SandboxConfigInput = {}): SandboxConfig {
  const problem = shapeProblem(input)
  if (problem) throw new SandboxConfigError(problem)
  const sso = input.sso ?? {}
  const defaultSsoRoles = stringList(input.defaultSsoRoles, 'defaultSsoRoles', DEFAULT_SSO_ROLES)
  const defaultIamRoles = normaliseRoles(input.defaultIamRoles, 'defaultIamRoles', [])
  const accounts: AccountConfig[] = Object.entries(input.accounts ?? {}).map(([name, account]) => ({
    email: account.email ?? `${name}@sandbox.example`,
    iamRoles: normaliseRoles(account.iamRoles, `accounts.${name}.iamRoles`, defaultIamRoles),
    id: accountId(account.id, `accounts.${name}.id`),
    name,
    ssoRoles: stringList(account.ssoRoles, `accounts.${name}.ssoRoles`, defaultSsoRoles),
  }))
  accounts.push(...generatedAccounts(input.generateAccounts, defaultSsoRoles, defaultIamRoles))

  const seen = new Set<string>()
  for (const account of accounts) {
    if (seen.has(account.id)) throw new SandboxConfigError(`account id ${account.id} is used twice`)
    seen.add(account.id)
  }

  const iamUsers = (input.iamUsers ?? []).map((user, index) => normaliseUser(user, index, accounts))
  const keyIds = new Set<string>()
  for (const key of iamUsers.flatMap((user) => user.accessKeys)) {
    if (keyIds.has(key.accessKeyId)) throw new SandboxConfigError(`access key ${key.accessKeyId} is used twice`)
    keyIds.add(key.accessKeyId)
  }

  const pollInterval = positiveInt(sso.pollInterval, 'sso.pollInterval', 1, 0)
  const region = input.region ?? 'us-east-1'
  return {
    accounts,
    dynamoTables: normaliseTables(input.dynamodb, accounts, region, (problem) => new SandboxConfigError(problem)),
    iamUsers,
    lifetimes: {
      accessToken: positiveInt(sso.accessTokenLifetime, 'sso.accessTokenLifetime', 28_800),
      clientRegistration: positiveInt(sso.clientRegistrationLifetime, 'sso.clientRegistrationLifetime', 7_776_000),
      deviceCode: positiveInt(sso.deviceCodeExpiresIn, 'sso.deviceCodeExpiresIn', 600),
      refreshToken: positiveInt(sso.refreshTokenLifetime, 'sso.refreshTokenLifetime', 7_776_000),
      // AWS never issues SSO role credentials shorter than 15 min; tests of renewal need shorter ones
      roleCredentials: positiveInt(sso.roleCredentialLifetime, 'sso.roleCredentialLifetime', 3600, 1),
    },
    pollInterval,
    region,
    rotateRefreshTokens: boolean(sso.rotateRefreshTokens, 'sso.rotateRefreshTokens', true),
    settings: {
      autoApprove: input.autoApprove === true,
      faults: normaliseFaults(input.faults),
      latencyMs: positiveInt(input.latencyMs, 'latencyMs', 0, 0),
      portalRateLimit: normaliseRateLimit(input.rateLimit?.portal, 'rateLimit.portal'),
      rejectReusedTotp: input.mfa?.rejectReusedCodes === true,
      slowDownPolls: 0,
    },
    ssoUser: sso.user ?? 'alice',
    ...(sso.startUrl ? {startUrl: sso.startUrl} : {}),
    ...(input.webIdentity?.issuers
      ? {webIdentityIssuers: stringList(input.webIdentity.issuers, 'webIdentity.issuers', [])}
      : {}),
  }
}
