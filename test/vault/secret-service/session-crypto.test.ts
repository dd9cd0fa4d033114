import {expect} from 'chai'
import {
  createCipheriv,
  createDecipheriv,
  type DiffieHellmanGroup,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
} from 'node:crypto'

import {decryptSecret, DH_ALGORITHM, SessionKeyExchange} from '../../../src/vault/secret-service/session-crypto.js'
import {thrown} from '../../helpers/errors.js'

const EMPTY = Buffer.alloc(0)

function hkdf(ikm: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, EMPTY, EMPTY, 16))
}

function encrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-cbc', key, iv)
  return Buffer.concat([cipher.update(plain), cipher.final()])
}

/** Whether node's own AES-128-CBC rejects (bad PKCS#7 padding) the ciphertext under this key. */
function rejectedBy(key: Buffer, iv: Buffer, value: Buffer): boolean {
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv)
    Buffer.concat([decipher.update(value), decipher.final()])
    return false
  } catch {
    return true
  }
}

/** A random key that fails on this ciphertext: a random wrong key still gives valid padding about once in 256. */
function wrongKeyFor(iv: Buffer, value: Buffer): Buffer {
  for (;;) {
    const key = randomBytes(16)
    if (rejectedBy(key, iv, value)) return key
  }
}

describe('vault/secret-service/session-crypto', () => {
  let peer: DiffieHellmanGroup

  before(() => {
    peer = getDiffieHellman('modp2') // the service's side, with node's classic DH API
    peer.generateKeys()
  })

  it('names the Secret Service algorithm', () => {
    expect(DH_ALGORITHM).to.equal('dh-ietf1024-sha256-aes128-cbc-pkcs7')
  })

  it('has a public value of at most 128 bytes, without leading zeros', () => {
    for (let i = 0; i < 20; i++) {
      const {publicKey} = new SessionKeyExchange()
      expect(publicKey.length).to.be.within(1, 128)
      expect(publicKey[0]).to.not.equal(0)
    }
  })

  it('derives the HKDF-SHA256 key of the padded shared secret, and a second one when it has leading zeros', () => {
    let withLeadingZero = 0
    let iterations = 0
    for (; iterations < 3000 && withLeadingZero === 0; iterations++) {
      const ours = new SessionKeyExchange()
      const secret = peer.computeSecret(ours.publicKey) // node pads it to the prime's 128 bytes
      expect(secret.length).to.equal(128)
      const keys = ours.keysFor(peer.getPublicKey())
      expect(keys[0], `iteration ${iterations}`).to.deep.equal(hkdf(secret))
      if (secret[0] === 0) {
        withLeadingZero++
        let start = 0
        while (secret[start] === 0) start++
        expect(keys).to.have.length(2)
        expect(keys[1]).to.deep.equal(hkdf(secret.subarray(start)))
        expect(keys[1]).to.not.deep.equal(keys[0])
      } else {
        expect(keys).to.have.length(1)
      }
    }

    expect(withLeadingZero, `no shared secret with a leading zero byte in ${iterations} exchanges`).to.equal(1)
  })

  it('takes the service public value with leading zero bytes or without', () => {
    const ours = new SessionKeyExchange()
    const publicKey = peer.getPublicKey()
    const padded = Buffer.concat([Buffer.alloc(128 - publicKey.length + 3), publicKey])
    expect(ours.keysFor(padded)).to.deep.equal(ours.keysFor(publicKey))
    expect(ours.keysFor(padded)[0]).to.deep.equal(hkdf(peer.computeSecret(ours.publicKey)))
  })

  it('takes service public values with the high bit set and clear (DER INTEGER sign byte)', () => {
    const seen = new Set<boolean>()
    for (let i = 0; i < 64 && seen.size < 2; i++) {
      const service = getDiffieHellman('modp2')
      const publicKey = service.generateKeys()
      const highBit = publicKey[0] >= 0x80
      const ours = new SessionKeyExchange()
      expect(ours.keysFor(publicKey)[0], `high bit ${highBit}`).to.deep.equal(
        hkdf(service.computeSecret(ours.publicKey)),
      )
      seen.add(highBit)
    }

    expect([...seen].sort()).to.deep.equal([false, true])
  })

  it('gives different keys for different exchanges', () => {
    const a = new SessionKeyExchange()
    const b = new SessionKeyExchange()
    expect(a.publicKey).to.not.deep.equal(b.publicKey)
    expect(a.keysFor(peer.getPublicKey())[0]).to.not.deep.equal(b.keysFor(peer.getPublicKey())[0])
  })

  it('throws on a service public value that is not a valid group element', () => {
    const ours = new SessionKeyExchange()
    expect(thrown(() => ours.keysFor(Buffer.from([1])))).to.be.instanceOf(Error)
  })

  describe('decryptSecret', () => {
    it('decrypts what the service encrypts under the first key (random IV), for several lengths', () => {
      const ours = new SessionKeyExchange()
      const keys = ours.keysFor(peer.getPublicKey())
      const serviceKey = hkdf(peer.computeSecret(ours.publicKey))
      for (const plain of [
        EMPTY,
        Buffer.from('sëcret ✓'),
        Buffer.alloc(15, 1),
        Buffer.alloc(16, 2),
        Buffer.alloc(17, 3),
        randomBytes(20_000),
      ]) {
        const iv = randomBytes(16)
        expect(decryptSecret(keys, iv, encrypt(serviceKey, iv, plain))).to.deep.equal(plain)
      }
    })

    it('still decrypts when the first key is wrong and the second right', () => {
      const right = randomBytes(16)
      const iv = randomBytes(16)
      const plain = Buffer.from('{"accessKeyId":"AKIA…","secret":"ü"}')
      const value = encrypt(right, iv, plain)
      expect(decryptSecret([wrongKeyFor(iv, value), right], iv, value)).to.deep.equal(plain)
    })

    it('throws when no key fits', () => {
      const iv = randomBytes(16)
      const value = encrypt(randomBytes(16), iv, Buffer.from('secret value'))
      expect(thrown(() => decryptSecret([wrongKeyFor(iv, value)], iv, value))).to.be.instanceOf(Error)
      expect(thrown(() => decryptSecret([wrongKeyFor(iv, value), wrongKeyFor(iv, value)], iv, value))).to.be.instanceOf(
        Error,
      )
      expect(thrown(() => decryptSecret([], iv, value))).to.be.instanceOf(Error)
    })

    it('throws on a value that is not a whole number of blocks', () => {
      const key = randomBytes(16)
      const iv = randomBytes(16)
      const value = encrypt(key, iv, Buffer.from('secret value'))
      expect(thrown(() => decryptSecret([key], iv, value.subarray(0, 10)))).to.be.instanceOf(Error)
    })
  })
})
