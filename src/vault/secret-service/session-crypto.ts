/**
 * The Secret Service's "dh-ietf1024-sha256-aes128-cbc-pkcs7" transfer encryption: Diffie-Hellman over the
 * 1024-bit MODP group of RFC 2409 (OpenSSL's "modp2"), HKDF-SHA256 of the shared secret padded to the prime's
 * length (no salt, no info) to a 16-byte key, then AES-128-CBC with PKCS#7 padding and the IV in the secret's
 * parameters.
 *
 * Keys are KeyObjects (generateKeyPairSync + diffieHellman), not a DiffieHellman group object: creating one of
 * those checks the prime, which costs a large share of a credential_process call. The service's public key arrives
 * as raw big-endian bytes, so it is wrapped in a SubjectPublicKeyInfo carrying our own key's group parameters.
 */
/* eslint-disable no-bitwise -- byte-level protocol code: lengths, alignment and DER bytes */
import {
  createDecipheriv,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  type KeyPairKeyObjectResult,
} from 'node:crypto'

export const DH_ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7'
const PRIME_BYTES = 128

/** generateKeyPairSync for 'dh' with a named group (node has it; @types/node lacks the overload). */
const generateDhPair = generateKeyPairSync as unknown as (
  type: 'dh',
  options: {group: string},
) => KeyPairKeyObjectResult

export class SessionKeyExchange {
  /** Our public value as the unsigned big-endian bytes the service expects. */
  readonly publicKey: Buffer
  private readonly algorithmIdentifier: Buffer
  private readonly privateKey: KeyObject

  constructor() {
    const pair = generateDhPair('dh', {group: 'modp2'})
    this.privateKey = pair.privateKey
    const spki = pair.publicKey.export({format: 'der', type: 'spki'})
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING (INTEGER y) }
    const outer = readTlv(spki, 0, 0x30)
    const algorithm = readTlv(spki, outer.start, 0x30)
    const bits = readTlv(spki, algorithm.end, 0x03)
    const y = readTlv(spki, bits.start + 1, 0x02) // after the BIT STRING's unused-bits byte
    this.algorithmIdentifier = spki.subarray(outer.start, algorithm.end)
    this.publicKey = stripLeadingZeros(spki.subarray(y.start, y.end))
  }

  /**
   * The AES keys to try with the service's public value: from the shared secret padded to the prime's length
   * (what libsecret and gnome-keyring do), then, when it has leading zero bytes, without them (older services).
   */
  keysFor(servicePublicKey: Buffer): Buffer[] {
    const unsigned = stripLeadingZeros(servicePublicKey)
    const integer = unsigned[0] & 0x80 ? Buffer.concat([Buffer.from([0]), unsigned]) : unsigned
    const spki = tlv(
      0x30,
      Buffer.concat([this.algorithmIdentifier, tlv(0x03, Buffer.concat([Buffer.from([0]), tlv(0x02, integer)]))]),
    )
    const publicKey = createPublicKey({format: 'der', key: spki, type: 'spki'})
    const derived = stripLeadingZeros(diffieHellman({privateKey: this.privateKey, publicKey}))
    const padded = Buffer.concat([Buffer.alloc(Math.max(0, PRIME_BYTES - derived.length)), derived])
    const inputs = padded.length === derived.length ? [padded] : [padded, derived]
    return inputs.map((ikm) => Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.alloc(0), 16)))
  }
}

/** Decrypts a secret's value; throws when no key fits (bad padding). */
export function decryptSecret(keys: readonly Buffer[], iv: Buffer, value: Buffer): Buffer {
  let lastError: unknown
  for (const key of keys) {
    try {
      const decipher = createDecipheriv('aes-128-cbc', key, iv)
      return Buffer.concat([decipher.update(value), decipher.final()])
    } catch (error) {
      lastError = error
    }
  }

  throw lastError instanceof Error ? lastError : new Error('the secret could not be decrypted')
}

function stripLeadingZeros(bytes: Buffer): Buffer {
  let i = 0
  while (i < bytes.length - 1 && bytes[i] === 0) i++
  return bytes.subarray(i)
}

/** One DER element at `at`: its content's bounds; throws unless the tag is the expected one. */
function readTlv(der: Buffer, at: number, tag: number): {end: number; start: number} {
  if (der[at] !== tag) throw new Error(`unexpected DER tag ${der[at]} (wanted ${tag})`)
  let length = der[at + 1]
  let header = 2
  if (length & 0x80) {
    const count = length & 0x7f
    length = 0
    for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i]
    header += count
  }

  if (at + header + length > der.length) throw new Error('truncated DER')
  return {end: at + header + length, start: at + header}
}

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length
  let length: Buffer
  if (n < 0x80) {
    length = Buffer.from([n])
  } else {
    const bytes: number[] = []
    for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff)
    length = Buffer.from([0x80 | bytes.length, ...bytes])
  }

  return Buffer.concat([Buffer.from([tag]), length, content])
}
