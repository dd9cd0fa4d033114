import {expect} from 'chai'

import {
  alignOf,
  type DBusValue,
  DBusWireError,
  splitSignature,
  WireReader,
  WireWriter,
} from '../../../src/vault/secret-service/wire.js'
import {thrown} from '../../helpers/errors.js'

function encode(...items: Array<[string, DBusValue]>): Buffer {
  const writer = new WireWriter()
  for (const [type, value] of items) writer.write(type, value)
  return Buffer.from(writer.toBuffer())
}

function hex(text: string): Buffer {
  return Buffer.from(text.replaceAll(/\s+/g, ''), 'hex')
}

const ROUND_TRIPS: Array<{signature: string; value: DBusValue}> = [
  {signature: 'y', value: 0},
  {signature: 'y', value: 255},
  {signature: 'b', value: true},
  {signature: 'b', value: false},
  {signature: 'n', value: -32_768},
  {signature: 'n', value: 32_767},
  {signature: 'q', value: 65_535},
  {signature: 'i', value: -2_147_483_648},
  {signature: 'i', value: 2_147_483_647},
  {signature: 'u', value: 4_294_967_295},
  {signature: 'h', value: 3},
  {signature: 'x', value: -(2n ** 63n)},
  {signature: 'x', value: 2n ** 63n - 1n},
  {signature: 't', value: 2n ** 64n - 1n},
  {signature: 't', value: 0n},
  {signature: 'd', value: 3.25},
  {signature: 'd', value: -1e-300},
  {signature: 'd', value: Number.MAX_VALUE},
  {signature: 's', value: ''},
  {signature: 's', value: 'plain ascii'},
  {signature: 's', value: 'héllo wörld ✓ 🔑 日本語'},
  {signature: 'o', value: '/org/freedesktop/secrets/collection/login/12'},
  {signature: 'g', value: 'a{sv}(oayays)'},
  {signature: 'g', value: ''},
  {signature: 'v', value: {signature: 's', value: 'inside'}},
  {signature: 'v', value: {signature: 'ay', value: Buffer.from([1, 2, 3])}},
  {signature: 'v', value: {signature: 'v', value: {signature: 't', value: 5n}}},
  {signature: 'v', value: {signature: '(yt)', value: [1, 2n]}},
  {signature: 'ay', value: Buffer.from([0, 1, 2, 254, 255])},
  {signature: 'ay', value: Buffer.alloc(0)},
  {signature: 'ay', value: Buffer.alloc(5000, 0xab)},
  {signature: 'as', value: ['a', 'bb', '', 'ünï']},
  {signature: 'as', value: []},
  {signature: 'ao', value: ['/a', '/b/c']},
  {signature: 'at', value: [1n, 2n ** 40n]},
  {signature: 'at', value: []},
  {signature: 'ad', value: [0.5, -2]},
  {signature: 'ab', value: [true, false, true]},
  {signature: 'an', value: [-1, 2, -3]},
  {signature: 'aay', value: [Buffer.from('one'), Buffer.alloc(0), Buffer.from('three')]},
  {signature: 'aas', value: [['a'], [], ['b', 'c']]},
  {
    signature: 'a{ss}',
    value: [
      ['service', 'terrace'],
      ['account', 'ключ'],
    ],
  },
  {signature: 'a{ss}', value: []},
  {signature: 'a{sv}', value: [['k', {signature: 'u', value: 7}]]},
  {signature: 'a{sa{ss}}', value: [['outer', [['inner', 'value']]]]},
  {
    signature: 'a(yv)',
    value: [
      [1, {signature: 'o', value: '/org/freedesktop/DBus'}],
      [8, {signature: 'g', value: 'sv'}],
      [5, {signature: 'u', value: 9}],
    ],
  },
  {signature: 'a(yv)', value: []},
  {signature: '(oayays)', value: ['/s/1', Buffer.from([9, 9]), Buffer.from('secret'), 'text/plain']},
  {signature: '(y(t(s(ay)))q)', value: [1, [2n, ['x', [Buffer.from([3])]]], 4]},
  {signature: '((y)(y))', value: [[1], [2]]},
  {
    signature: 'a(st)',
    value: [
      ['a', 1n],
      ['b', 2n],
    ],
  },
  {signature: 'a(st)', value: []},
]

describe('vault/secret-service/wire', () => {
  describe('round trips (write then read back equal)', () => {
    for (const {signature, value} of ROUND_TRIPS) {
      const label = Buffer.isBuffer(value)
        ? `<${value.length} bytes>`
        : JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))
      it(`${signature} ${label.slice(0, 60)}`, () => {
        // at offset 0, and after one byte so every alignment rule has padding to write and skip
        for (const prefix of [[], [['y', 0xee]]] as Array<Array<[string, DBusValue]>>) {
          const bytes = encode(...prefix, [signature, value], ['y', 0x5a])
          const reader = new WireReader(bytes)
          for (const [type, expected] of prefix) expect(reader.read(type)).to.equal(expected)
          expect(reader.read(signature)).to.deep.equal(value)
          expect(reader.read('y')).to.equal(0x5a)
          expect(reader.offset).to.equal(bytes.length)
        }
      })
    }

    it('reads several values written one after another', () => {
      const items: Array<[string, DBusValue]> = [
        ['y', 1],
        ['t', 2n],
        ['s', 'three'],
        ['q', 4],
        ['a{ss}', [['5', 'five']]],
        ['d', 6.5],
        ['v', {signature: 'as', value: ['7']}],
      ]
      const reader = new WireReader(encode(...items))
      for (const [type, value] of items) expect(reader.read(type)).to.deep.equal(value)
    })

    it('reads an ay written from a number array back as a Buffer', () => {
      expect(new WireReader(encode(['ay', [1, 2, 3]])).read('ay')).to.deep.equal(Buffer.from([1, 2, 3]))
    })

    it('reads a variant of ay back with a Buffer value', () => {
      const value = new WireReader(encode(['v', {signature: 'ay', value: Buffer.from('key')}])).read('v')
      expect(value).to.deep.equal({signature: 'ay', value: Buffer.from('key')})
    })
  })

  describe('exact little-endian bytes', () => {
    const cases: Array<{bytes: string; items: Array<[string, DBusValue]>; name: string}> = [
      {bytes: '01 00 00 00', items: [['u', 1]], name: "'u' 1"},
      {bytes: '02 00 00 00 61 62 00', items: [['s', 'ab']], name: '\'s\' "ab"'},
      {bytes: '00 00 00 00 00', items: [['s', '']], name: '\'s\' ""'},
      {bytes: '03 00 00 00 c3 a9 21 00', items: [['s', 'é!']], name: "'s' counts UTF-8 bytes"},
      {
        bytes: '07 00 00 00 01 00 00 00',
        items: [
          ['y', 7],
          ['u', 1],
        ],
        name: "'y' then 'u': 3 padding bytes",
      },
      {
        bytes: '07 00 fe ff',
        items: [
          ['y', 7],
          ['n', -2],
        ],
        name: "'y' then 'n': 1 padding byte",
      },
      {
        bytes: '07 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00',
        items: [
          ['y', 7],
          ['t', 1n],
        ],
        name: "'y' then 't': 7 padding bytes",
      },
      {bytes: '01 00 00 00', items: [['b', true]], name: "'b' true"},
      {bytes: 'ff ff ff ff', items: [['i', -1]], name: "'i' -1"},
      {bytes: '00 00 00 00 00 00 f0 3f', items: [['d', 1]], name: "'d' 1.0"},
      {bytes: 'fe ff ff ff ff ff ff ff', items: [['x', -2n]], name: "'x' -2"},
      {bytes: '02 61 73 00', items: [['g', 'as']], name: '\'g\' "as" (1-byte length, no alignment)'},
      {
        bytes: '07 02 61 73 00',
        items: [
          ['y', 7],
          ['g', 'as'],
        ],
        name: "'g' after 'y' is not padded",
      },
      {bytes: '01 73 00 00 01 00 00 00 78 00', items: [['v', {signature: 's', value: 'x'}]], name: '\'v\' <s "x">'},
      {bytes: '03 00 00 00 01 02 03', items: [['ay', Buffer.from([1, 2, 3])]], name: "'ay' [1,2,3]"},
      {bytes: '00 00 00 00', items: [['ai', []]], name: "empty 'ai': just the length"},
      {
        bytes: '00 00 00 00 00 00 00 00',
        items: [['at', []]],
        name: "empty 'at' still pads to 8 after the length",
      },
      {
        bytes: '00 00 00 00 00 00 00 00',
        items: [['a(yv)', []]],
        name: "empty 'a(yv)' still pads to 8 after the length",
      },
      {
        bytes: '00 00 00 00 00 00 00 00',
        items: [['a{ss}', []]],
        name: "empty 'a{ss}' still pads to 8 after the length",
      },
      {
        bytes: '07 00 00 00 00 00 00 00',
        items: [
          ['y', 7],
          ['at', []],
        ],
        name: "empty 'at' at offset 4 needs no padding after the length",
      },
      {
        bytes: '08 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00',
        items: [['at', [1n]]],
        name: "'at' [1]: the length counts the elements, not the padding before them",
      },
      {
        bytes: '0e 00 00 00 00 00 00 00 01 00 00 00 61 00 00 00 01 00 00 00 62 00',
        items: [['a{ss}', [['a', 'b']]]],
        name: "'a{ss}' [[a, b]]",
      },
      {
        bytes: '05 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 02',
        items: [
          ['(ut)', [5, 1n]],
          ['y', 2],
        ],
        name: "'(ut)' pads between its fields",
      },
    ]
    for (const {bytes, items, name} of cases) {
      it(name, () => {
        expect(encode(...items).toString('hex')).to.equal(hex(bytes).toString('hex'))
        const reader = new WireReader(hex(bytes))
        for (const [type, value] of items) expect(reader.read(type)).to.deep.equal(value)
      })
    }

    it('grows its buffer past the initial size without losing bytes', () => {
      const strings = Array.from({length: 200}, (_, i) => `entry-${i}-${'z'.repeat(i % 13)}`)
      const bytes = encode(['as', strings], ['u', 0xde_ad_be_ef])
      expect(bytes.length).to.be.greaterThan(256)
      const reader = new WireReader(bytes)
      expect(reader.read('as')).to.deep.equal(strings)
      expect(reader.read('u')).to.equal(0xde_ad_be_ef)
    })

    it('align() pads with zero bytes to the boundary', () => {
      const writer = new WireWriter()
      writer.write('y', 0xff)
      writer.align(8)
      expect(writer.toBuffer().toString('hex')).to.equal('ff00000000000000')
      writer.align(8)
      expect(writer.toBuffer().length).to.equal(8)
    })
  })

  describe('big-endian reading', () => {
    it('reads every fixed type and strings from big-endian bytes', () => {
      const bytes = hex(`
        07 00 01 02
        00 00 00 01
        00 00 00 02 61 62 00 00
        ff ff ff ff ff ff ff fe
        00 00 00 00 00 00 00 09
        3f f0 00 00 00 00 00 00
        ff fe 00 00
        ff ff ff fe
        01 02 03 04
        02 61 73 00
      `)
      const reader = new WireReader(bytes, {littleEndian: false})
      expect(reader.read('y')).to.equal(7)
      expect(reader.read('q')).to.equal(0x01_02)
      expect(reader.read('b')).to.equal(true)
      expect(reader.read('s')).to.equal('ab')
      expect(reader.read('x')).to.equal(-2n)
      expect(reader.read('t')).to.equal(9n)
      expect(reader.read('d')).to.equal(1)
      expect(reader.read('n')).to.equal(-2)
      expect(reader.read('i')).to.equal(-2)
      expect(reader.read('u')).to.equal(0x01_02_03_04)
      expect(reader.read('g')).to.equal('as')
      expect(reader.offset).to.equal(bytes.length)
    })

    it('reads big-endian arrays, structs and variants', () => {
      const bytes = hex(`
        00 00 00 0f 00 00 00 00
        05 01 75 00 00 00 00 07
        08 01 67 00 01 73 00
      `)
      const reader = new WireReader(bytes, {littleEndian: false})
      expect(reader.read('a(yv)')).to.deep.equal([
        [5, {signature: 'u', value: 7}],
        [8, {signature: 'g', value: 's'}],
      ])
    })

    it('reads the same bytes differently in the two byte orders', () => {
      const bytes = hex('00 00 01 00')
      expect(new WireReader(bytes).read('u')).to.equal(0x01_00_00)
      expect(new WireReader(bytes, {littleEndian: false}).read('u')).to.equal(0x01_00)
    })

    it('starts at the offset given', () => {
      expect(new WireReader(hex('ff ff ff ff 2a 00 00 00'), {offset: 4}).read('u')).to.equal(42)
    })
  })

  describe('signatures', () => {
    const splits: Array<[string, string[]]> = [
      ['', []],
      ['s', ['s']],
      ['a{ss}ao', ['a{ss}', 'ao']],
      ['sv', ['s', 'v']],
      ['(oayays)', ['(oayays)']],
      ['aa{sv}y(i(d))', ['aa{sv}', 'y', '(i(d))']],
      ['yyyyuua(yv)', ['y', 'y', 'y', 'y', 'u', 'u', 'a(yv)']],
    ]
    for (const [signature, types] of splits) {
      it(`splits "${signature}"`, () => {
        expect(splitSignature(signature)).to.deep.equal(types)
      })
    }

    const alignments: Array<[string, number]> = [
      ['y', 1],
      ['g', 1],
      ['v', 1],
      ['n', 2],
      ['q', 2],
      ['b', 4],
      ['i', 4],
      ['u', 4],
      ['h', 4],
      ['s', 4],
      ['o', 4],
      ['at', 4],
      ['a(yv)', 4],
      ['x', 8],
      ['t', 8],
      ['d', 8],
      ['(y)', 8],
      ['{ss}', 8],
    ]

    it('alignOf gives the specification alignment of each type', () => {
      for (const [type, align] of alignments) expect(alignOf(type), type).to.equal(align)
    })

    for (const bad of ['(', 'a', 'z', 'a{ss', '(yy', ')', 'sa', 'y)']) {
      it(`rejects the bad signature "${bad}" with DBusWireError`, () => {
        expect(thrown(() => splitSignature(bad))).to.be.instanceOf(DBusWireError)
      })
    }

    it('rejects unknown types when writing, reading and aligning', () => {
      expect(thrown(() => new WireWriter().write('z', 1))).to.be.instanceOf(DBusWireError)
      expect(thrown(() => new WireReader(Buffer.alloc(8)).read('z'))).to.be.instanceOf(DBusWireError)
      expect(thrown(() => alignOf('z'))).to.be.instanceOf(DBusWireError)
      expect(thrown(() => new WireWriter().write('v', {signature: 'z', value: 1}))).to.be.instanceOf(DBusWireError)
    })
  })

  describe('errors', () => {
    const truncated: Array<[string, string]> = [
      ['u', '01 00'],
      ['t', '01 00 00 00 00 00 00'],
      ['y', ''],
      ['s', '05 00 00 00 61 62'],
      ['s', '02 00 00 00 61 62'],
      ['g', '05 61'],
      ['v', '01 75 00 00 01'],
      ['(ut)', '01 00 00 00 00 00 00 00 01'],
      ['as', '10 00 00 00 03 00 00 00 61 62'],
    ]
    for (const [type, bytes] of truncated) {
      it(`a truncated '${type}' (${bytes || 'empty'}) throws DBusWireError`, () => {
        expect(thrown(() => new WireReader(hex(bytes)).read(type))).to.be.instanceOf(DBusWireError)
      })
    }

    it('an array length past the end of the buffer throws DBusWireError', () => {
      const error = thrown(() => new WireReader(hex('64 00 00 00 01 02 03 04')).read('ay'))
      expect(error).to.be.instanceOf(DBusWireError)
      expect((error as Error).message).to.match(/past the end/)
      expect(thrown(() => new WireReader(hex('ff ff ff ff 00 00 00 00')).read('au'))).to.be.instanceOf(DBusWireError)
    })

    it('an array length that splits an element throws DBusWireError', () => {
      // 6 bytes of 'ai' elements: the second int32 would end at 12, not at 10
      const error = thrown(() => new WireReader(hex('06 00 00 00 01 00 00 00 02 00 00 00')).read('ai'))
      expect(error).to.be.instanceOf(DBusWireError)
      expect((error as Error).message).to.match(/does not match/)
    })

    it('writing a struct with the wrong number of values throws DBusWireError', () => {
      expect(thrown(() => new WireWriter().write('(ss)', ['only one']))).to.be.instanceOf(DBusWireError)
    })

    it('writing a non-array where an array or struct is needed throws DBusWireError', () => {
      expect(thrown(() => new WireWriter().write('as', 'text'))).to.be.instanceOf(DBusWireError)
      expect(thrown(() => new WireWriter().write('(s)', 'text'))).to.be.instanceOf(DBusWireError)
    })

    it('writing a variant without {signature, value} throws DBusWireError', () => {
      expect(thrown(() => new WireWriter().write('v', 'text'))).to.be.instanceOf(DBusWireError)
      expect(thrown(() => new WireWriter().write('v', [1, 2]))).to.be.instanceOf(DBusWireError)
    })
  })
})
