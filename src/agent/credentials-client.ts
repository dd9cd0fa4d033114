/**
 * Role credentials asked of terrace's agent: what credential-process and the loopback endpoint of wrapped commands
 * do first. One request over the socket; when no agent answers (none runs, a stale socket, the agent died
 * mid-request) or it answers anything but credentials, the caller takes the direct path, which gives the same
 * answer (the same vault cache, locks and AWS calls). With TERRACE_AGENT=auto (the default outside CI) the first
 * caller that finds no agent starts one, so the next ones find it warm.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'

import type {AwsCredentials, CredentialSource} from '../auth/credentials/types.js'
import type {Op, Params} from './protocol.js'

import {parseCachedCredentials} from '../auth/credentials/credential-cache.js'
import {terraceEnv} from '../lib/terrace-env.js'
import {AgentHungError, LIVENESS, requestAgent} from './client.js'
import {type AgentPaths, agentPaths} from './paths.js'
import {refToParams, type WireRef} from './role-ref-params.js'

/** How long a client waits to connect before it takes the direct path. */
const CONNECT_TIMEOUT_MS = 1000
/** The idle timeout of an agent started on demand (seconds), as `terrace agent start`'s default. */
const ON_DEMAND_IDLE_SECONDS = 15 * 60

export interface AskOptions {
  /** obtain new credentials, whatever the agent holds */
  forceRefresh?: boolean
  /** false: never start an agent for this request, even with TERRACE_AGENT=auto (default true) */
  start?: boolean
}

/** What a client needs to ask the agent of one TERRACE_HOME. */
export interface AgentCredentialClient {
  /**
   * credentials for ref (a workspace session: by id, resolved by the agent) from the agent; undefined when the direct
   * path must answer
   */
  credentials(ref: WireRef, options?: AskOptions): Promise<AwsCredentials | undefined>
  /**
   * whether the agent vouches for the IAM Identity Center login of startUrl (usable, renewed when close to its end);
   * false when the direct path must check it (no agent, or no login there: the direct path says what is wrong)
   */
  loginUsable(startUrl: string): Promise<boolean>
  /** whether credentials() will ask an agent: TERRACE_AGENT=auto, or an agent's socket is there */
  mayAsk(): boolean
  /** whether an agent's socket is there (one runs, or a killed one left it): asking will not start one */
  running(): boolean
}

/**
 * The client of the agent of home for this environment: with TERRACE_AGENT=auto it starts the agent on the first
 * request that finds none (once per process); with off it only asks an agent that already runs.
 */
export function agentCredentialClient(options: {env: NodeJS.ProcessEnv; home: string}): AgentCredentialClient {
  const paths = agentPaths(options.home)
  const auto = terraceEnv(options.env).agent() === 'auto'
  let starting: Promise<void> | undefined
  // one request, and with auto a second one after starting the agent when none answered the first
  const ask = async <T>(
    op: Op,
    params: Params,
    read: (result: unknown) => T | undefined,
    start = true,
  ): Promise<T | undefined> => {
    const answer = await askAgent(paths, op, params, read)
    if (answer !== NO_AGENT || !auto || !start) return answer === NO_AGENT ? undefined : answer
    starting ??= startOnDemand(paths)
    await starting
    const again = await askAgent(paths, op, params, read)
    return again === NO_AGENT ? undefined : again
  }

  return {
    credentials(ref, request = {}) {
      const params = refToParams(ref)
      if (request.forceRefresh) params.forceRefresh = 1
      return ask('credentials', params, readCredentials, request.start)
    },
    async loginUsable(startUrl) {
      const vouched = await ask('sso-login', {startUrl}, (result) =>
        typeof (result as {expiresAt?: unknown}).expiresAt === 'number' ? true : undefined,
      )
      return vouched === true
    },
    mayAsk: () => auto || existsSync(paths.socket),
    running: () => existsSync(paths.socket),
  }
}

/**
 * Starts the agent when none answers, one starter at a time (the others find the first one's agent). A failure to
 * start is not the caller's failure: it takes the direct path. Loaded only when no agent answered.
 */
export async function startOnDemand(paths: AgentPaths): Promise<void> {
  const [{withLock}, {launchAgent}, {checkSocketPath, ensureSocketDir}] = await Promise.all([
    import('../lib/lock.js'),
    import('./launch.js'),
    import('./socket-dir.js'),
  ])
  // a socket folder of another owner or open to others is refused here (exit 8), as for every use of the agent
  checkSocketPath(paths.socket)
  await ensureSocketDir(paths.runDir)
  try {
    await withLock(
      join(paths.runDir, 'launch.lock'),
      async () => {
        await launchAgent(paths, {idleSeconds: ON_DEMAND_IDLE_SECONDS})
      },
      {timeoutMs: 20_000},
    )
  } catch {
    // an agent that could not start is not this request's failure: it takes the direct path
  }
}

/** No agent answered at all (none runs, a stale socket, it went away before answering). */
const NO_AGENT = Symbol('no agent')

/**
 * One request: what read makes of its result; undefined when the agent answered without one (an error: the direct
 * path says what is wrong) or answers nothing at all, not even a ping (client.ts Liveness); NO_AGENT when no agent
 * answered.
 */
async function askAgent<T>(
  paths: AgentPaths,
  op: Op,
  params: Params,
  read: (result: unknown) => T | undefined,
): Promise<T | typeof NO_AGENT | undefined> {
  let answer
  try {
    answer = await requestAgent(paths, op, {connectTimeoutMs: CONNECT_TIMEOUT_MS, liveness: LIVENESS, params})
  } catch (error) {
    // an agent that answers nothing (stopped, wedged) is not replaced by this request: it takes the direct path
    if (error instanceof AgentHungError) return undefined
    // a socket folder of another owner or open to others: refused (exit 8), as for every other use of the agent
    if ((error as {exitCode?: number}).exitCode === 8) throw error
    return NO_AGENT
  }

  if (!answer) return NO_AGENT
  return answer.ok && typeof answer.result === 'object' && answer.result !== null ? read(answer.result) : undefined
}

/** The credentials of a `credentials` answer. */
function readCredentials(result: unknown): AwsCredentials | undefined {
  const creds = (result as {credentials?: unknown}).credentials
  return typeof creds === 'object' && creds !== null ? parseCachedCredentials(JSON.stringify(creds)) : undefined
}

/** A CredentialSource asking the agent first and direct when the agent does not answer. */
export function agentFirstSource(client: AgentCredentialClient, direct: CredentialSource): CredentialSource {
  return {
    async get(ref, options) {
      return (await client.credentials(ref, options)) ?? direct.get(ref, options)
    },
  }
}
