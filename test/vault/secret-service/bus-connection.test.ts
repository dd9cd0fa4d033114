import {expect} from 'chai'
import {type ChildProcess, spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BusConnection, DBusError} from '../../../src/vault/secret-service/bus-connection.js'
import {decodeMessage, MESSAGE_TYPE, messageLength} from '../../../src/vault/secret-service/message.js'
import {
  type DBusValue,
  splitSignature,
  type Variant,
  WireReader,
  WireWriter,
} from '../../../src/vault/secret-service/wire.js'
import {rejection} from '../../helpers/errors.js'

const ROOT = new URL('../../../', import.meta.url).pathname
const GUID = '0123456789abcdef0123456789abcdef'
const FIELD = {errorName: 4, member: 3, replySerial: 5, sender: 7, signature: 8}

let serverSerial = 1000

/** A little-endian message from the fake bus: fixed header, a(yv) fields, padding to 8, body. */
function message(type: number, fields: Array<[number, Variant]>, signature: string, body: DBusValue[]): Buffer {
  const bodyWriter = new WireWriter()
  for (const [i, t] of splitSignature(signature).entries()) bodyWriter.write(t, body[i])
  const bodyBytes = bodyWriter.toBuffer()
  const allFields: Array<[number, Variant]> = [...fields, [FIELD.sender, {signature: 's', value: ':1.0'}]]
  if (signature) allFields.push([FIELD.signature, {signature: 'g', value: signature}])
  const header = new WireWriter()
  for (const byte of [0x6c, type, 0, 1]) header.write('y', byte)
  header.write('u', bodyBytes.length)
  header.write('u', serverSerial++)
  header.write('a(yv)', allFields)
  header.align(8)
  return Buffer.concat([header.toBuffer(), bodyBytes])
}

function reply(serial: number, signature: string, body: DBusValue[]): Buffer {
  return message(MESSAGE_TYPE.methodReturn, [[FIELD.replySerial, {signature: 'u', value: serial}]], signature, body)
}

function errorReply(serial: number, name: string, text: string): Buffer {
  return message(
    MESSAGE_TYPE.error,
    [
      [FIELD.errorName, {signature: 's', value: name}],
      [FIELD.replySerial, {signature: 'u', value: serial}],
    ],
    's',
    [text],
  )
}

function signal(member: string, signature: string, body: DBusValue[]): Buffer {
  return message(MESSAGE_TYPE.signal, [[FIELD.member, {signature: 's', value: member}]], signature, body)
}

interface ReceivedCall {
  body: DBusValue[]
  member: string
  serial: number
  signature: string
}

interface Peer {
  send(bytes: Buffer | string): void
  socket: Socket
}

/**
 * A scripted stand-in for the bus daemon on a Unix socket: answers the AUTH line (OK by default), waits for BEGIN,
 * then hands every method call to `onCall`. The default script answers Hello (and sends NameAcquired, as the real
 * bus does) and echoes "Echo" calls.
 */
class FakeBus {
  authAnswer = `OK ${GUID}\r\n`
  readonly authLines: string[] = []
  readonly calls: ReceivedCall[] = []
  /** write every byte of every answer on its own, a tick apart */
  dribble = false
  onCall: (call: ReceivedCall, peer: Peer) => void = (call, peer) => FakeBus.defaultScript(call, peer)
  readonly peers: Peer[] = []
  private readonly server: Server

  private constructor(server: Server) {
    this.server = server
    server.on('connection', (socket) => this.accept(socket))
  }

  static defaultScript(call: ReceivedCall, peer: Peer): void {
    if (call.member === 'Hello') {
      peer.send(Buffer.concat([reply(call.serial, 's', [':1.42']), signal('NameAcquired', 's', [':1.42'])]))
    } else if (call.member === 'Echo') {
      peer.send(reply(call.serial, call.signature, call.body))
    }
  }

  static async start(path: string): Promise<FakeBus> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(path, resolve)
    })
    return new FakeBus(server)
  }

  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy()
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve())
    })
  }

  private accept(socket: Socket): void {
    let queue = Promise.resolve()
    const peer: Peer = {
      send: (bytes) => {
        const data = Buffer.from(bytes)
        if (!this.dribble) {
          socket.write(data)
          return
        }

        queue = queue.then(async () => {
          for (const byte of data) {
            if (socket.destroyed) return
            socket.write(Buffer.from([byte]))
            await new Promise((resolve) => {
              setImmediate(resolve)
            })
          }
        })
      },
      socket,
    }
    this.peers.push(peer)
    socket.on('error', () => {}) // the client hanging up on a refusal resets the connection
    let inbox = Buffer.alloc(0)
    let begun = false
    socket.on('data', (chunk: Buffer) => {
      inbox = Buffer.concat([inbox, chunk])
      while (!begun) {
        const end = inbox.indexOf('\r\n')
        if (end === -1) return
        const line = inbox.subarray(0, end).toString('latin1')
        inbox = inbox.subarray(end + 2)
        if (line === 'BEGIN') begun = true
        else {
          this.authLines.push(line)
          peer.send(this.authAnswer)
        }
      }

      for (;;) {
        const length = messageLength(inbox)
        if (length === undefined || inbox.length < length) return
        const bytes = inbox.subarray(0, length)
        inbox = inbox.subarray(length)
        const decoded = decodeMessage(bytes)
        const fields = new Map(
          (new WireReader(bytes, {offset: 12}).read('a(yv)') as Array<[number, Variant]>).map(([code, v]) => [
            code,
            v.value,
          ]),
        )
        const call: ReceivedCall = {
          body: decoded.body,
          member: fields.get(FIELD.member) as string,
          serial: decoded.serial,
          signature: (fields.get(FIELD.signature) as string | undefined) ?? '',
        }
        this.calls.push(call)
        this.onCall(call, peer)
      }
    })
  }
}

function call(member: string, signature = '', body: DBusValue[] = []) {
  return {body, destination: 'org.example.Test', interface: 'org.example.Test', member, path: '/org/example', signature}
}

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => {
      setTimeout(resolve, 5)
    })
  }
}

describe('vault/secret-service/bus-connection (against a fake bus)', () => {
  let dir: string
  let socketPath: string
  let bus: FakeBus
  let connections: BusConnection[]
  let children: ChildProcess[]

  function open(uid = process.getuid?.() ?? 1000) {
    const opened = BusConnection.open(socketPath, uid)
    connections.push(opened.connection)
    return opened
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-bus-'))
    socketPath = join(dir, 'bus')
    bus = await FakeBus.start(socketPath)
    connections = []
    children = []
  })

  afterEach(async () => {
    for (const connection of connections) connection.close()
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await bus.close()
    rmSync(dir, {force: true, recursive: true})
  })

  it('says Hello, then a call resolves with its reply body', async () => {
    const {connection, ready} = open()
    await ready
    const body = [
      'text ✓',
      [
        ['service', 'terrace'],
        ['account', 'a'],
      ],
      2n ** 60n,
      Buffer.from([0, 1, 2]),
    ]
    expect(await connection.call(call('Echo', 'sa{ss}tay', body))).to.deep.equal(body)
    expect(bus.calls.map((c) => [c.member, c.serial])).to.deep.equal([
      ['Hello', 1],
      ['Echo', 2],
    ])
  })

  it('sends calls made before Hello is answered (pipelined) and resolves them', async () => {
    const {connection, ready} = open()
    const replies = [connection.call(call('Echo', 's', ['first'])), connection.call(call('Echo', 'u', [2]))]
    await ready
    expect(await Promise.all(replies)).to.deep.equal([['first'], [2]])
  })

  it('authenticates with EXTERNAL and the hex of the uid given, then BEGIN', async () => {
    await open(1234).ready
    expect(bus.authLines).to.deep.equal(['\0AUTH EXTERNAL 31323334'])
    await open(0).ready
    expect(bus.authLines).to.deep.equal(['\0AUTH EXTERNAL 31323334', '\0AUTH EXTERNAL 30'])
  })

  it('rejects a call answered with an ERROR with DBusError named after the error', async () => {
    bus.onCall = (received, peer) => {
      if (received.member === 'Fail') {
        peer.send(errorReply(received.serial, 'org.freedesktop.Secret.Error.NoSuchObject', 'no such item'))
      } else FakeBus.defaultScript(received, peer)
    }

    const {connection, ready} = open()
    await ready
    const error = await rejection(connection.call(call('Fail')))
    expect(error).to.be.instanceOf(DBusError)
    expect((error as DBusError).dbusName).to.equal('org.freedesktop.Secret.Error.NoSuchObject')
    expect(error.message).to.include('no such item')
    // the connection is still usable
    expect(await connection.call(call('Echo', 's', ['after']))).to.deep.equal(['after'])
  })

  it('rejects ready when the server refuses EXTERNAL, and closes the connection', async () => {
    bus.authAnswer = 'REJECTED EXTERNAL\r\n'
    const {connection, ready} = open()
    const error = await rejection(ready)
    expect(error.message).to.match(/refused/)
    expect(error.message).to.include('REJECTED EXTERNAL')
    expect(await rejection(connection.call(call('Echo')))).to.be.instanceOf(Error)
    await waitFor(() => bus.peers.length === 1 && bus.peers[0].socket.destroyed, 'the client to hang up')
    expect(bus.calls.filter((c) => c.member === 'Echo')).to.deep.equal([])
  })

  it('rejects pending calls when the server closes the socket, and later calls too', async () => {
    bus.onCall = (received, peer) => {
      if (received.member === 'Hang') peer.socket.end()
      else FakeBus.defaultScript(received, peer)
    }

    const {connection, ready} = open()
    await ready
    const waiting = connection.call(call('Never')) // never answered
    const hanging = connection.call(call('Hang'))
    const [first, second] = await Promise.all([rejection(waiting), rejection(hanging)])
    expect(first.message).to.match(/closed/)
    expect(second.message).to.match(/closed/)
    expect((await rejection(connection.call(call('Echo')))).message).to.match(/closed/)
  })

  it('parses the auth answer and replies arriving one byte per write', async () => {
    bus.dribble = true
    const {connection, ready} = open()
    const body = [
      [
        ['a', 'b'],
        ['ü', '✓'],
      ],
      {signature: 'as', value: ['x', 'y']},
      7n,
    ]
    const echoed = connection.call(call('Echo', 'a{ss}vt', body))
    await ready
    expect(await echoed).to.deep.equal(body)
    expect(await connection.call(call('Echo', 's', ['again']))).to.deep.equal(['again'])
  })

  it('gives each of two calls answered out of order its own body (both replies in one write)', async () => {
    const held: ReceivedCall[] = []
    bus.onCall = (received, peer) => {
      if (received.member !== 'First' && received.member !== 'Second') {
        FakeBus.defaultScript(received, peer)
        return
      }

      held.push(received)
      if (held.length < 2) return
      const [first, second] = held
      peer.send(
        Buffer.concat([
          reply(999, 's', ['for nobody']), // a reply to no pending call is ignored
          reply(second.serial, 's', ['second body']),
          signal('Changed', '', []),
          reply(first.serial, 'su', ['first body', 1]),
        ]),
      )
    }

    const {connection, ready} = open()
    await ready
    const [first, second] = await Promise.all([connection.call(call('First')), connection.call(call('Second'))])
    expect(first).to.deep.equal(['first body', 1])
    expect(second).to.deep.equal(['second body'])
  })

  it('rejects ready when the socket does not exist (ENOENT)', async () => {
    const {connection, ready} = BusConnection.open(join(dir, 'missing'), 0)
    connections.push(connection)
    const error = await rejection(ready)
    expect((error as NodeJS.ErrnoException).code).to.equal('ENOENT')
    expect(await rejection(connection.call(call('Echo')))).to.be.instanceOf(Error)
  })

  it('tears the connection down on a malformed message from the server', async () => {
    bus.onCall = (received, peer) => {
      if (received.member === 'Garbage')
        peer.send(Buffer.alloc(16, 0x7a)) // not 'l' or 'B'
      else FakeBus.defaultScript(received, peer)
    }

    const {connection, ready} = open()
    await ready
    expect((await rejection(connection.call(call('Garbage')))).message).to.match(/not a D-Bus message/)
    await waitFor(() => bus.peers[0].socket.destroyed, 'the client to hang up')
  })

  describe('keeping the process alive', () => {
    const CHILD = `
      const {BusConnection} = await import('./src/vault/secret-service/bus-connection.ts')
      const {connection, ready} = BusConnection.open(process.env.BUS_PATH, 0)
      await ready
      const body = await connection.call({destination: 'x.y', interface: 'x.y', member: process.env.MEMBER, path: '/x', signature: 's', body: ['hi']})
      process.stdout.write(JSON.stringify(body))
    `

    function runChild(member: string) {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
        cwd: ROOT,
        env: {...process.env, BUS_PATH: socketPath, MEMBER: member},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      children.push(child)
      let stdout = ''
      let stderr = ''
      child.stdout!.on('data', (chunk) => {
        stdout += chunk
      })
      child.stderr!.on('data', (chunk) => {
        stderr += chunk
      })
      const exit = new Promise<null | number>((resolve) => {
        child.on('exit', (code) => resolve(code))
      })
      return {child, exit, output: () => ({stderr, stdout})}
    }

    it('lets the process exit once no call is pending, without close()', async () => {
      const {exit, output} = runChild('Echo')
      let timer: NodeJS.Timeout | undefined
      const code = await Promise.race([
        exit,
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve('still running after 15 s'), 15_000)
        }),
      ])
      clearTimeout(timer)
      expect(code, output().stderr).to.equal(0)
      expect(output().stdout).to.equal('["hi"]')
    })

    it('keeps the process alive while a call is pending', async () => {
      const {child, output} = runChild('NeverAnswered')
      await waitFor(() => bus.calls.some((c) => c.member === 'NeverAnswered'), 'the child to make its call', 15_000)
      await new Promise((resolve) => {
        setTimeout(resolve, 1000)
      })
      expect(child.exitCode, output().stderr).to.equal(null)
    })
  })
})
