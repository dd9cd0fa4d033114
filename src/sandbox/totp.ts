/* eslint-disable no-bitwise -- HOTP is defined in bit operations (RFC 4226) */
import {createHmac} from 'node:crypto'

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
export const TOTP_STEP_SECONDS = 30

/** Decodes RFC 4648 base32 (case-insensitive; spaces, dashes and `=` padding ignored). */
export function base32Decode(input: string): Buffer {
  const clean = input.toUpperCase().replaceAll(/[\s=-]/g, '')
  const bytes: number[] = []
  let bits = 0
  let value = 0
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char)
    if (index === -1) throw new Error(`invalid base32 character '${char}'`)
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      bits -= 8
      bytes.push((value >>> bits) & 0xff)
    }
  }

  return Buffer.from(bytes)
}

/** RFC 4226 HOTP: 6 digits, HMAC-SHA1. */
export function hotp(key: Buffer, counter: number): string {
  const message = Buffer.alloc(8)
  message.writeBigUInt64BE(BigInt(counter))
  const digest = createHmac('sha1', key).update(message).digest()
  const offset = digest.at(-1)! & 0x0f
  const binary = (digest.readUInt32BE(offset) & 0x7f_ff_ff_ff) % 1_000_000
  return String(binary).padStart(6, '0')
}

/** RFC 6238 TOTP (SHA1, 6 digits, 30 s steps) for a base32 secret at `time` (epoch ms, default now). */
export function totp(secretBase32: string, time: number = Date.now()): string {
  return hotp(base32Decode(secretBase32), Math.floor(time / 1000 / TOTP_STEP_SECONDS))
}

/**
 * Checks a code against the steps around `time` (±`window` steps). Returns the matching step counter (so a
 * caller can refuse reuse), or undefined when no step matches.
 */
export function verifyTotp(secretBase32: string, code: string, time: number, window = 1): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  const key = base32Decode(secretBase32)
  const current = Math.floor(time / 1000 / TOTP_STEP_SECONDS)
  for (let step = current - window; step <= current + window; step++) {
    if (step >= 0 && hotp(key, step) === code) return step
  }

  return undefined
}
