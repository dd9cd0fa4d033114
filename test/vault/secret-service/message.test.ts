import {expect} from 'chai'

import {
  decodeMessage,
  encodeMethodCall,
  MAX_MESSAGE_BYTES,
  MESSAGE_TYPE,
  messageLength,
} from '../../../src/vault/secret-service/message.js'
import {
  type DBusValue,
  DBusWireError,
  splitSignature,
  type Variant,
  WireReader,
  WireWriter,
} from '../../../src/vault/secret-service/wire.js'
import {thrown} from '../../helpers/errors.js'

const FIELD = {destination: 6, errorName: 4, interface: 2, member: 3, path: 1, replySerial: 5, sender: 7, signature: 8}

/** A little-endian message built by hand: fixed header, a(yv) fields, padding to 8, body. */
function buildMessage(options: {
  body?: DBusValue[]
  fields: Array<[number, Variant]>
  flags?: number
  serial: number
  signature?: string
  type: number
}): Buffer {
  const body = new WireWriter()
  const types = splitSignature(options.signature ?? '')
  for (const [i, type] of types.entries()) body.write(type, (options.body ?? [])[i])
  const bodyBytes = body.toBuffer()
  const fields = [...options.fields]
  if (options.signature) fields.push([FIELD.signature, {signature: 'g', value: options.signature}])
  const header = new WireWriter()
  header.write('y', 0x6c)
  header.write('y', options.type)
  header.write('y', options.flags ?? 0)
  header.write('y', 1)
  header.write('u', bodyBytes.length)
  header.write('u', options.serial)
  header.write('a(yv)', fields)
  header.align(8)
  return Buffer.concat([header.toBuffer(), bodyBytes])
}

/** The header fields of a little-endian message, by code. */
function headerFields(message: Buffer): Map<number, Variant> {
  const fields = new WireReader(message, {offset: 12}).read('a(yv)') as Array<[number, Variant]>
  return new Map(fields.map(([code, variant]) => [code, variant]))
}

describe('vault/secret-service/message', () => {
  describe('encodeMethodCall', () => {
    const call = {
      body: [
        [
          ['service', 'terrace'],
          ['account', 'ünï'],
        ],
        {signature: 'ay', value: Buffer.from([1, 2])},
        7n,
      ],
      destination: 'org.freedesktop.secrets',
      interface: 'org.freedesktop.Secret.Service',
      member: 'SearchItems',
      path: '/org/freedesktop/secrets',
      signature: 'a{ss}vt',
    }

    it('writes the fixed header: little-endian, METHOD_CALL, no flags, version 1, body length, serial', () => {
      const message = encodeMethodCall(call, 42)
      expect([...message.subarray(0, 4)]).to.deep.equal([0x6c, MESSAGE_TYPE.methodCall, 0, 1])
      const fieldsLength = message.readUInt32LE(12)
      const bodyStart = Math.ceil((16 + fieldsLength) / 8) * 8
      expect(message.readUInt32LE(4)).to.equal(message.length - bodyStart)
      expect(message.readUInt32LE(8)).to.equal(42)
      expect(bodyStart % 8).to.equal(0)
      expect(message.subarray(16 + fieldsLength, bodyStart).every((b) => b === 0)).to.equal(true)
    })

    it('carries path, interface, member, destination and signature as typed header fields', () => {
      const fields = headerFields(encodeMethodCall(call, 1))
      expect(fields.get(FIELD.path)).to.deep.equal({signature: 'o', value: '/org/freedesktop/secrets'})
      expect(fields.get(FIELD.interface)).to.deep.equal({signature: 's', value: 'org.freedesktop.Secret.Service'})
      expect(fields.get(FIELD.member)).to.deep.equal({signature: 's', value: 'SearchItems'})
      expect(fields.get(FIELD.destination)).to.deep.equal({signature: 's', value: 'org.freedesktop.secrets'})
      expect(fields.get(FIELD.signature)).to.deep.equal({signature: 'g', value: 'a{ss}vt'})
      expect(fields.size).to.equal(5)
    })

    it('writes the body by its signature, readable at the 8-aligned body start', () => {
      const message = encodeMethodCall(call, 1)
      const bodyStart = message.length - message.readUInt32LE(4)
      const reader = new WireReader(message, {offset: bodyStart})
      expect(splitSignature(call.signature).map((t) => reader.read(t))).to.deep.equal(call.body)
      expect(reader.offset).to.equal(message.length)
    })

    it('decodes with decodeMessage and measures with messageLength', () => {
      const message = encodeMethodCall(call, 9)
      expect(messageLength(message)).to.equal(message.length)
      expect(decodeMessage(message)).to.deep.equal({
        body: call.body,
        errorName: undefined,
        replySerial: undefined,
        serial: 9,
        type: MESSAGE_TYPE.methodCall,
      })
    })

    it('a call without a signature has no signature field and an empty body', () => {
      const message = encodeMethodCall(
        {
          destination: 'org.freedesktop.DBus',
          interface: 'org.freedesktop.DBus',
          member: 'Hello',
          path: '/org/freedesktop/DBus',
        },
        1,
      )
      expect(message.readUInt32LE(4)).to.equal(0)
      expect(message.length % 8).to.equal(0)
      expect(headerFields(message).has(FIELD.signature)).to.equal(false)
      expect(messageLength(message)).to.equal(message.length)
      expect(decodeMessage(message).body).to.deep.equal([])
    })

    it('throws DBusWireError when the body does not match the signature', () => {
      const error = thrown(() => encodeMethodCall({...call, body: ['one'], signature: 'ss'}, 1))
      expect(error).to.be.instanceOf(DBusWireError)
      expect((error as Error).message).to.include('SearchItems')
      expect(thrown(() => encodeMethodCall({...call, body: ['one'], signature: undefined}, 1))).to.be.instanceOf(
        DBusWireError,
      )
    })
  })

  describe('decodeMessage', () => {
    it('decodes a hand-built METHOD_RETURN: type, serial, reply serial and body', () => {
      const message = buildMessage({
        body: [{signature: 'ay', value: Buffer.from('pub')}, '/org/freedesktop/secrets/session/s1'],
        fields: [[FIELD.replySerial, {signature: 'u', value: 5}]],
        serial: 77,
        signature: 'vo',
        type: MESSAGE_TYPE.methodReturn,
      })
      expect(decodeMessage(message)).to.deep.equal({
        body: [{signature: 'ay', value: Buffer.from('pub')}, '/org/freedesktop/secrets/session/s1'],
        errorName: undefined,
        replySerial: 5,
        serial: 77,
        type: MESSAGE_TYPE.methodReturn,
      })
    })

    it('decodes a hand-built ERROR: error name and message text', () => {
      const message = buildMessage({
        body: ['No such object'],
        fields: [
          [FIELD.errorName, {signature: 's', value: 'org.freedesktop.Secret.Error.NoSuchObject'}],
          [FIELD.replySerial, {signature: 'u', value: 5}],
          [FIELD.sender, {signature: 's', value: ':1.7'}],
        ],
        flags: 1,
        serial: 3,
        signature: 's',
        type: MESSAGE_TYPE.error,
      })
      expect(decodeMessage(message)).to.deep.equal({
        body: ['No such object'],
        errorName: 'org.freedesktop.Secret.Error.NoSuchObject',
        replySerial: 5,
        serial: 3,
        type: MESSAGE_TYPE.error,
      })
    })

    it('decodes an empty body when there is no signature field', () => {
      const message = buildMessage({fields: [[FIELD.replySerial, {signature: 'u', value: 1}]], serial: 2, type: 2})
      expect(decodeMessage(message).body).to.deep.equal([])
    })

    it('decodes a signal (no reply serial) and ignores header fields it does not know', () => {
      const message = buildMessage({
        body: [':1.42'],
        fields: [
          [FIELD.path, {signature: 'o', value: '/org/freedesktop/DBus'}],
          [9, {signature: 'u', value: 0}],
          [200, {signature: 'as', value: ['future']}],
        ],
        serial: 4,
        signature: 's',
        type: MESSAGE_TYPE.signal,
      })
      const decoded = decodeMessage(message)
      expect(decoded.type).to.equal(MESSAGE_TYPE.signal)
      expect(decoded.replySerial).to.equal(undefined)
      expect(decoded.body).to.deep.equal([':1.42'])
    })

    it('starts the body at the 8-byte boundary after the header fields (an 8-aligned first body type)', () => {
      // fields ending off an 8-byte boundary, then a 't' body: any misplaced body start shows in the value
      const message = buildMessage({
        body: [0x01_02_03_04_05_06_07_08n, 'tail', 9],
        fields: [[FIELD.replySerial, {signature: 'u', value: 5}]],
        serial: 1,
        signature: 'tsy',
        type: 2,
      })
      expect((16 + message.readUInt32LE(12)) % 8).to.not.equal(0)
      expect(decodeMessage(message).body).to.deep.equal([0x01_02_03_04_05_06_07_08n, 'tail', 9])
    })

    it('decodes a big-endian message', () => {
      // 'B', METHOD_RETURN, flags 0, version 1, body length 4, serial 9, fields length 15:
      // (5, <u 7>) (8, <g "u">), padding to 32, body u 0x01020304
      const message = Buffer.from(
        [
          '42 02 00 01 00 00 00 04 00 00 00 09 00 00 00 0f',
          '05 01 75 00 00 00 00 07 08 01 67 00 01 75 00 00',
          '01 02 03 04',
        ]
          .join(' ')
          .replaceAll(' ', ''),
        'hex',
      )
      expect(messageLength(message)).to.equal(36)
      expect(decodeMessage(message)).to.deep.equal({
        body: [0x01_02_03_04],
        errorName: undefined,
        replySerial: 7,
        serial: 9,
        type: MESSAGE_TYPE.methodReturn,
      })
    })

    it('throws DBusWireError for a message that is neither "l" nor "B"', () => {
      const message = buildMessage({fields: [], serial: 1, type: 2})
      message[0] = 0x00
      expect(thrown(() => decodeMessage(message))).to.be.instanceOf(DBusWireError)
      message[0] = 0x62 // 'b'
      expect(thrown(() => decodeMessage(message))).to.be.instanceOf(DBusWireError)
    })

    it('throws DBusWireError for a truncated body', () => {
      const message = buildMessage({body: ['a long enough string'], fields: [], serial: 1, signature: 's', type: 2})
      expect(thrown(() => decodeMessage(message.subarray(0, -4)))).to.be.instanceOf(DBusWireError)
    })
  })

  describe('messageLength', () => {
    const message = buildMessage({
      body: ['x'.repeat(100), 3n],
      fields: [
        [FIELD.replySerial, {signature: 'u', value: 5}],
        [FIELD.sender, {signature: 's', value: 'org.freedesktop.secrets'}],
      ],
      serial: 12,
      signature: 'st',
      type: 2,
    })

    it('is undefined under 16 bytes', () => {
      for (const n of [0, 1, 8, 15]) expect(messageLength(message.subarray(0, n)), `${n} bytes`).to.equal(undefined)
    })

    it('is the exact total from 16 bytes on, whatever has arrived', () => {
      for (const n of [16, 17, 40, message.length - 1, message.length]) {
        expect(messageLength(message.subarray(0, n)), `${n} bytes`).to.equal(message.length)
      }
    })

    it('measures only the first of two messages in a row', () => {
      const second = buildMessage({fields: [], serial: 13, type: 2})
      expect(messageLength(Buffer.concat([message, second]))).to.equal(message.length)
    })

    it('rounds the header fields up to 8 before adding the body', () => {
      const header = Buffer.alloc(16)
      header.write('l', 0, 'latin1')
      header.writeUInt32LE(10, 4) // body length
      header.writeUInt32LE(9, 12) // fields length: 16 + 9 = 25, padded to 32
      expect(messageLength(header)).to.equal(42)
      header.writeUInt32LE(16, 12) // already aligned: 32
      expect(messageLength(header)).to.equal(42)
    })

    it('throws DBusWireError for a message over MAX_MESSAGE_BYTES, accepts exactly that size', () => {
      const header = Buffer.alloc(16)
      header.write('l', 0, 'latin1')
      header.writeUInt32LE(MAX_MESSAGE_BYTES - 16, 4)
      expect(messageLength(header)).to.equal(MAX_MESSAGE_BYTES)
      header.writeUInt32LE(MAX_MESSAGE_BYTES - 15, 4)
      expect(thrown(() => messageLength(header))).to.be.instanceOf(DBusWireError)
      header.writeUInt32LE(0xff_ff_ff_ff, 4)
      expect(thrown(() => messageLength(header))).to.be.instanceOf(DBusWireError)
    })

    it('throws DBusWireError for a header-fields length of 2 GiB or more (no 32-bit wrap-around)', () => {
      const header = Buffer.alloc(16)
      header.write('l', 0, 'latin1')
      for (const fieldsLength of [MAX_MESSAGE_BYTES, 0x7f_ff_ff_f8, 0x80_00_00_00, 0xff_ff_ff_f0, 0xff_ff_ff_ff]) {
        header.writeUInt32LE(fieldsLength, 12)
        let outcome: unknown
        try {
          outcome = `returned ${messageLength(header)}`
        } catch (error) {
          outcome = error
        }

        expect(outcome, `fields length 0x${fieldsLength.toString(16)}`).to.be.instanceOf(DBusWireError)
      }
    })

    it('reads big-endian lengths from a "B" header', () => {
      const header = Buffer.alloc(16)
      header.write('B', 0, 'latin1')
      header.writeUInt32BE(4, 4)
      header.writeUInt32BE(15, 12)
      expect(messageLength(header)).to.equal(36)
    })

    it('throws DBusWireError for a header that is neither "l" nor "B"', () => {
      for (const first of [0x00, 0x4c, 0x62, 0xff]) {
        const header = Buffer.alloc(16)
        header[0] = first
        expect(
          thrown(() => messageLength(header)),
          `byte ${first}`,
        ).to.be.instanceOf(DBusWireError)
      }
    })
  })
})
