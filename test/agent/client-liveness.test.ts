import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AgentHungError, requestAgent} from '../../src/agent/client.js'
import {type AgentPaths, agentPaths} from '../../src/agent/paths.js'
import {encode, okAnswer, parseRequest} from '../../src/agent/protocol.js'
import {ensureSocketDir} from '../../src/agent/socket-dir.js'

/**
 * A client waiting for an answer pings the agent on the same connection: a slow answer from an agent that answers
 * pings is waited for; an agent that accepts the request and answers nothing (stopped, wedged) is given up on.
 */
describe('agent/client: an agent that answers nothing is given up on, a slow one is waited for', function () {
  this.timeout(20_000)
  const liveness = {pingEveryMs: 50, pingTimeoutMs: 200}
  let tmp: string
  let paths: AgentPaths
  let server: Server
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()

  /** a fake agent: answers pings when `pings`, and `credentials` after answerAfterMs (never when null) */
  const listen = async (options: {answerAfterMs: null | number; pings: boolean}) => {
    server = createServer((socket) => {
      sockets.add(socket)
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => {
        for (const line of chunk.split('\n').filter(Boolean)) {
          const parsed = parseRequest(line)
          if (!parsed.ok) continue
          const {request} = parsed
          if (request.op === 'ping' && options.pings) socket.write(encode(okAnswer(request.id, {pid: 1})))
          if (request.op === 'credentials' && options.answerAfterMs !== null) {
            const timer = setTimeout(
              () => socket.write(encode(okAnswer(request.id, {late: true}))),
              options.answerAfterMs,
            )
            timers.add(timer)
          }
        }
      })
    })
    await new Promise<void>((resolve) => {
      server.listen(paths.socket, resolve)
    })
  }

  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-liveness-'))
    paths = agentPaths(tmp)
    await ensureSocketDir(paths.runDir)
  })

  afterEach(async () => {
    for (const timer of timers) clearTimeout(timer)
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
    })
    rmSync(tmp, {force: true, recursive: true})
  })

  it('no answer and no ping answered: AgentHungError', async () => {
    await listen({answerAfterMs: null, pings: false})
    const error = await requestAgent(paths, 'credentials', {liveness}).then(
      () => null,
      (error_: unknown) => error_,
    )
    expect(error).to.be.instanceOf(AgentHungError)
  })

  it('an answer slower than the ping timeout from an agent that answers pings: the answer', async () => {
    await listen({answerAfterMs: 1000, pings: true})
    const answer = await requestAgent(paths, 'credentials', {liveness})
    expect(answer).to.deep.include({ok: true, result: {late: true}})
  })
})
