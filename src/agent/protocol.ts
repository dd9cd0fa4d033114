/**
 * The agent's wire protocol: one JSON object per line each way, over the agent's Unix socket.
 * A request is `{"v":1,"id":<string|number>,"op":"<op>",...}`; its answer `{"v":1,"id":<same>,"ok":true,"result":…}`
 * or `{"v":1,"id":<same or null>,"ok":false,"error":{"code":…,"message":…}}`. A line that is not a valid request
 * gets an error answer and the connection stays open for the next line. Answers carry the request's id, so a
 * client may send several requests before reading.
 */
export const PROTOCOL_VERSION = 1

/** The longest request line the agent reads; a longer one is answered with an error and the connection closed. */
export const MAX_LINE_BYTES = 1024 * 1024

/**
 * The ops of version 1. `unlock` (carries the file vault's passphrase, once, over the 0600 socket), `lock` and the
 * `vault-*` ops were added to version 1 before its first release; an agent without them answers unknown-op, which a
 * client takes as "no unlocked vault here". `credentials` (params: a role ref, lib/role-refs.ts, as agent/role-ref-params.ts
 * writes it, and forceRefresh: 1 to skip what is held) answers `{credentials: {accessKeyId, secretAccessKey,
 * sessionToken, expiration, obtainedAt}}`; an agent without it answers unknown-op, and the client takes the direct path.
 * `rotate-register` (params: session, a workspace session's id, active in file mode) writes its credentials into the
 * credentials file now and keeps them fresh there (agent/file-rotation.ts), answering `{delivered, expiresAt,
 * nextAt}`; `rotate-unregister` (params: session) stops that, answering `{unregistered}`. `sso-login` (params:
 * startUrl) answers `{expiresAt}` when the IAM Identity Center login of that start URL is usable (renewed by the agent
 * through the refresh grant when close to its end), an error when there is none: what a wrapped command checks before
 * its child starts. It never answers the token itself.
 */
export const OPS = [
  'credentials',
  'ping',
  'status',
  'stop',
  'wipe',
  'unlock',
  'lock',
  'vault-get',
  'vault-set',
  'vault-delete',
  'vault-list',
  'rotate-register',
  'rotate-unregister',
  'sso-login',
] as const
export type Op = (typeof OPS)[number]

export type RequestId = number | string

/** An op's arguments: strings and numbers only (e.g. {account}, {account, secret}, {passphrase, until}). */
export type Params = Record<string, number | string>

export interface Request {
  id: RequestId
  op: Op
  params?: Params
  v: typeof PROTOCOL_VERSION
}

export type ErrorCode =
  | 'bad-json'
  | 'bad-request'
  | 'failed'
  | 'line-too-long'
  | 'locked'
  | 'unknown-op'
  | 'unsupported-version'
  | 'wrong-passphrase'

export interface AnswerError {
  code: ErrorCode
  message: string
}

export type Answer =
  | {error: AnswerError; id: null | RequestId; ok: false; v: typeof PROTOCOL_VERSION}
  | {id: RequestId; ok: true; result: unknown; v: typeof PROTOCOL_VERSION}

/** What `status` answers (and `terrace agent status --json` prints, with running: true). */
export interface AgentStatus {
  cachedCredentials: number
  pid: number
  rotating: number
  socket: string
  startedAt: string
  unlocked: boolean
  unlockedUntil: null | string
}

export const okAnswer = (id: RequestId, result: unknown): Answer => ({id, ok: true, result, v: PROTOCOL_VERSION})

export const errorAnswer = (id: null | RequestId, code: ErrorCode, message: string): Answer => ({
  error: {code, message},
  id,
  ok: false,
  v: PROTOCOL_VERSION,
})

export const encode = (message: Answer | Request): string => `${JSON.stringify(message)}\n`

const isId = (value: unknown): value is RequestId =>
  (typeof value === 'string' && value.length <= 200) || (typeof value === 'number' && Number.isFinite(value))

/** One request line, parsed: the request, or the error answer to send back. */
export function parseRequest(line: string): {answer: Answer; ok: false} | {ok: true; request: Request} {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return {answer: errorAnswer(null, 'bad-json', 'the request is not valid JSON'), ok: false}
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {answer: errorAnswer(null, 'bad-request', 'a request is a JSON object'), ok: false}
  }

  const {id: rawId, op, params, v} = value as Record<string, unknown>
  const id = isId(rawId) ? rawId : null
  if (v !== PROTOCOL_VERSION) {
    return {
      answer: errorAnswer(
        id,
        'unsupported-version',
        `protocol version ${JSON.stringify(v ?? null)} is not supported; this agent speaks version ${PROTOCOL_VERSION}`,
      ),
      ok: false,
    }
  }

  if (id === null) {
    return {answer: errorAnswer(null, 'bad-request', 'a request needs an id (a string or a number)'), ok: false}
  }

  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    return {
      answer: errorAnswer(id, 'unknown-op', `unknown op ${JSON.stringify(op ?? null)}; known: ${OPS.join(', ')}`),
      ok: false,
    }
  }

  if (params !== undefined && !isParams(params)) {
    return {
      answer: errorAnswer(id, 'bad-request', 'params is an object of strings and numbers'),
      ok: false,
    }
  }

  return {ok: true, request: {id, op: op as Op, ...(params === undefined ? {} : {params}), v: PROTOCOL_VERSION}}
}

const isParams = (value: unknown): value is Params =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))

/** A string param of a request, or undefined. */
export function stringParam(request: Request, name: string): string | undefined {
  const value = request.params?.[name]
  return typeof value === 'string' ? value : undefined
}

/** One answer line from the agent, parsed; null when it is not an answer of this protocol version. */
export function parseAnswer(line: string): Answer | null {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return null
  }

  if (typeof value !== 'object' || value === null) return null
  const answer = value as Answer
  if (answer.v !== PROTOCOL_VERSION || typeof answer.ok !== 'boolean') return null
  return answer
}
