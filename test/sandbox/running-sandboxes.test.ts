import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {
  exportLines,
  locateSandbox,
  probeSandbox,
  readSandboxRecords,
  sandboxBanner,
  writeSandboxRecord,
} from '../../src/sandbox/index.js'
import {startTestSandbox, type TestSandbox} from '../helpers/sandbox.js'

/** An HTTP server that is no sandbox (it answers 404 to everything), on a free port. */
async function notASandbox(): Promise<Server> {
  const server = createServer((_request, response) => response.writeHead(404).end('{}'))
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  return server
}

const portOf = (server: Server) => (server.address() as {port: number}).port

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''])
  await new Promise((resolve) => {
    child.on('exit', resolve)
  })
  return child.pid!
}

describe('running sandboxes: the records and GET /_sandbox/env behind terrace sandbox env', () => {
  let dir: string
  let one: TestSandbox
  let two: TestSandbox
  let other: Server
  const record = (sb: TestSandbox, pid = process.pid) =>
    writeSandboxRecord(dir, {pid, port: sb.sandbox.port, startedAt: new Date().toISOString(), url: sb.url})

  before(async () => {
    one = await startTestSandbox({region: 'eu-west-1'})
    two = await startTestSandbox()
    other = await notASandbox()
  })

  after(async () => {
    await one.stop()
    await two.stop()
    await new Promise((resolve) => {
      other.close(resolve)
    })
  })

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-sandboxes-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('GET /_sandbox/env answers the variables of the banner (AWS_ENDPOINT_URL_DYNAMODB among them), with the configured region', async () => {
    const running = await probeSandbox(one.sandbox.port)
    expect(running).to.deep.equal({env: one.sandbox.exportVariables(), port: one.sandbox.port, url: one.url})
    expect(running?.env.AWS_REGION).to.equal('eu-west-1')
    expect(running?.env.AWS_ENDPOINT_URL_DYNAMODB).to.equal(one.url)
    const banner = sandboxBanner(one.sandbox, false).split('\n')
    expect(banner.filter((line) => line.startsWith('export '))).to.deep.equal(exportLines(running!.env))
  })

  it('a port where nothing listens, or where a program that is no sandbox answers, is no sandbox', async () => {
    expect(await probeSandbox(portOf(other))).to.equal(undefined)
    const closed = await notASandbox()
    const free = portOf(closed)
    await new Promise((resolve) => {
      closed.close(resolve)
    })
    expect(await probeSandbox(free)).to.equal(undefined)
  })

  it('finds the one recorded sandbox that answers; the default port is probed too', async () => {
    record(one)
    expect(await locateSandbox({defaultPort: portOf(other), dir})).to.deep.equal({
      kind: 'found',
      sandbox: await probeSandbox(one.sandbox.port),
    })
    rmSync(join(dir, `${one.sandbox.port}.json`))
    const byDefault = await locateSandbox({defaultPort: two.sandbox.port, dir})
    expect(byDefault.kind === 'found' && byDefault.sandbox.port).to.equal(two.sandbox.port)
  })

  it('several running sandboxes: names their ports; --port picks one', async () => {
    record(one)
    record(two)
    const several = await locateSandbox({defaultPort: portOf(other), dir})
    expect(several).to.deep.equal({
      kind: 'several',
      ports: [one.sandbox.port, two.sandbox.port].sort((a, b) => a - b),
    })
    const picked = await locateSandbox({defaultPort: portOf(other), dir, port: two.sandbox.port})
    expect(picked.kind === 'found' && picked.sandbox.url).to.equal(two.url)
  })

  it('none running: says which ports it tried; the record of a sandbox whose process is gone is removed', async () => {
    record(one, await deadPid())
    writeFileSync(join(dir, '1234.json'), 'not json')
    expect(readSandboxRecords(dir)).to.have.length(1)
    expect(await locateSandbox({defaultPort: portOf(other), dir})).to.deep.equal({kind: 'none', ports: [portOf(other)]})
    expect(existsSync(join(dir, `${one.sandbox.port}.json`))).to.equal(false)
    expect(await locateSandbox({dir, port: portOf(other)})).to.deep.equal({kind: 'none', ports: [portOf(other)]})
    expect(await locateSandbox({defaultPort: portOf(other), dir: join(dir, 'missing')})).to.deep.equal({
      kind: 'none',
      ports: [portOf(other)],
    })
  })
})
