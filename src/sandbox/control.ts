/** The control API: in-process object and its HTTP face under /_sandbox/ (no AWS API uses that path). */
import type {FaultSettings, RateLimitSettings, RuntimeSettings} from './config.js'
import type {ExpireKind, LogEntry, SandboxState, SecretRecord} from './state.js'

import {normaliseFaults, normaliseRateLimit, SandboxConfigError} from './config.js'
import {decideUserCode, pendingUserCodes} from './oidc-service.js'
import {DEFAULT_EXPIRE_KINDS} from './state.js'

export interface SettingsPatch {
  autoApprove?: boolean
  faults?: Partial<FaultSettings>
  latencyMs?: number
  portalRateLimit?: null | RateLimitSettings
  rejectReusedTotp?: boolean
  slowDownPolls?: number
}

export interface PendingUserCode {
  expiresAt: string
  userCode: string
}

/** Same methods in-process (sandbox.control) and over HTTP (createControlClient). */
export interface SandboxControl {
  approve(userCode: string): Promise<void>
  clearRequestLog(): Promise<void>
  deny(userCode: string): Promise<void>
  /** Expires tokens, codes and temporary credentials now (default: all but client registrations). */
  expire(kinds?: ExpireKind[]): Promise<{expired: number}>
  pendingUserCodes(): Promise<PendingUserCode[]>
  requestLog(): Promise<LogEntry[]>
  secrets(): Promise<SecretRecord[]>
  settings(): Promise<RuntimeSettings>
  updateSettings(patch: SettingsPatch): Promise<RuntimeSettings>
}

export class ControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
    this.name = 'ControlError'
  }
}

const EXPIRE_KINDS = new Set<ExpireKind>(['access-tokens', 'clients', 'credentials', 'device-codes', 'refresh-tokens'])

export interface ControlHooks {
  /** called after settings change so the rate limiter and fault counter follow */
  onSettingsChanged(previous: RuntimeSettings, next: RuntimeSettings): void
}

function applyPatch(current: RuntimeSettings, patch: SettingsPatch): RuntimeSettings {
  if (typeof patch !== 'object' || patch === null) throw new SandboxConfigError('settings patch must be an object')
  const next = structuredClone(current)
  if (patch.autoApprove !== undefined) next.autoApprove = patch.autoApprove === true
  if (patch.rejectReusedTotp !== undefined) next.rejectReusedTotp = patch.rejectReusedTotp === true
  if (patch.slowDownPolls !== undefined) {
    if (!Number.isInteger(patch.slowDownPolls) || patch.slowDownPolls < 0)
      throw new SandboxConfigError('slowDownPolls must be an integer >= 0')
    next.slowDownPolls = patch.slowDownPolls
  }

  if (patch.latencyMs !== undefined) {
    if (!Number.isInteger(patch.latencyMs) || patch.latencyMs < 0)
      throw new SandboxConfigError('latencyMs must be an integer >= 0')
    next.latencyMs = patch.latencyMs
  }

  if (patch.faults !== undefined) next.faults = normaliseFaults(patch.faults, current.faults)
  if (patch.portalRateLimit !== undefined)
    next.portalRateLimit = normaliseRateLimit(patch.portalRateLimit, 'portalRateLimit')
  return next
}

export function createControl(state: SandboxState, hooks: ControlHooks): SandboxControl {
  const decide = (userCode: string, approve: boolean) => {
    try {
      decideUserCode(state, userCode, approve)
    } catch (error) {
      throw new ControlError((error as Error).message, (error as Error).message.startsWith('unknown') ? 404 : 409)
    }
  }

  return {
    async approve(userCode) {
      decide(userCode, true)
    },
    async clearRequestLog() {
      state.log.length = 0
    },
    async deny(userCode) {
      decide(userCode, false)
    },
    async expire(kinds = DEFAULT_EXPIRE_KINDS) {
      for (const kind of kinds) if (!EXPIRE_KINDS.has(kind)) throw new ControlError(`unknown kind '${kind}'`, 400)
      return {expired: state.expire(kinds)}
    },
    async pendingUserCodes() {
      return pendingUserCodes(state)
    },
    async requestLog() {
      return state.log.map((entry) => ({...entry}))
    },
    async secrets() {
      return state.secrets.map((entry) => ({...entry}))
    },
    async settings() {
      return structuredClone(state.settings)
    },
    async updateSettings(patch) {
      let next: RuntimeSettings
      try {
        next = applyPatch(state.settings, patch)
      } catch (error) {
        throw new ControlError((error as Error).message, 400)
      }

      const previous = state.settings
      state.settings = next
      hooks.onSettingsChanged(previous, next)
      return structuredClone(next)
    },
  }
}

export interface ControlResponse {
  body: unknown
  status: number
}

/** Routes an HTTP request under /_sandbox/ to the control object. */
export async function handleControlRequest(
  control: SandboxControl,
  method: string,
  route: string,
  body: Record<string, unknown>,
): Promise<ControlResponse> {
  const userCode = () => {
    if (typeof body.userCode !== 'string') throw new ControlError('userCode is required', 400)
    return body.userCode
  }

  try {
    switch (`${method} ${route}`) {
      case 'DELETE log': {
        await control.clearRequestLog()
        return {body: {ok: true}, status: 200}
      }

      case 'GET health': {
        return {body: {ok: true}, status: 200}
      }

      case 'GET log': {
        return {body: {entries: await control.requestLog()}, status: 200}
      }

      case 'GET pending': {
        return {body: {userCodes: await control.pendingUserCodes()}, status: 200}
      }

      case 'GET secrets': {
        return {body: {secrets: await control.secrets()}, status: 200}
      }

      case 'GET settings': {
        return {body: await control.settings(), status: 200}
      }

      case 'PATCH settings':
      case 'POST settings': {
        return {body: await control.updateSettings(body as SettingsPatch), status: 200}
      }

      case 'POST approve': {
        await control.approve(userCode())
        return {body: {status: 'approved'}, status: 200}
      }

      case 'POST deny': {
        await control.deny(userCode())
        return {body: {status: 'denied'}, status: 200}
      }

      case 'POST expire': {
        const kinds = body.kinds === undefined ? undefined : (body.kinds as ExpireKind[])
        if (kinds !== undefined && !Array.isArray(kinds)) throw new ControlError('kinds must be a list', 400)
        return {body: await control.expire(kinds), status: 200}
      }

      default: {
        return {body: {error: `no control route ${method} /_sandbox/${route}`}, status: 404}
      }
    }
  } catch (error) {
    if (error instanceof ControlError) return {body: {error: error.message}, status: error.status}
    throw error
  }
}
