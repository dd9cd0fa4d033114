import {type Answer, type Op, type Params} from '../../../src/agent/protocol.js'
import {type AgentRequest} from '../../../src/vault/agent-store.js'

const ok = (result: unknown): Answer => ({id: 1, ok: true, result, v: 1})

/** An agent stand-in: holds the vault in a Map while `unlocked`, answers like the real one, records every op. */
export function fakeAgent(initial: Record<string, string> = {}) {
  const state = {entries: new Map(Object.entries(initial)), gone: false, ops: [] as Op[], unlocked: true}
  const request: AgentRequest = async (op: Op, params: Params = {}) => {
    state.ops.push(op)
    if (state.gone) return null
    if (op === 'status') return ok({unlocked: state.unlocked})
    if (!state.unlocked) return {error: {code: 'locked', message: 'locked'}, id: 1, ok: false, v: 1}
    const account = String(params.account)
    switch (op) {
      case 'vault-delete': {
        return ok({deleted: state.entries.delete(account)})
      }

      case 'vault-get': {
        return ok({value: state.entries.get(account) ?? null})
      }

      case 'vault-list': {
        return ok({accounts: [...state.entries.keys()].filter((a) => a.startsWith(String(params.prefix ?? '')))})
      }

      case 'vault-set': {
        state.entries.set(account, String(params.secret))
        return ok({})
      }

      default: {
        return {error: {code: 'failed', message: 'disk full'}, id: 1, ok: false, v: 1}
      }
    }
  }

  return {request, state}
}
