/**
 * Network failures in words: real failures of the SDK client terrace builds (createOidcClient) against local
 * sockets that refuse, hang, reset or speak plain HTTP to a TLS client; DNS and 5xx from their recorded shapes.
 */
import {RegisterClientCommand} from '@aws-sdk/client-sso-oidc'
import {expect} from 'chai'
import {createServer as createHttpServer} from 'node:http'
import {createServer, type Server, type Socket} from 'node:net'

import {createOidcClient} from '../../src/auth/aws-clients.js'
import {isUnreachable, networkCause, toTerraceError} from '../../src/auth/aws-errors.js'
import {ExitCode, formatError} from '../../src/lib/errors.js'

const listen = (server: ReturnType<typeof createHttpServer> | Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as {port: number}).port))
  })

/** One RegisterClient call through terrace's SDK client factory: its failure, whatever it is. */
async function failureAt(endpoint: string, requestTimeoutMs = 2000): Promise<unknown> {
  const previous = process.env.AWS_ENDPOINT_URL_SSO_OIDC
  process.env.AWS_ENDPOINT_URL_SSO_OIDC = endpoint
  try {
    const client = await createOidcClient({maxAttempts: 1, region: 'us-east-1', requestTimeoutMs})
    await client.send(new RegisterClientCommand({clientName: 'x', clientType: 'public'}))
  } catch (error) {
    return error
  } finally {
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SSO_OIDC
    else process.env.AWS_ENDPOINT_URL_SSO_OIDC = previous
  }

  throw new Error(`expected the call to ${endpoint} to fail`)
}

const expectNamed = (error: unknown, endpoint: string, cause: RegExp) => {
  expect(isUnreachable(error), String(error)).to.equal(true)
  expect(networkCause(error)).to.match(cause)
  const typed = toTerraceError(error, {endpoint, what: 'registering terrace with IAM Identity Center'})
  expect(typed.exitCode).to.equal(ExitCode.AwsUnreachable)
  const text = formatError(typed)
  expect(text).to.include(endpoint).and.not.include('(Error)')
  expect(typed.message).to.match(cause)
}

describe('auth/aws-errors: network failures in words', function () {
  this.timeout(30_000)
  const servers: Array<{close(): unknown}> = []
  const sockets: Socket[] = []

  after(() => {
    for (const socket of sockets) socket.destroy()
    for (const server of servers) server.close()
  })

  it('connection refused', async () => {
    const server = createServer()
    const port = await listen(server)
    await new Promise((resolve) => {
      server.close(resolve)
    })
    const endpoint = `http://127.0.0.1:${port}`
    expectNamed(await failureAt(endpoint), endpoint, /connection refused/)
  })

  it('a TLS client talking to a plain HTTP server: TLS handshake failed', async () => {
    const server = createHttpServer((_request, response) => response.end('plain'))
    servers.push(server)
    const endpoint = `https://127.0.0.1:${await listen(server)}`
    expectNamed(await failureAt(endpoint), endpoint, /TLS handshake failed/)
  })

  it('a server that accepts and never answers: timed out', async () => {
    const server = createServer((socket) => sockets.push(socket))
    servers.push(server)
    const endpoint = `http://127.0.0.1:${await listen(server)}`
    expectNamed(await failureAt(endpoint, 200), endpoint, /timed out/)
  })

  it('a server that drops the connection: connection reset', async () => {
    const server = createServer((socket) => socket.once('data', () => socket.destroy()))
    servers.push(server)
    const endpoint = `http://127.0.0.1:${await listen(server)}`
    expectNamed(await failureAt(endpoint), endpoint, /connection reset/)
  })

  it('DNS: getaddrinfo ENOTFOUND / EAI_AGAIN', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      const error = Object.assign(new Error(`getaddrinfo ${code} oidc.eu-west-9.amazonaws.com`), {
        code,
        errno: -3008,
        hostname: 'oidc.eu-west-9.amazonaws.com',
        syscall: 'getaddrinfo',
      })
      expectNamed(error, 'https://oidc.eu-west-9.amazonaws.com', /DNS lookup failed/)
    }
  })

  it('a 503 from AWS names the status', () => {
    const error = Object.assign(new Error('Service Unavailable'), {
      $metadata: {httpStatusCode: 503},
      name: 'InternalServerException',
    })
    expectNamed(error, 'https://oidc.us-east-1.amazonaws.com', /HTTP 503 InternalServerException/)
  })

  it('an AWS refusal is no network failure', () => {
    const error = Object.assign(new Error('denied'), {$metadata: {httpStatusCode: 400}, name: 'AccessDeniedException'})
    expect(networkCause(error)).to.equal(undefined)
    expect(isUnreachable(error)).to.equal(false)
  })
})
