/**
 * Reads keytar's entries straight from the Secret Service over D-Bus, without loading keytar (a native module
 * whose first call sets up a GLib D-Bus connection and session, a large share of a credential_process call).
 * Read-only on purpose: writes and deletes stay with keytar/libsecret. keytar stores a password as an
 * item with the attributes {service, account} (plus libsecret's xdg:schema), value = the UTF-8 text.
 *
 * The transfer is a "plain" session, or encrypted (dh-ietf1024-sha256-aes128-cbc-pkcs7) as libsecret does it when
 * asked (a service without it then gets a plain session, as libsecret falls back to; see transferEncrypted in
 * ../secret-service-store.ts). An item in a locked collection is reported, not unlocked: unlocking may prompt, which
 * only keytar/libsecret do.
 */
import type {Variant} from './wire.js'

import {sessionBusSocket} from './bus-address.js'
import {BusConnection, DBusError} from './bus-connection.js'

const SECRETS = 'org.freedesktop.secrets'
const SERVICE_PATH = '/org/freedesktop/secrets'
const SERVICE_INTERFACE = 'org.freedesktop.Secret.Service'

export type LookupResult = {secret: string; state: 'found'} | {state: 'locked'} | {state: 'missing'}

interface Session {
  decrypt?(parameters: Buffer, value: Buffer): Buffer
  path: string
}

export interface ConnectOptions {
  /** Encrypt the transfer (Diffie-Hellman + AES, as libsecret does) instead of a "plain" session. */
  encrypted: boolean
  /** bounds connecting and every lookup */
  timeoutMs: number
}

export class SecretServiceReader {
  private readonly connection: BusConnection
  private readonly session: Session
  private readonly timeoutMs: number

  private constructor(connection: BusConnection, session: Session, timeoutMs: number) {
    this.connection = connection
    this.session = session
    this.timeoutMs = timeoutMs
  }

  /**
   * Connects to the session bus and opens a transfer session with the Secret Service. Rejects when there is no
   * bus, no Secret Service on it, or no answer within timeoutMs (which also bounds every lookup).
   */
  static async connect(env: NodeJS.ProcessEnv, options: ConnectOptions): Promise<SecretServiceReader> {
    const socketPath = sessionBusSocket(env)
    if (!socketPath) throw new Error('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)')
    const uid = process.getuid?.()
    if (uid === undefined) throw new Error('the Secret Service needs a Unix user id')
    const {connection, ready} = BusConnection.open(socketPath, uid)
    const opening = (async () => {
      const [, session] = await Promise.all([ready, openSession(connection, options.encrypted)])
      return new SecretServiceReader(connection, session, options.timeoutMs)
    })()
    try {
      return await withTimeout(opening, options.timeoutMs, 'the Secret Service did not answer')
    } catch (error) {
      connection.close()
      throw error
    }
  }

  close(): void {
    this.connection.close()
  }

  /** The first item matching every attribute: its secret as UTF-8 text, or that it is locked, or missing. */
  async lookup(attributes: Record<string, string>): Promise<LookupResult> {
    return withTimeout(this.find(attributes), this.timeoutMs, 'the Secret Service did not answer')
  }

  private async find(attributes: Record<string, string>): Promise<LookupResult> {
    const [unlocked, locked] = (await this.connection.call({
      body: [Object.entries(attributes)],
      destination: SECRETS,
      interface: SERVICE_INTERFACE,
      member: 'SearchItems',
      path: SERVICE_PATH,
      signature: 'a{ss}',
    })) as [string[], string[]]
    if (unlocked.length === 0) return locked.length > 0 ? {state: 'locked'} : {state: 'missing'}
    const [secret] = (await this.connection.call({
      body: [this.session.path],
      destination: SECRETS,
      interface: 'org.freedesktop.Secret.Item',
      member: 'GetSecret',
      path: unlocked[0],
      signature: 'o',
    })) as [[string, Buffer, Buffer, string]]
    const [, parameters, value] = secret
    const bytes = this.session.decrypt ? this.session.decrypt(parameters, value) : value
    return {secret: bytes.toString('utf8'), state: 'found'}
  }
}

async function openSession(connection: BusConnection, encrypted: boolean): Promise<Session> {
  const open = (algorithm: string, input: Variant) =>
    connection.call({
      body: [algorithm, input],
      destination: SECRETS,
      interface: SERVICE_INTERFACE,
      member: 'OpenSession',
      path: SERVICE_PATH,
      signature: 'sv',
    }) as Promise<[Variant, string]>
  const plain = async () => ({path: (await open('plain', {signature: 's', value: ''}))[1]})
  if (!encrypted) return plain()
  // loaded only here: node:crypto and the key exchange cost time that a plain session does not spend
  const {decryptSecret, DH_ALGORITHM, SessionKeyExchange} = await import('./session-crypto.js')
  const exchange = new SessionKeyExchange()
  try {
    const [output, path] = await open(DH_ALGORITHM, {signature: 'ay', value: exchange.publicKey})
    if (!Buffer.isBuffer(output.value)) throw new Error('the Secret Service sent no public key')
    const keys = exchange.keysFor(output.value)
    return {decrypt: (parameters, value) => decryptSecret(keys, parameters, value), path}
  } catch (error) {
    if (!(error instanceof DBusError) || !error.dbusName.endsWith('.NotSupported')) throw error
    return plain() // a service without transfer encryption (libsecret falls back the same way)
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
