import {expect} from 'chai'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {AgentLog} from '../../src/agent/log.js'

describe('agent/log: one line per event, rotated by size', () => {
  let tmp: string

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-agentlog-'))
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  it('writes time, event and facts, in a file only the user reads', () => {
    const file = join(tmp, 'logs', 'agent.log')
    new AgentLog(file, 1000, () => new Date('2026-01-02T03:04:05Z')).write('request', {
      op: 'status',
      skipped: undefined,
    })
    expect(readFileSync(file, 'utf8')).to.equal('2026-01-02T03:04:05.000Z request op="status"\n')
    expect(statSync(file).mode % 0o1000).to.equal(0o600)
  })

  it('past maxBytes the file becomes agent.log.1 (one old file kept) and a new one starts', () => {
    const file = join(tmp, 'agent.log')
    const log = new AgentLog(file, 200)
    for (let i = 0; i < 20; i++) log.write('request', {n: i})
    expect(statSync(file).size).to.be.at.most(200)
    expect(statSync(`${file}.1`).size).to.be.at.most(200)
    expect(existsSync(`${file}.2`)).to.equal(false)
    expect(readFileSync(file, 'utf8')).to.contain('n=19')
    // a new AgentLog on the same file counts what is already there
    const again = new AgentLog(file, 200)
    for (let i = 0; i < 5; i++) again.write('more')
    expect(statSync(file).size).to.be.at.most(200)
  })
})
