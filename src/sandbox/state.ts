/** Everything the sandbox remembers: issued clients, codes, tokens and credentials, the secret list and the log. */
import type {IamUserConfig, RuntimeSettings, SandboxConfig} from './config.js'

import {stableId} from './ids.js'

export type SecretKind =
  | 'access-token'
  | 'client-secret'
  | 'device-code'
  | 'iam-user-secret-key'
  | 'mfa-seed'
  | 'refresh-token'
  | 'secret-access-key'
  | 'session-token'

export interface SecretRecord {
  issuedAt: string
  kind: SecretKind
  value: string
}

export interface LogEntry {
  /** who called: a principal ARN, `sso-user:<name>`, an OIDC client id, or `anonymous` */
  caller: string
  durationMs: number
  operation: string
  /** `ok`, an AWS error code, or `fault:<kind>` */
  outcome: string
  service: 'control' | 'dynamodb' | 'iam' | 'oidc' | 'page' | 'portal' | 'sts' | 'unknown'
  status: number
  time: string
}

export interface ClientRecord {
  clientId: string
  clientName: string
  clientSecret: string
  expiresAt: number
  grantTypes: string[]
  issuedAt: number
  scopes: string[]
}

export type DeviceStatus = 'approved' | 'consumed' | 'denied' | 'pending'

export interface DeviceAuthorization {
  clientId: string
  deviceCode: string
  expiresAt: number
  interval: number
  lastPollAt?: number
  startUrl: string
  status: DeviceStatus
  userCode: string
}

export interface TokenRecord {
  clientId: string
  expiresAt: number
  /** access and refresh tokens from one login (and its refreshes) share a family; Logout revokes it */
  family: string
  revoked: boolean
  scopes: string[]
  token: string
  user: string
}

export interface Principal {
  accountId: string
  arn: string
  kind: 'assumed-role' | 'user'
  roleName?: string
  sessionName?: string
  userId: string
  userName?: string
}

export type CredentialSource = 'assume-role' | 'iam-user' | 'session-token' | 'sso' | 'web-identity'

export interface CredentialRecord {
  accessKeyId: string
  expiresAt?: number
  mfaAuthenticated: boolean
  principal: Principal
  secretAccessKey: string
  sessionToken?: string
  source: CredentialSource
}

export type ExpireKind = 'access-tokens' | 'clients' | 'credentials' | 'device-codes' | 'refresh-tokens'
export const DEFAULT_EXPIRE_KINDS: ExpireKind[] = ['access-tokens', 'refresh-tokens', 'credentials', 'device-codes']

export function userPrincipal(user: IamUserConfig): Principal {
  return {
    accountId: user.accountId,
    arn: `arn:aws:iam::${user.accountId}:user/${user.name}`,
    kind: 'user',
    userId: stableId('AIDA', user.accountId, user.name),
    userName: user.name,
  }
}

export function mfaSerial(user: IamUserConfig, deviceName: string): string {
  return `arn:aws:iam::${user.accountId}:mfa/${deviceName}`
}

export class SandboxState {
  readonly accessTokens = new Map<string, TokenRecord>()
  readonly clients = new Map<string, ClientRecord>()
  readonly config: SandboxConfig
  readonly credentials = new Map<string, CredentialRecord>()
  readonly devices = new Map<string, DeviceAuthorization>()
  readonly devicesByUserCode = new Map<string, DeviceAuthorization>()
  readonly log: LogEntry[] = []
  readonly now: () => number
  readonly refreshTokens = new Map<string, TokenRecord>()
  readonly secrets: SecretRecord[] = []
  settings: RuntimeSettings
  /** TOTP steps already used, per MFA serial (only checked when rejectReusedTotp is on) */
  readonly usedTotpSteps = new Map<string, Set<number>>()

  constructor(config: SandboxConfig, now: () => number) {
    this.config = config
    this.now = now
    this.settings = structuredClone(config.settings)
    for (const user of config.iamUsers) {
      for (const key of user.accessKeys) {
        this.credentials.set(key.accessKeyId, {
          accessKeyId: key.accessKeyId,
          mfaAuthenticated: false,
          principal: userPrincipal(user),
          secretAccessKey: key.secretAccessKey,
          source: 'iam-user',
        })
        this.addSecret('iam-user-secret-key', key.secretAccessKey)
      }

      for (const device of user.mfaDevices) this.addSecret('mfa-seed', device.secret)
    }
  }

  addSecret(kind: SecretKind, value: string): string {
    this.secrets.push({issuedAt: new Date(this.now()).toISOString(), kind, value})
    return value
  }

  /** Makes every selected token, code or temporary credential expire now. Returns how many changed. */
  expire(kinds: ExpireKind[] = DEFAULT_EXPIRE_KINDS): number {
    const past = this.now() - 1
    let changed = 0
    const lapse = (record: {expiresAt?: number}) => {
      if (record.expiresAt !== undefined && record.expiresAt > past) {
        record.expiresAt = past
        changed++
      }
    }

    if (kinds.includes('access-tokens')) for (const record of this.accessTokens.values()) lapse(record)
    if (kinds.includes('refresh-tokens')) for (const record of this.refreshTokens.values()) lapse(record)
    if (kinds.includes('device-codes')) for (const record of this.devices.values()) lapse(record)
    if (kinds.includes('clients')) for (const record of this.clients.values()) lapse(record)
    if (kinds.includes('credentials')) for (const record of this.credentials.values()) lapse(record)
    return changed
  }

  findUser(accountId: string, userName: string): IamUserConfig | undefined {
    return this.config.iamUsers.find((user) => user.accountId === accountId && user.name === userName)
  }
}
