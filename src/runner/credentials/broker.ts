/**
 * The loopback credential endpoint a child asks for its credentials (the container-credentials protocol, as
 * ECS serves it): `GET <url>` with `Authorization: <token>` answers
 * `{"AccessKeyId","SecretAccessKey","Token","Expiration"}` for the default role, `GET /profiles/<name>` for every
 * other profile of the run (the credential helper asks there). 127.0.0.1 only, a random port, a random 256-bit
 * token; 401 without the token, 403 with a wrong one, 403 for any Host but 127.0.0.1 or localhost (DNS rebinding).
 *
 * Credentials come from the CredentialSource on every request (it caches and refreshes single-flight); the
 * Expiration handed out is the end of their TTL, so SDKs ask again before they are older than that. While the
 * child runs, a timer renews each role served just before it would go stale, so a request never waits on AWS
 * and a two-hour apply never sees an expired key.
 */
import {randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import {type AddressInfo} from 'node:net'

import type {AwsCredentials, CredentialSource} from '../../auth/credentials/types.js'
import type {RoleRef} from '../../lib/role-refs.js'

import {TerraceError} from '../../lib/errors.js'
import {noDefaultRoleFix} from './no-default-role.js'

export const DEFAULT_PATH = '/credentials'
export const PROFILE_PATH = '/profiles/'

export interface BrokerOptions {
  /** the role behind DEFAULT_PATH; null: only profiles are served */
  defaultRef: null | RoleRef
  /** Expiration reported for credentials (epoch ms) */
  expirationOf(creds: AwsCredentials): number
  now(): number
  /** called when a background renewal failed (the next request retries) */
  onRenewError?(error: unknown, profile: string): void
  /** profile name → role */
  profiles: ReadonlyMap<string, RoleRef>
  /** how long before the reported Expiration a role served is renewed in the background */
  renewLeadMs: number
  source: CredentialSource
}

export interface Broker {
  close(): Promise<void>
  /** the credentials of the default role, fetched now (to fail before a child starts) */
  defaultCredentials(): Promise<AwsCredentials | null>
  /** requests answered, by outcome: for tests and debugging */
  readonly stats: {denied: number; failed: number; served: number}
  readonly token: string
  /** AWS_CONTAINER_CREDENTIALS_FULL_URI */
  readonly url: string
}

export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * True for a Host header naming this endpoint: 127.0.0.1 or localhost, with no port or the endpoint's own. Anything
 * else (a page whose DNS name was rebound to 127.0.0.1, a missing Host) gets no credentials.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  const match = /^(127\.0\.0\.1|localhost)(?::(\d{1,5}))?$/i.exec(host ?? '')
  return match !== null && (match[2] === undefined || Number(match[2]) === port)
}

/** The JSON a container-credentials client expects. */
export function containerCredentialsBody(creds: AwsCredentials, expiration: number): string {
  return JSON.stringify({
    AccessKeyId: creds.accessKeyId,
    Expiration: new Date(expiration).toISOString(),
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken ?? '',
  })
}

function send(response: ServerResponse, status: number, body: object | string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body)
  response.writeHead(status, {'cache-control': 'no-store', 'content-type': 'application/json'})
  response.end(text)
}

/** The message a failed request carries: terrace's own error text (never a secret), or a generic line. */
function failureMessage(error: unknown): {code: string; message: string} {
  if (error instanceof TerraceError) {
    const message = error.suggestion ? `${error.message} ${error.suggestion}` : error.message
    return {code: error.name, message}
  }

  return {code: 'InternalError', message: 'terrace could not get credentials (run with TERRACE_DEBUG=1 for more)'}
}

export async function startCredentialBroker(options: BrokerOptions): Promise<Broker> {
  const token = randomBytes(32).toString('hex')
  const stats = {denied: 0, failed: 0, served: 0}
  const inFlight = new Map<string, Promise<AwsCredentials>>()
  const timers = new Map<string, NodeJS.Timeout>()
  let closed = false
  let port = 0

  const refFor = (name: null | string): RoleRef | undefined =>
    name === null ? (options.defaultRef ?? undefined) : options.profiles.get(name)

  /** Credentials for `key` (a profile name, or '' for the default role), single-flight per key. */
  const credentialsFor = (key: string, ref: RoleRef): Promise<AwsCredentials> => {
    const running = inFlight.get(key)
    if (running) return running
    const fetching = (async () => {
      let creds = await options.source.get(ref)
      if (options.expirationOf(creds) - options.now() <= Math.min(options.renewLeadMs, 5000)) {
        creds = await options.source.get(ref, {forceRefresh: true})
      }

      schedule(key, ref, creds)
      return creds
    })()
    inFlight.set(key, fetching)
    const clear = () => inFlight.delete(key)
    fetching.then(clear, clear)
    return fetching
  }

  /** Renews `key` just before its handed-out credentials go stale, as long as the broker runs. */
  const schedule = (key: string, ref: RoleRef, creds: AwsCredentials | null, delayMs?: number) => {
    if (closed) return
    clearTimeout(timers.get(key))
    const wait = delayMs ?? Math.max(1000, options.expirationOf(creds!) - options.renewLeadMs - options.now())
    const timer = setTimeout(() => {
      credentialsFor(key, ref).catch((error: unknown) => {
        options.onRenewError?.(error, key || '(default)')
        schedule(key, ref, null, 5000)
      })
    }, wait)
    timer.unref()
    timers.set(key, timer)
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (!isLoopbackHost(request.headers.host, port)) {
      stats.denied++
      send(response, 403, {code: 'AccessDenied', message: 'this endpoint answers only Host 127.0.0.1 or localhost'})
      return
    }

    if (request.method !== 'GET') {
      send(response, 405, {code: 'MethodNotAllowed', message: 'GET only'})
      return
    }

    const given = request.headers.authorization
    if (!sameToken(given, token)) {
      stats.denied++
      send(response, given === undefined ? 401 : 403, {code: 'AccessDenied', message: 'missing or wrong token'})
      return
    }

    const path = (request.url ?? '').split('?')[0]
    let name: null | string
    if (path === DEFAULT_PATH || path === '/') name = null
    else if (path.startsWith(PROFILE_PATH)) name = decodeURIComponent(path.slice(PROFILE_PATH.length))
    else {
      send(response, 404, {code: 'NotFound', message: 'no such path'})
      return
    }

    const ref = refFor(name)
    if (!ref) {
      const what =
        name === null
          ? `no default role here: ${noDefaultRoleFix([...options.profiles.keys()])}`
          : `no profile named "${name}" in this run`
      send(response, 404, {code: 'NotFound', message: what})
      return
    }

    try {
      const creds = await credentialsFor(name ?? '', ref)
      stats.served++
      send(response, 200, containerCredentialsBody(creds, options.expirationOf(creds)))
    } catch (error) {
      stats.failed++
      send(response, 503, failureMessage(error))
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, {code: 'InternalError', message: 'terrace failed'})
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  server.unref()
  port = (server.address() as AddressInfo).port

  return {
    async close() {
      if (closed) return
      closed = true
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    async defaultCredentials() {
      return options.defaultRef ? credentialsFor('', options.defaultRef) : null
    },
    stats,
    token,
    url: `http://127.0.0.1:${port}${DEFAULT_PATH}`,
  }
}
