/**
 * Where sandboxes run, for `terrace sandbox env`: `terrace sandbox` records each one it starts in
 * <dir>/<port>.json (dir: TERRACE_HOME/cache/sandboxes) and removes the record when it stops; a sandbox proves it
 * is alive by answering GET /_sandbox/env with the variables that point AWS SDKs at it.
 */
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {get} from 'node:http'
import {join} from 'node:path'

import {isProcessAlive} from '../lib/lock.js'

/** The port `terrace sandbox` listens on unless --port says otherwise (the one LocalStack users know). */
export const DEFAULT_SANDBOX_PORT = 4566

/** The variables the sandbox's banner exports, in the banner's order. */
export const EXPORT_NAMES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_IAM',
  'AWS_ENDPOINT_URL_SSO',
  'AWS_ENDPOINT_URL_SSO_OIDC',
  'AWS_ENDPOINT_URL_STS',
  'AWS_REGION',
] as const

export type SandboxExports = Record<(typeof EXPORT_NAMES)[number], string>

/** What GET /_sandbox/env answers and `terrace sandbox env --json` prints. */
export interface RunningSandbox {
  env: SandboxExports
  port: number
  url: string
}

export interface SandboxRecord {
  pid: number
  port: number
  startedAt: string
  url: string
}

export function exportLines(env: SandboxExports): string[] {
  return EXPORT_NAMES.map((name) => `export ${name}=${env[name]}`)
}

const recordFile = (dir: string, port: number) => join(dir, `${port}.json`)

export function writeSandboxRecord(dir: string, record: SandboxRecord): void {
  mkdirSync(dir, {recursive: true})
  writeFileSync(recordFile(dir, record.port), `${JSON.stringify(record, null, 2)}\n`)
}

export function removeSandboxRecord(dir: string, port: number): void {
  rmSync(recordFile(dir, port), {force: true})
}

/** The readable records in dir (none when it does not exist); unreadable or malformed files are skipped. */
export function readSandboxRecords(dir: string): SandboxRecord[] {
  let names: string[]
  try {
    names = readdirSync(dir).filter((name) => /^\d+\.json$/.test(name))
  } catch {
    return []
  }

  return names.flatMap((name) => {
    try {
      const record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as SandboxRecord
      return Number.isInteger(record.port) && Number.isInteger(record.pid) ? [record] : []
    } catch {
      return []
    }
  })
}

function isRunningSandbox(value: unknown): value is RunningSandbox {
  const candidate = value as Partial<RunningSandbox> | undefined
  return (
    typeof candidate?.url === 'string' &&
    typeof candidate.port === 'number' &&
    typeof candidate.env === 'object' &&
    candidate.env !== null &&
    EXPORT_NAMES.every((name) => typeof candidate.env?.[name] === 'string')
  )
}

/** Asks 127.0.0.1:port for GET /_sandbox/env; undefined when nothing answers there, or not as a sandbox would. */
export function probeSandbox(port: number, timeoutMs = 3000): Promise<RunningSandbox | undefined> {
  return new Promise((resolve) => {
    const answer = (sandbox?: RunningSandbox) => resolve(sandbox)
    const request = get({host: '127.0.0.1', path: '/_sandbox/env', port, timeout: timeoutMs}, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', () => answer())
      response.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
          answer(response.statusCode === 200 && isRunningSandbox(body) ? body : undefined)
        } catch {
          answer()
        }
      })
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => answer())
  })
}

export type LocateResult =
  {kind: 'found'; sandbox: RunningSandbox} | {kind: 'none'; ports: number[]} | {kind: 'several'; ports: number[]}

export interface LocateOptions {
  /** probed as well when no port is given (a sandbox started from another TERRACE_HOME) */
  defaultPort?: number
  /** the record folder (TERRACE_HOME/cache/sandboxes) */
  dir: string
  /** only this port */
  port?: number
  probe?: (port: number) => Promise<RunningSandbox | undefined>
}

/**
 * The running sandbox: the one on `port` when given, else the one among the recorded ports and the default port
 * that answers. Records of sandboxes whose process is gone are removed.
 */
export async function locateSandbox(options: LocateOptions): Promise<LocateResult> {
  const probe = options.probe ?? probeSandbox
  let ports: number[]
  if (options.port === undefined) {
    const records = readSandboxRecords(options.dir)
    for (const record of records) if (!isProcessAlive(record.pid)) removeSandboxRecord(options.dir, record.port)
    const recorded = records.filter((record) => isProcessAlive(record.pid)).map((record) => record.port)
    ports = [...new Set([options.defaultPort ?? DEFAULT_SANDBOX_PORT, ...recorded])].sort((a, b) => a - b)
  } else {
    ports = [options.port]
  }

  const answers = await Promise.all(ports.map((port) => probe(port)))
  const alive = answers.filter((answer): answer is RunningSandbox => answer !== undefined)
  if (alive.length === 1) return {kind: 'found', sandbox: alive[0]}
  if (alive.length === 0) return {kind: 'none', ports}
  return {kind: 'several', ports: alive.map((sandbox) => sandbox.port)}
}
