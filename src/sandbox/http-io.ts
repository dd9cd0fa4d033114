import type {IncomingMessage, ServerResponse} from 'node:http'

const MAX_BODY_BYTES = 1024 * 1024

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error('request body too large')
    chunks.push(chunk as Buffer)
  }

  return Buffer.concat(chunks)
}

export function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return
  const payload = Buffer.from(body, 'utf8')
  response.writeHead(status, {
    ...headers,
    'content-length': String(payload.length),
    'content-type': contentType,
  })
  response.end(payload)
}

export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => send(response, status, 'application/json', JSON.stringify(body), headers)
