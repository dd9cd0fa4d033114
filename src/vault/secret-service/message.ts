/**
 * D-Bus messages: a method call out, any message in (header fields and body decoded by the signature it carries).
 */
/* eslint-disable no-bitwise -- byte-level protocol code: lengths, alignment and DER bytes */
import {type DBusValue, DBusWireError, splitSignature, type Variant, WireReader, WireWriter} from './wire.js'

export const MESSAGE_TYPE = {error: 3, methodCall: 1, methodReturn: 2, signal: 4} as const

const FIELD = {
  destination: 6,
  errorName: 4,
  interface: 2,
  member: 3,
  path: 1,
  replySerial: 5,
  sender: 7,
  signature: 8,
} as const

/** The largest message terrace accepts (the specification's limit is 128 MiB; a secret is a few KiB). */
export const MAX_MESSAGE_BYTES = 1 << 24

export interface MethodCall {
  body?: DBusValue[]
  destination: string
  interface: string
  member: string
  path: string
  signature?: string
}

export interface IncomingMessage {
  body: DBusValue[]
  errorName?: string
  replySerial?: number
  serial: number
  type: number
}

export function encodeMethodCall(call: MethodCall, serial: number): Buffer {
  const signature = call.signature ?? ''
  const body = new WireWriter()
  const types = splitSignature(signature)
  const values = call.body ?? []
  if (types.length !== values.length) {
    throw new DBusWireError(`${call.member}: signature "${signature}" needs ${types.length} values`)
  }

  for (const [i, type] of types.entries()) body.write(type, values[i])
  const bodyBytes = body.toBuffer()

  const fields: Array<[number, Variant]> = [
    [FIELD.path, {signature: 'o', value: call.path}],
    [FIELD.interface, {signature: 's', value: call.interface}],
    [FIELD.member, {signature: 's', value: call.member}],
    [FIELD.destination, {signature: 's', value: call.destination}],
  ]
  if (signature) fields.push([FIELD.signature, {signature: 'g', value: signature}])

  const header = new WireWriter()
  header.write('y', 0x6c) // 'l': little-endian
  header.write('y', MESSAGE_TYPE.methodCall)
  header.write('y', 0) // flags: a reply is expected, auto-start allowed
  header.write('y', 1) // protocol version
  header.write('u', bodyBytes.length)
  header.write('u', serial)
  header.write('a(yv)', fields)
  header.align(8)
  return Buffer.concat([header.toBuffer(), bodyBytes])
}

/** Bytes needed for the whole message at the start of `buffer`, or undefined while fewer than 16 have arrived. */
export function messageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 16) return undefined
  const reader = new WireReader(buffer, {littleEndian: endianOf(buffer)})
  reader.offset = 4
  const bodyLength = reader.u32()
  reader.offset = 12
  const fieldsLength = reader.u32()
  const total = align8(16 + fieldsLength) + bodyLength
  if (total > MAX_MESSAGE_BYTES) throw new DBusWireError(`D-Bus message of ${total} bytes is too large`)
  return total
}

export function decodeMessage(buffer: Buffer): IncomingMessage {
  const littleEndian = endianOf(buffer)
  const reader = new WireReader(buffer, {littleEndian})
  reader.offset = 1
  const type = reader.read('y') as number
  reader.offset = 8
  const serial = reader.u32()
  const fields = new Map<number, DBusValue>()
  for (const field of reader.read('a(yv)') as DBusValue[][]) {
    fields.set(field[0] as number, (field[1] as Variant).value)
  }

  reader.align(8)
  const signature = (fields.get(FIELD.signature) as string | undefined) ?? ''
  const body = splitSignature(signature).map((t) => reader.read(t))
  return {
    body,
    errorName: fields.get(FIELD.errorName) as string | undefined,
    replySerial: fields.get(FIELD.replySerial) as number | undefined,
    serial,
    type,
  }
}

function endianOf(buffer: Buffer): boolean {
  if (buffer[0] === 0x6c) return true
  if (buffer[0] === 0x42) return false
  throw new DBusWireError(`not a D-Bus message (endianness byte ${buffer[0]})`)
}

/** Arithmetic, not `&`: lengths from the wire go up to 2^32, past what 32-bit bit operations hold. */
function align8(n: number): number {
  return Math.ceil(n / 8) * 8
}
