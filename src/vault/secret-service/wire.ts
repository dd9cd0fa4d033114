/**
 * The D-Bus wire format (marshalling, from the D-Bus specification), driven by type signatures: just enough of it
 * for terrace's Secret Service reader. Values: y/n/q/i/u/h → number, b → boolean, x/t → bigint, d → number,
 * s/o/g → string, `ay` → Buffer, other arrays → arrays (a dict entry `{kv}` is a two-element array), structs →
 * arrays, v → {signature, value}. Alignment is relative to the start of the buffer being written or read, which the
 * message layer keeps 8-aligned with the message start.
 */

export type DBusValue = bigint | boolean | Buffer | DBusValue[] | number | string | Variant

export interface Variant {
  signature: string
  value: DBusValue
}

const FIXED_ALIGN: Record<string, number> = {
  b: 4,
  d: 8,
  g: 1,
  h: 4,
  i: 4,
  n: 2,
  o: 4,
  q: 2,
  s: 4,
  t: 8,
  u: 4,
  v: 1,
  x: 8,
  y: 1,
}

type NumberWriter = readonly [size: number, put: (buffer: Buffer, value: DBusValue, at: number) => unknown]

/** The fixed-size types, little-endian (the byte order terrace writes). */
const NUMBER_WRITERS: Record<string, NumberWriter> = {
  b: [4, (b, v, at) => b.writeUInt32LE(v ? 1 : 0, at)],
  d: [8, (b, v, at) => b.writeDoubleLE(Number(v), at)],
  h: [4, (b, v, at) => b.writeUInt32LE(Number(v), at)],
  i: [4, (b, v, at) => b.writeInt32LE(Number(v), at)],
  n: [2, (b, v, at) => b.writeInt16LE(Number(v), at)],
  q: [2, (b, v, at) => b.writeUInt16LE(Number(v), at)],
  t: [8, (b, v, at) => b.writeBigUInt64LE(BigInt(v as bigint | number), at)],
  u: [4, (b, v, at) => b.writeUInt32LE(Number(v), at)],
  x: [8, (b, v, at) => b.writeBigInt64LE(BigInt(v as bigint | number), at)],
}

export class DBusWireError extends Error {
  override name = 'DBusWireError'
}

export function alignOf(type: string): number {
  const c = type[0]
  if (c === 'a') return 4
  if (c === '(' || c === '{') return 8
  const align = FIXED_ALIGN[c]
  if (align === undefined) throw new DBusWireError(`unsupported D-Bus type "${type}"`)
  return align
}

/** Index just past the single complete type starting at `start` in `signature`. */
function typeEnd(signature: string, start: number): number {
  const c = signature[start]
  if (c === 'a') return typeEnd(signature, start + 1)
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}'
    let i = start + 1
    while (signature[i] !== close) {
      if (i >= signature.length) throw new DBusWireError(`unterminated "${c}" in signature "${signature}"`)
      i = typeEnd(signature, i)
    }

    return i + 1
  }

  if (c !== undefined && c in FIXED_ALIGN) return start + 1
  throw new DBusWireError(`bad D-Bus signature "${signature}"`)
}

/** "a{ss}ao" → ["a{ss}", "ao"] */
export function splitSignature(signature: string): string[] {
  const types: string[] = []
  for (let i = 0; i < signature.length;) {
    const end = typeEnd(signature, i)
    types.push(signature.slice(i, end))
    i = end
  }

  return types
}

export class WireWriter {
  private buffer = Buffer.alloc(256)
  private length = 0

  align(n: number): void {
    const pad = (n - (this.length % n)) % n
    this.ensure(pad)
    this.buffer.fill(0, this.length, this.length + pad)
    this.length += pad
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.length)
  }

  write(type: string, value: DBusValue): void {
    const c = type[0]
    const number = NUMBER_WRITERS[c]
    if (number) {
      const [size, put] = number
      this.fixed(size, (at) => put(this.buffer, value, at))
      return
    }

    switch (c) {
      case '(':
      case '{': {
        this.align(8)
        const fields = splitSignature(type.slice(1, -1))
        const values = expectArray(value, type)
        if (values.length !== fields.length) throw new DBusWireError(`${type} needs ${fields.length} values`)
        for (const [i, field] of fields.entries()) this.write(field, values[i])
        return
      }

      case 'a': {
        this.writeArray(type.slice(1), value)
        return
      }

      case 'g': {
        const bytes = Buffer.from(String(value))
        this.byte(bytes.length)
        this.raw(bytes)
        this.byte(0)
        return
      }

      case 'o':
      case 's': {
        const bytes = Buffer.from(String(value))
        this.fixed(4, (at) => this.buffer.writeUInt32LE(bytes.length, at))
        this.raw(bytes)
        this.byte(0)
        return
      }

      case 'v': {
        const variant = value as Variant
        if (typeof variant !== 'object' || variant === null || !('signature' in variant)) {
          throw new DBusWireError('a variant needs {signature, value}')
        }

        this.write('g', variant.signature)
        this.write(variant.signature, variant.value)
        return
      }

      case 'y': {
        this.byte(Number(value))
        return
      }

      default: {
        throw new DBusWireError(`unsupported D-Bus type "${type}"`)
      }
    }
  }

  private byte(value: number): void {
    this.ensure(1)
    this.buffer[this.length++] = value
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + extra))
    this.buffer.copy(bigger, 0, 0, this.length)
    this.buffer = bigger
  }

  private fixed(size: number, put: (at: number) => void): void {
    this.align(size)
    this.ensure(size)
    put(this.length)
    this.length += size
  }

  private raw(bytes: Buffer): void {
    this.ensure(bytes.length)
    bytes.copy(this.buffer, this.length)
    this.length += bytes.length
  }

  private writeArray(element: string, value: DBusValue): void {
    this.align(4)
    const lengthAt = this.length
    this.fixed(4, () => {})
    this.align(alignOf(element))
    const start = this.length
    if (element === 'y') this.raw(Buffer.isBuffer(value) ? value : Buffer.from(expectArray(value, 'ay') as number[]))
    else for (const item of expectArray(value, `a${element}`)) this.write(element, item)
    this.buffer.writeUInt32LE(this.length - start, lengthAt)
  }
}

export class WireReader {
  offset: number
  private readonly buffer: Buffer
  private readonly littleEndian: boolean

  constructor(buffer: Buffer, options: {littleEndian?: boolean; offset?: number} = {}) {
    this.buffer = buffer
    this.offset = options.offset ?? 0
    this.littleEndian = options.littleEndian ?? true
  }

  align(n: number): void {
    this.offset += (n - (this.offset % n)) % n
  }

  read(type: string): DBusValue {
    const c = type[0]
    switch (c) {
      case '(':
      case '{': {
        this.align(8)
        return splitSignature(type.slice(1, -1)).map((field) => this.read(field))
      }

      case 'a': {
        return this.readArray(type.slice(1))
      }

      case 'b': {
        return this.u32() !== 0
      }

      case 'd': {
        return this.fixed(8, (at) => (this.littleEndian ? this.buffer.readDoubleLE(at) : this.buffer.readDoubleBE(at)))
      }

      case 'g': {
        const length = this.take(1)[0]
        const text = this.take(length).toString()
        this.take(1)
        return text
      }

      case 'h':
      case 'u': {
        return this.u32()
      }

      case 'i': {
        return this.fixed(4, (at) => (this.littleEndian ? this.buffer.readInt32LE(at) : this.buffer.readInt32BE(at)))
      }

      case 'n': {
        return this.fixed(2, (at) => (this.littleEndian ? this.buffer.readInt16LE(at) : this.buffer.readInt16BE(at)))
      }

      case 'o':
      case 's': {
        const length = this.u32()
        const text = this.take(length).toString()
        this.take(1)
        return text
      }

      case 'q': {
        return this.fixed(2, (at) => (this.littleEndian ? this.buffer.readUInt16LE(at) : this.buffer.readUInt16BE(at)))
      }

      case 't': {
        return this.fixed(8, (at) =>
          this.littleEndian ? this.buffer.readBigUInt64LE(at) : this.buffer.readBigUInt64BE(at),
        )
      }

      case 'v': {
        const signature = this.read('g') as string
        return {signature, value: this.read(signature)}
      }

      case 'x': {
        return this.fixed(8, (at) =>
          this.littleEndian ? this.buffer.readBigInt64LE(at) : this.buffer.readBigInt64BE(at),
        )
      }

      case 'y': {
        return this.take(1)[0]
      }

      default: {
        throw new DBusWireError(`unsupported D-Bus type "${type}"`)
      }
    }
  }

  u32(): number {
    return this.fixed(4, (at) => (this.littleEndian ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at)))
  }

  private fixed<T>(size: number, get: (at: number) => T): T {
    this.align(size)
    const at = this.offset
    this.take(size)
    return get(at)
  }

  private readArray(element: string): DBusValue {
    const length = this.u32()
    this.align(alignOf(element))
    const end = this.offset + length
    if (end > this.buffer.length) throw new DBusWireError('D-Bus array runs past the end of the message')
    if (element === 'y') return Buffer.from(this.take(length))
    const items: DBusValue[] = []
    while (this.offset < end) items.push(this.read(element))
    if (this.offset !== end) throw new DBusWireError('D-Bus array length does not match its elements')
    return items
  }

  private take(n: number): Buffer {
    if (this.offset + n > this.buffer.length) throw new DBusWireError('D-Bus message is truncated')
    const slice = this.buffer.subarray(this.offset, this.offset + n)
    this.offset += n
    return slice
  }
}

function expectArray(value: DBusValue, type: string): DBusValue[] {
  if (!Array.isArray(value)) throw new DBusWireError(`${type} needs an array value`)
  return value
}
