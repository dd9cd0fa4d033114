import type {AddressInfo} from 'node:net'

/** startSandbox: one HTTP server on 127.0.0.1 answering SSO-OIDC, the SSO portal, STS, IAM and the control API. */
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'

import {ApiError, PortalErrors} from './api-error.js'
import {approvalPage, decisionPage, failurePage} from './approval-page.js'
import {handleAws, renderFailure} from './aws-handlers.js'
import {type AwsRoute, routeAwsRequest} from './aws-routes.js'
import {loadSandboxConfigFile} from './config-file.js'
import {normaliseConfig, type SandboxConfig, type SandboxConfigInput} from './config.js'
import {createControl, handleControlRequest, type SandboxControl} from './control.js'
import {handleDynamoDb, renderDynamoError} from './dynamodb-handler.js'
import {readBody, send, sendJson} from './http-io.js'
import {newId} from './ids.js'
import {decideUserCode} from './oidc-service.js'
import {type RunningSandbox, type SandboxExports} from './running-sandboxes.js'
import {type LogEntry, SandboxState} from './state.js'
import {FaultInjector, TokenBucket} from './traffic.js'

export interface SandboxOptions {
  /** The configuration (JSON shape); default: templates/sandbox.json. */
  config?: SandboxConfigInput
  host?: '127.0.0.1'
  /** The sandbox's clock for token and credential lifetimes (epoch ms); default Date.now. */
  now?: () => number
  /** 0 or absent: a random free port. */
  port?: number
  /** Random source for fault injection (tests make it deterministic). */
  random?: () => number
}

export interface SandboxEnv {
  AWS_ENDPOINT_URL: string
  AWS_ENDPOINT_URL_DYNAMODB: string
  AWS_ENDPOINT_URL_IAM: string
  AWS_ENDPOINT_URL_SSO: string
  AWS_ENDPOINT_URL_SSO_OIDC: string
  AWS_ENDPOINT_URL_STS: string
}

export interface Sandbox {
  readonly config: SandboxConfig
  readonly control: SandboxControl
  /** The standard SDK variables that point every AWS client at this sandbox. */
  env(): SandboxEnv
  /** env() plus AWS_REGION: the lines the banner and `terrace sandbox env` export. */
  exportVariables(): SandboxExports
  readonly port: number
  stop(): Promise<void>
  readonly url: string
}

const sleep = (ms: number) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const config = normaliseConfig(options.config ?? loadSandboxConfigFile())
  const now = options.now ?? Date.now
  const state = new SandboxState(config, now)
  const faults = new FaultInjector(options.random)
  const wallClock = () => Date.now()
  let bucket = state.settings.portalRateLimit ? new TokenBucket(state.settings.portalRateLimit, wallClock) : undefined
  const control = createControl(state, {
    onSettingsChanged(previous, next) {
      if (JSON.stringify(previous.faults) !== JSON.stringify(next.faults)) faults.reset()
      if (!next.portalRateLimit) bucket = undefined
      else if (bucket) bucket.reconfigure(next.portalRateLimit)
      else bucket = new TokenBucket(next.portalRateLimit, wallClock)
    },
  })
  const stalls = new Set<NodeJS.Timeout>()
  let baseUrl = ''
  let port = 0
  const env = (): SandboxEnv => ({
    AWS_ENDPOINT_URL: baseUrl,
    AWS_ENDPOINT_URL_DYNAMODB: baseUrl,
    AWS_ENDPOINT_URL_IAM: baseUrl,
    AWS_ENDPOINT_URL_SSO: baseUrl,
    AWS_ENDPOINT_URL_SSO_OIDC: baseUrl,
    AWS_ENDPOINT_URL_STS: baseUrl,
  })
  const sandboxExports = (): SandboxExports => ({...env(), AWS_REGION: config.region})

  const record = (entry: Omit<LogEntry, 'durationMs' | 'time'>, started: number) =>
    state.log.push({...entry, durationMs: Date.now() - started, time: new Date(started).toISOString()})

  async function handlePage(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    body: Buffer,
    started: number,
  ) {
    if (request.method === 'GET') {
      send(
        response,
        200,
        'text/html; charset=utf-8',
        approvalPage(url.searchParams.get('user_code') ?? undefined, config.ssoUser),
      )
      record({caller: 'browser', operation: 'ApprovalPage', outcome: 'ok', service: 'page', status: 200}, started)
      return
    }

    const form = new URLSearchParams(body.toString('utf8'))
    const action = form.get('action')
    try {
      if (action !== 'approve' && action !== 'deny') throw new Error('choose Approve or Deny')
      const outcome = decideUserCode(state, form.get('user_code') ?? '', action === 'approve')
      send(response, 200, 'text/html; charset=utf-8', decisionPage(outcome))
      record({caller: 'browser', operation: `Page:${action}`, outcome: 'ok', service: 'page', status: 200}, started)
    } catch (error) {
      send(response, 400, 'text/html; charset=utf-8', failurePage((error as Error).message))
      record({caller: 'browser', operation: `Page:${action}`, outcome: 'error', service: 'page', status: 400}, started)
    }
  }

  async function handleAwsRoute(
    request: IncomingMessage,
    response: ServerResponse,
    route: AwsRoute,
    url: URL,
    body: Buffer,
    started: number,
  ) {
    const {settings} = state
    if (settings.latencyMs > 0) await sleep(settings.latencyMs)
    const fault = faults.decide(settings.faults, route.service)
    if (fault === 'reset') {
      record(
        {caller: 'anonymous', operation: route.operation, outcome: 'fault:reset', service: route.service, status: 0},
        started,
      )
      request.socket.destroy()
      return
    }

    if (fault === 'stall') {
      record(
        {caller: 'anonymous', operation: route.operation, outcome: 'fault:stall', service: route.service, status: 0},
        started,
      )
      const timer = setTimeout(() => {
        stalls.delete(timer)
        request.socket.destroy()
      }, settings.faults.stallMs)
      stalls.add(timer)
      return
    }

    let rendered
    const failure = (error: ApiError) =>
      route.service === 'dynamodb'
        ? renderDynamoError(error, 'anonymous', newId.requestId())
        : renderFailure(route, error)
    if (fault === '429') {
      const throttled =
        route.service === 'sts' || route.service === 'iam'
          ? new ApiError('Throttling', 400, 'Rate exceeded (injected fault)')
          : route.service === 'dynamodb'
            ? new ApiError(
                'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
                400,
                'The level of configured provisioned throughput for the table was exceeded (injected fault)',
              )
            : PortalErrors.tooManyRequests('Too many requests (injected fault)')
      rendered = {...failure(throttled), outcome: 'fault:429'}
    } else if (fault === '5xx') {
      const code =
        route.service === 'sts' || route.service === 'iam'
          ? settings.faults.status === 503
            ? 'ServiceUnavailable'
            : 'InternalFailure'
          : route.service === 'dynamodb'
            ? `com.amazonaws.dynamodb.v20120810#${settings.faults.status === 503 ? 'ServiceUnavailable' : 'InternalServerError'}`
            : 'InternalServerException'
      const error = new ApiError(code, settings.faults.status, 'Injected fault', 'server_error')
      rendered = {...failure(error), outcome: 'fault:5xx'}
    } else if (route.service === 'portal' && bucket && !bucket.take()) {
      rendered = renderFailure(route, PortalErrors.tooManyRequests('Too many requests'))
    } else {
      const awsRequest = {
        body,
        headers: request.headers,
        method: request.method ?? 'GET',
        search: url.searchParams,
        url: request.url ?? '/',
      }
      rendered =
        route.service === 'dynamodb'
          ? handleDynamoDb(state, route, awsRequest, newId.requestId())
          : handleAws(state, route, awsRequest, baseUrl)
    }

    send(response, rendered.status, rendered.contentType, rendered.body, rendered.headers)
    record(
      {
        caller: rendered.caller,
        operation: route.operation || '(none)',
        outcome: rendered.outcome,
        service: route.service,
        status: rendered.status,
      },
      started,
    )
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const started = Date.now()
    const url = new URL(request.url ?? '/', 'http://sandbox.invalid')
    const method = request.method ?? 'GET'
    const body = await readBody(request)
    if (url.pathname === '/_sandbox/env' && method === 'GET') {
      const running: RunningSandbox = {env: sandboxExports(), port, url: baseUrl}
      sendJson(response, 200, running)
      return
    }

    if (url.pathname.startsWith('/_sandbox/')) {
      let payload: Record<string, unknown> = {}
      try {
        payload = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {}
      } catch {
        sendJson(response, 400, {error: 'the body must be JSON'})
        return
      }

      const result = await handleControlRequest(control, method, url.pathname.slice('/_sandbox/'.length), payload)
      sendJson(response, result.status, result.body)
      return
    }

    if (url.pathname === '/device' && (method === 'GET' || method === 'POST')) {
      await handlePage(request, response, url, body, started)
      return
    }

    const target = request.headers['x-amz-target']
    const route = routeAwsRequest(
      method,
      url.pathname,
      url.searchParams,
      body,
      request.headers.authorization,
      Array.isArray(target) ? target[0] : target,
    )
    if (!route) {
      sendJson(
        response,
        404,
        {message: `The sandbox does not implement ${method} ${url.pathname}`},
        {'x-amzn-errortype': 'UnknownOperationException'},
      )
      record(
        {
          caller: 'anonymous',
          operation: `${method} ${url.pathname}`,
          outcome: 'UnknownOperationException',
          service: 'unknown',
          status: 404,
        },
        started,
      )
      return
    }

    await handleAwsRoute(request, response, route, url, body, started)
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      sendJson(
        response,
        500,
        {message: `sandbox error: ${(error as Error).message}`},
        {'x-amzn-errortype': 'InternalServerException'},
      )
    })
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  ;({port} = server.address() as AddressInfo)
  baseUrl = `http://${host}:${port}`
  let stopping: Promise<void> | undefined

  return {
    config,
    control,
    env,
    exportVariables: sandboxExports,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        for (const timer of stalls) clearTimeout(timer)
        stalls.clear()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return stopping
    },
    url: baseUrl,
  }
}
