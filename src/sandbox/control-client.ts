/** A SandboxControl that talks to a sandbox in another process over its HTTP control API. */
import type {RuntimeSettings} from './config.js'
import type {PendingUserCode, SandboxControl, SettingsPatch} from './control.js'
import type {ExpireKind, LogEntry, SecretRecord} from './state.js'

import {ControlError} from './control.js'

export function createControlClient(baseUrl: string): SandboxControl {
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    // eslint-disable-next-line n/no-unsupported-features/node-builtins -- fetch is stable enough on Node 20 for a test client
    const response = await fetch(`${baseUrl.replace(/\/$/, '')}/_sandbox/${route}`, {
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : {'content-type': 'application/json'},
      method,
    })
    const payload = (await response.json()) as T & {error?: string}
    if (!response.ok)
      throw new ControlError(payload.error ?? `control API answered ${response.status}`, response.status)
    return payload
  }

  return {
    async approve(userCode) {
      await call('POST', 'approve', {userCode})
    },
    async clearRequestLog() {
      await call('DELETE', 'log')
    },
    async deny(userCode) {
      await call('POST', 'deny', {userCode})
    },
    expire: (kinds?: ExpireKind[]) => call<{expired: number}>('POST', 'expire', kinds ? {kinds} : {}),
    pendingUserCodes: async () => (await call<{userCodes: PendingUserCode[]}>('GET', 'pending')).userCodes,
    requestLog: async () => (await call<{entries: LogEntry[]}>('GET', 'log')).entries,
    secrets: async () => (await call<{secrets: SecretRecord[]}>('GET', 'secrets')).secrets,
    settings: () => call<RuntimeSettings>('GET', 'settings'),
    updateSettings: (patch: SettingsPatch) => call<RuntimeSettings>('PATCH', 'settings', patch),
  }
}
