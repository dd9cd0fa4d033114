import type {SecretStore} from './secret-store.js'

import {LIVENESS, requestAgent} from '../agent/client.js'
import {type AgentPaths} from '../agent/paths.js'
import {type Answer, type Op, type Params} from '../agent/protocol.js'
import {VaultError} from '../lib/errors.js'

/** How long a command waits to connect to the agent before it takes the direct path. */
export const AGENT_CONNECT_TIMEOUT_MS = 1000

/** Sends one request to the agent of paths: its answer, or null when no agent answers. */
export type AgentRequest = (op: Op, params?: Params) => Promise<Answer | null>

/**
 * Requests to the agent of paths. A socket folder of another owner or open to others is refused (VaultError, exit
 * 8); one that cannot be reached at all (an unusable TERRACE_HOME) counts as no agent, and the direct path reports
 * what is wrong with the home.
 */
export const agentRequester =
  (paths: AgentPaths): AgentRequest =>
  async (op, params) => {
    try {
      // an agent that answers nothing, not even a ping (AgentHungError), counts as no agent
      return await requestAgent(paths, op, {connectTimeoutMs: AGENT_CONNECT_TIMEOUT_MS, liveness: LIVENESS, params})
    } catch (error) {
      if (error instanceof VaultError) throw error
      return null
    }
  }

/**
 * The file vault as the agent holds it unlocked: get/set/delete/list are requests to the agent, which reads and
 * writes the vault file (it holds the key; this process never sees it). When the agent is gone or locked by the
 * time of a request (stopped, `vault lock`, the unlock's time is up), the request goes to `direct()` instead: the
 * file vault opened the usual way (TERRACE_VAULT_PASSPHRASE, a prompt, or exit 8), made once.
 */
export class AgentVaultStore implements SecretStore {
  readonly description: string
  readonly kind = 'file' as const
  private directStore?: SecretStore

  constructor(
    private readonly request: AgentRequest,
    private readonly direct: () => SecretStore,
    path: string,
  ) {
    this.description = `encrypted file ${path} (unlocked in the terrace agent)`
  }

  /** Whether the agent holds the file vault unlocked now. */
  static async unlocked(request: AgentRequest): Promise<boolean> {
    const answer = await request('status')
    return Boolean(answer?.ok && (answer.result as {unlocked?: unknown}).unlocked === true)
  }

  async delete(account: string): Promise<boolean> {
    const result = await this.call('vault-delete', {account})
    return result === undefined ? this.fallback().delete(account) : (result as {deleted: boolean}).deleted
  }

  async get(account: string): Promise<string | undefined> {
    const result = await this.call('vault-get', {account})
    return result === undefined ? this.fallback().get(account) : ((result as {value: null | string}).value ?? undefined)
  }

  async list(prefix = ''): Promise<string[]> {
    const result = await this.call('vault-list', {prefix})
    return result === undefined ? this.fallback().list(prefix) : (result as {accounts: string[]}).accounts
  }

  async set(account: string, secret: string): Promise<void> {
    const result = await this.call('vault-set', {account, secret})
    if (result === undefined) await this.fallback().set(account, secret)
  }

  /** The op's result; undefined when the direct path must answer (no agent, or the vault is locked there). */
  private async call(op: Op, params: Params): Promise<unknown> {
    if (this.directStore) return undefined
    const answer = await this.request(op, params)
    if (!answer) return undefined
    if (answer.ok) return answer.result
    if (answer.error.code === 'locked' || answer.error.code === 'unknown-op') return undefined
    throw new VaultError(
      `The terrace agent could not ${op.replace('vault-', '')} a vault entry: ${answer.error.message}`,
    )
  }

  private fallback(): SecretStore {
    this.directStore ??= this.direct()
    return this.directStore
  }
}
