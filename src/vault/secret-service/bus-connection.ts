/**
 * One connection to a D-Bus bus over its Unix socket: EXTERNAL authentication (our uid), Hello, then method calls
 * matched to their replies by serial. Calls may be pipelined. The socket keeps the process alive only while a call
 * is pending, so an open connection never holds up a command's exit.
 */
import {connect, type Socket} from 'node:net'

import type {DBusValue} from './wire.js'

import {
  decodeMessage,
  encodeMethodCall,
  type IncomingMessage,
  MESSAGE_TYPE,
  messageLength,
  type MethodCall,
} from './message.js'

export class DBusError extends Error {
  readonly dbusName: string

  constructor(dbusName: string, message: string) {
    super(`${dbusName}: ${message}`)
    this.name = 'DBusError'
    this.dbusName = dbusName
  }
}

interface Pending {
  reject(error: Error): void
  resolve(body: DBusValue[]): void
}

export class BusConnection {
  private authenticated = false
  private closedWith: Error | undefined
  private inbox: Buffer = Buffer.alloc(0)
  private nextSerial = 1
  private readonly pending = new Map<number, Pending>()
  private readonly socket: Socket

  private constructor(socket: Socket) {
    this.socket = socket
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', (error) => this.fail(error))
    socket.on('close', () => this.fail(new Error('the D-Bus connection closed')))
  }

  /**
   * Connects, authenticates (EXTERNAL, our uid) and says Hello. The authentication, BEGIN and Hello go out in one
   * write without waiting for the server's OK (pipelining the specification allows), and calls made before Hello
   * is answered follow in the same burst: one round trip instead of three. Rejects (closing the socket) when the
   * server refuses or anything fails.
   */
  static open(socketPath: string, uid: number): {connection: BusConnection; ready: Promise<void>} {
    const socket = connect({path: socketPath})
    const connection = new BusConnection(socket)
    socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\nBEGIN\r\n`)
    const ready = connection
      .call({
        destination: 'org.freedesktop.DBus',
        interface: 'org.freedesktop.DBus',
        member: 'Hello',
        path: '/org/freedesktop/DBus',
      })
      .then(
        () => {},
        (error: unknown) => {
          connection.close()
          throw error
        },
      )
    return {connection, ready}
  }

  /** The reply's body; a D-Bus error reply rejects with DBusError. */
  async call(call: MethodCall): Promise<DBusValue[]> {
    if (this.closedWith) throw this.closedWith
    const serial = this.nextSerial++
    const message = encodeMethodCall(call, serial)
    const reply = new Promise<DBusValue[]>((resolve, reject) => {
      this.pending.set(serial, {reject, resolve})
    })
    this.socket.ref()
    this.socket.write(message)
    return reply
  }

  close(): void {
    this.fail(new Error('the D-Bus connection was closed'))
    this.socket.destroy()
  }

  private deliver(message: IncomingMessage): void {
    if (message.replySerial === undefined) return // signals (NameAcquired…)
    const waiting = this.pending.get(message.replySerial)
    if (!waiting) return
    this.pending.delete(message.replySerial)
    if (this.pending.size === 0) this.socket.unref()
    if (message.type === MESSAGE_TYPE.error) {
      const text = typeof message.body[0] === 'string' ? message.body[0] : ''
      waiting.reject(new DBusError(message.errorName ?? 'org.freedesktop.DBus.Error.Failed', text))
    } else {
      waiting.resolve(message.body)
    }
  }

  private fail(error: Error): void {
    this.closedWith ??= error
    for (const waiting of this.pending.values()) waiting.reject(error)
    this.pending.clear()
  }

  /** Consumes the server's answer to AUTH ("OK <guid>\r\n"); false while it is incomplete; throws on refusal. */
  private readAuthAnswer(): boolean {
    const end = this.inbox.indexOf('\r\n')
    if (end === -1) {
      if (this.inbox.length > 512) throw new Error('the D-Bus server sent an overlong authentication line')
      return false
    }

    const answer = this.inbox.subarray(0, end).toString('latin1')
    if (!answer.startsWith('OK ')) {
      throw new Error(`the D-Bus server refused EXTERNAL authentication (${answer.slice(0, 80)})`)
    }

    this.inbox = this.inbox.subarray(end + 2)
    this.authenticated = true
    return true
  }

  private receive(chunk: Buffer): void {
    this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk])
    try {
      if (!this.authenticated && !this.readAuthAnswer()) return
      for (;;) {
        const length = messageLength(this.inbox)
        if (length === undefined || this.inbox.length < length) return
        const bytes = this.inbox.subarray(0, length)
        this.inbox = this.inbox.subarray(length)
        this.deliver(decodeMessage(bytes))
      }
    } catch (error) {
      this.fail(error as Error)
      this.socket.destroy()
    }
  }
}
