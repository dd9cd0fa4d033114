import {createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual} from 'node:crypto'
import * as fs from 'node:fs/promises'
import {dirname, join} from 'node:path'

import type {SecretStore} from './secret-store.js'

import {writeFileAtomic} from '../lib/atomic-write.js'
import {TerraceError, VaultError} from '../lib/errors.js'
import {LockTimeoutError, withLock} from '../lib/lock.js'
import {VAULT_FILE_NAME} from './missing-passphrase.js'

/**
 * The encrypted file vault: one file, `<TERRACE_HOME>/vault.enc`, holding a JSON object account -> secret,
 * encrypted with AES-256-GCM under a key derived by scrypt from the passphrase. Nothing is ever written in plain
 * text. Layout (all header bytes are authenticated as additional data):
 *
 *   0  magic "TRCVAULT" (8)   8 version (1)   9 scrypt log2 N (1)   10 r (1)   11 p (1)
 *   12 salt (16)   28 key check (16)   44 iv (12)   56 GCM tag (16)   72 ciphertext
 *
 * The key check (HMAC of the salt under a second derived key) tells a wrong passphrase from a damaged file.
 */

/** Beside the vault: remembers that terrace said once why it uses the file vault (no secret in it). */
export function fileVaultNoticeMarker(home: string): string {
  return join(home, `${VAULT_FILE_NAME}.notice-shown`)
}

const MAGIC = Buffer.from('TRCVAULT', 'ascii')
const VERSION = 1
const SALT_LEN = 16
const CHECK_LEN = 16
const IV_LEN = 12
const TAG_LEN = 16
const HEADER_LEN = MAGIC.length + 4 + SALT_LEN + CHECK_LEN + IV_LEN
const CIPHERTEXT_AT = HEADER_LEN + TAG_LEN
/** 2^15 with r = 8: 32 MiB of memory per derivation. */
export const DEFAULT_SCRYPT_LOG_N = 15
const SCRYPT_R = 8
const SCRYPT_P = 1

type KdfParams = {logN: number; p: number; r: number; salt: Buffer}

/** What the passphrase source is asked for: `create` for a vault about to be written the first time (confirm it). */
export type PassphraseRequest = {
  /** 1 for the first ask; 2, 3… after a wrong passphrase */
  attempt: number
  create: boolean
}

/** The file operations the vault writes through (node:fs/promises by default; tests inject failures). */
export type VaultFileSystem = Pick<typeof fs, 'mkdir' | 'open' | 'readFile' | 'rename' | 'rm'>
type DerivedKey = {check: Buffer; encryption: Buffer}
type Parsed = {ciphertext: Buffer; header: Buffer; iv: Buffer; kdf: KdfParams; keyCheck: Buffer; tag: Buffer}

export type FileStoreOptions = {
  /** node:fs/promises unless a test injects its own */
  fileSystem?: VaultFileSystem
  /** How long a write waits for another process's write before failing (exit 8). Default 30 s. */
  lockTimeoutMs?: number
  /** Asked once per store (memoised), again after a wrong one: TERRACE_VAULT_PASSPHRASE or a no-echo prompt. */
  passphrase: (request: PassphraseRequest) => Promise<string>
  /** How many passphrases may be tried in all before a wrong one is final (1 unless typed at a prompt). */
  passphraseAttempts?: number
  path: string
  /** scrypt cost for a newly created vault (existing vaults keep theirs). */
  scryptLogN?: number
}

export class FileStore implements SecretStore {
  readonly description: string
  readonly kind = 'file' as const
  readonly path: string
  private readonly fs: VaultFileSystem
  private readonly keys = new Map<string, Promise<DerivedKey>>()
  private readonly options: FileStoreOptions
  private passphrasePromise?: Promise<string>
  private wrongPassphrases = 0

  constructor(options: FileStoreOptions) {
    this.options = options
    this.path = options.path
    this.fs = options.fileSystem ?? fs
    this.description = `encrypted file ${options.path}`
  }

  async delete(account: string): Promise<boolean> {
    return this.update((entries) => {
      if (!Object.hasOwn(entries, account)) return false
      delete entries[account]
      return true
    })
  }

  /** Forgets the passphrase and overwrites the derived keys with zeros; the next read asks for the passphrase again. */
  async forget(): Promise<void> {
    const keys = [...this.keys.values()]
    this.keys.clear()
    this.passphrasePromise = undefined
    for (const key of await Promise.allSettled(keys)) {
      if (key.status === 'fulfilled') {
        key.value.encryption.fill(0)
        key.value.check.fill(0)
      }
    }
  }

  async get(account: string): Promise<string | undefined> {
    const {entries} = await this.load()
    return Object.hasOwn(entries, account) ? entries[account] : undefined
  }

  async list(prefix = ''): Promise<string[]> {
    const {entries} = await this.load()
    return Object.keys(entries)
      .filter((account) => account.startsWith(prefix))
      .sort()
  }

  /**
   * Checks the passphrase against the vault (asking for it, with the usual attempts); a vault that does not exist
   * yet is created empty under it. Throws VaultError (exit 8) for a wrong passphrase.
   */
  async open(): Promise<void> {
    try {
      await this.fs.readFile(this.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        await this.update(() => true)
        return
      }
    }

    await this.load()
  }

  async set(account: string, secret: string): Promise<void> {
    await this.update((entries) => {
      entries[account] = secret
      return true
    })
  }

  private corrupt(reason: string, cause?: unknown): TerraceError {
    return new VaultError(`The file vault ${this.path} is damaged or not a terrace vault (${reason}).`, {
      cause,
      suggestion: `Move it aside (mv "${this.path}" "${this.path}.broken") and log in again; terrace never resets it by itself.`,
    })
  }

  private async decrypt(raw: Buffer): Promise<{entries: Record<string, string>; kdf: KdfParams}> {
    const parsed = this.parse(raw)
    const key = await this.unlock(parsed.kdf, parsed.keyCheck)

    let plaintext: Buffer
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.encryption, parsed.iv)
      decipher.setAAD(parsed.header)
      decipher.setAuthTag(parsed.tag)
      plaintext = Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()])
    } catch (error) {
      throw this.corrupt('authentication failed: the contents were modified', error)
    }

    let entries: unknown
    try {
      entries = JSON.parse(plaintext.toString('utf8'))
    } catch (error) {
      throw this.corrupt('the decrypted contents are not JSON', error)
    } finally {
      plaintext.fill(0)
    }

    const valid =
      typeof entries === 'object' &&
      entries !== null &&
      !Array.isArray(entries) &&
      Object.values(entries).every((v) => typeof v === 'string')
    if (!valid) throw this.corrupt('the decrypted contents are not a map of secrets')
    return {entries: Object.assign(Object.create(null), entries) as Record<string, string>, kdf: parsed.kdf}
  }

  private async encrypt(entries: Record<string, string>, kdf: KdfParams, create: boolean): Promise<Buffer> {
    const key = await this.key(kdf, create)
    const iv = randomBytes(IV_LEN)
    const header = Buffer.concat([MAGIC, Buffer.from([VERSION, kdf.logN, kdf.r, kdf.p]), kdf.salt, key.check, iv])
    const cipher = createCipheriv('aes-256-gcm', key.encryption, iv)
    cipher.setAAD(header)
    const plaintext = Buffer.from(JSON.stringify(entries), 'utf8')
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
    plaintext.fill(0)
    return Buffer.concat([header, cipher.getAuthTag(), ciphertext])
  }

  /** One scrypt derivation per (salt, cost) for the life of this store. */
  private key(kdf: KdfParams, create = false): Promise<DerivedKey> {
    const id = kdfId(kdf)
    let derived = this.keys.get(id)
    if (!derived) {
      derived = this.passphrase(create).then((passphrase) => deriveKey(passphrase, kdf))
      derived.catch(() => this.keys.delete(id))
      this.keys.set(id, derived)
    }

    return derived
  }

  private async load(): Promise<{entries: Record<string, string>; kdf?: KdfParams}> {
    let raw: Buffer
    try {
      raw = await this.fs.readFile(this.path)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {entries: Object.create(null)}
      throw new VaultError(`Cannot read the file vault ${this.path}: ${(error as Error).message}`, {cause: error})
    }

    return this.decrypt(raw)
  }

  private parse(raw: Buffer): Parsed {
    if (raw.length < CIPHERTEXT_AT || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw this.corrupt('no terrace vault header')
    }

    let at = MAGIC.length
    const [version, logN, r, p] = raw.subarray(at, at + 4)
    at += 4
    if (version !== VERSION) throw this.corrupt(`unknown format version ${version}`)
    // The cost is read before the header is authenticated: only the parameters terrace writes are accepted, so a
    // doctored header cannot make every command spend seconds (or gigabytes) in scrypt.
    const logNs = new Set([DEFAULT_SCRYPT_LOG_N, this.options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N])
    if (!logNs.has(logN) || r !== SCRYPT_R || p !== SCRYPT_P)
      throw this.corrupt(`scrypt parameters N=2^${logN}, r=${r}, p=${p} are not the ones terrace writes`)
    const salt = raw.subarray(at, (at += SALT_LEN))
    const keyCheck = raw.subarray(at, (at += CHECK_LEN))
    const iv = raw.subarray(at, (at += IV_LEN))
    const tag = raw.subarray(at, (at += TAG_LEN))
    return {
      ciphertext: raw.subarray(at),
      header: raw.subarray(0, HEADER_LEN),
      iv,
      kdf: {logN, p, r, salt: Buffer.from(salt)},
      keyCheck,
      tag,
    }
  }

  private passphrase(create: boolean): Promise<string> {
    if (!this.passphrasePromise) {
      const request = {attempt: this.wrongPassphrases + 1, create}
      this.passphrasePromise = this.options.passphrase(request).then((passphrase) => {
        if (!passphrase) {
          throw new VaultError('The file vault passphrase is empty', {
            suggestion: 'Set TERRACE_VAULT_PASSPHRASE to a non-empty passphrase.',
          })
        }

        return passphrase
      })
      // a failed prompt (Ctrl-C, empty answer) may be retried by a later call
      this.passphrasePromise.catch(() => {
        this.passphrasePromise = undefined
      })
    }

    return this.passphrasePromise
  }

  /**
   * The key for this vault's header, asking for the passphrase again after a wrong one while attempts remain.
   * Concurrent callers share one prompt: only the caller whose key was the current one counts the failure.
   */
  private async unlock(kdf: KdfParams, keyCheck: Buffer): Promise<DerivedKey> {
    const attempts = Math.max(1, this.options.passphraseAttempts ?? 1)
    for (;;) {
      if (this.wrongPassphrases >= attempts) throw this.wrongPassphrase(attempts)
      const pending = this.key(kdf)
      const key = await pending
      if (timingSafeEqual(key.check, keyCheck)) return key
      if (this.keys.get(kdfId(kdf)) === pending) {
        this.keys.delete(kdfId(kdf))
        this.passphrasePromise = undefined
        this.wrongPassphrases++
      }
    }
  }

  /** Read-modify-write under the vault's lock; writes only when change() reports a change. */
  private async update(change: (entries: Record<string, string>) => boolean): Promise<boolean> {
    await this.fs.mkdir(dirname(this.path), {mode: 0o700, recursive: true})
    try {
      return await withLock(
        `${this.path}.lock`,
        async () => {
          const {entries, kdf} = await this.load()
          if (!change(entries)) return false
          const params = kdf ?? {
            logN: this.options.scryptLogN ?? DEFAULT_SCRYPT_LOG_N,
            p: SCRYPT_P,
            r: SCRYPT_R,
            salt: randomBytes(SALT_LEN),
          }
          await writeFileAtomic(this.path, await this.encrypt(entries, params, kdf === undefined), {
            fileSystem: this.fs,
          })
          return true
        },
        {timeoutMs: this.options.lockTimeoutMs ?? 30_000},
      )
    } catch (error) {
      if (error instanceof LockTimeoutError) {
        throw new VaultError(`The file vault ${this.path} stayed locked by another terrace process`, {
          cause: error,
          suggestion: error.suggestion,
        })
      }

      throw error
    }
  }

  private wrongPassphrase(attempts: number): TerraceError {
    return new VaultError(
      `Wrong passphrase for the file vault ${this.path}${attempts > 1 ? ` (${attempts} attempts)` : ''}; the file was left untouched.`,
      {
        suggestion:
          'Set TERRACE_VAULT_PASSPHRASE (or type at the prompt) the passphrase this vault was created with. ' +
          'Forgot it? `terrace vault reset` deletes the file vault; then log in again.',
      },
    )
  }
}

function kdfId(kdf: KdfParams): string {
  return `${kdf.logN}:${kdf.r}:${kdf.p}:${kdf.salt.toString('hex')}`
}

async function deriveKey(passphrase: string, kdf: KdfParams): Promise<DerivedKey> {
  const N = 2 ** kdf.logN
  const material = await new Promise<Buffer>((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      kdf.salt,
      64,
      {maxmem: 256 * N * kdf.r + 1024 * 1024, N, p: kdf.p, r: kdf.r},
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
  const encryption = Buffer.from(material.subarray(0, 32))
  const check = createHmac('sha256', material.subarray(32)).update(kdf.salt).digest().subarray(0, CHECK_LEN)
  material.fill(0)
  return {check, encryption}
}

export {fileVaultPath, VAULT_FILE_NAME} from './missing-passphrase.js'
