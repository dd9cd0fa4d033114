import type {IncomingHttpHeaders} from 'node:http'

/** AWS Signature Version 4, as servers check it: parse the Authorization header, rebuild, compare. */
import {createHash, createHmac, timingSafeEqual} from 'node:crypto'

export interface ParsedAuthorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signature: string
  signedHeaders: string[]
}

export interface SignableRequest {
  body: Buffer
  headers: IncomingHttpHeaders
  method: string
  /** path and query exactly as received on the wire */
  url: string
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([\da-f]{64})\s*$/

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  if (!header) return undefined
  const match = AUTH_PATTERN.exec(header.trim())
  if (!match) return undefined
  const [, accessKeyId, date, region, service, signedHeaders, signature] = match
  return {accessKeyId, date, region, service, signature, signedHeaders: signedHeaders.split(';')}
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX uppercase). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replaceAll(
    /[!'()*]/g,
    (char) => `%${char.codePointAt(0)!.toString(16).toUpperCase()}`,
  )
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', '%20'))
  } catch {
    return value
  }
}

export function canonicalQuery(query: string): string {
  if (!query) return ''
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const index = pair.indexOf('=')
      const key = index === -1 ? pair : pair.slice(0, index)
      const value = index === -1 ? '' : pair.slice(index + 1)
      return [uriEncode(safeDecode(key)), uriEncode(safeDecode(value))] as const
    })
    .sort(([keyA, valueA], [keyB, valueB]) => (keyA === keyB ? (valueA < valueB ? -1 : 1) : keyA < keyB ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&')
}

/** Non-S3 services sign the path encoded once more than it travels (each segment). */
export function canonicalPath(path: string): string {
  if (path === '' || path === '/') return '/'
  return path
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/')
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers[name]
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '')
  return value.trim().replaceAll(/\s+/g, ' ')
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex')
}

export function canonicalRequest(request: SignableRequest, signedHeaders: string[]): string {
  const queryIndex = request.url.indexOf('?')
  const path = queryIndex === -1 ? request.url : request.url.slice(0, queryIndex)
  const query = queryIndex === -1 ? '' : request.url.slice(queryIndex + 1)
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256') || sha256Hex(request.body)
  return [
    request.method.toUpperCase(),
    canonicalPath(path),
    canonicalQuery(query),
    signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest()

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request')
}

export function expectedSignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
): string {
  const amzDate = headerValue(request.headers, 'x-amz-date') || headerValue(request.headers, 'date')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    sha256Hex(canonicalRequest(request, auth.signedHeaders)),
  ].join('\n')
  return createHmac('sha256', signingKey(secretAccessKey, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest('hex')
}

/** Parses an x-amz-date value (20261121T194836Z) into epoch ms. */
export function parseAmzDate(value: string | undefined): number | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null
  if (!match) return undefined
  const [, year, month, day, hour, minute, second] = match.map(Number)
  return Date.UTC(year, month - 1, day, hour, minute, second)
}

export type SignatureCheck = {ok: false; reason: string} | {ok: true}

const MAX_SKEW_MS = 15 * 60 * 1000

/** Checks a request's signature with the given secret key; `now` bounds the allowed clock skew. */
export function verifySignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
  now: number,
): SignatureCheck {
  if (!auth.signedHeaders.includes('host')) return {ok: false, reason: "'Host' must be a signed header."}
  const amzDateText = headerValue(request.headers, 'x-amz-date')
  const amzDate = parseAmzDate(amzDateText)
  if (amzDate === undefined || !amzDateText.startsWith(auth.date))
    return {
      ok: false,
      reason: 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP',
    }
  if (Math.abs(now - amzDate) > MAX_SKEW_MS)
    return {ok: false, reason: `Signature expired: ${amzDateText} is now earlier than the allowed skew.`}
  const expected = Buffer.from(expectedSignature(request, auth, secretAccessKey), 'hex')
  const given = Buffer.from(auth.signature, 'hex')
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return {ok: false, reason: 'mismatch'}
  return {ok: true}
}
