import {expect} from 'chai'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Workspace} from '../../src/workspace/session.js'

import {
  expiresIn,
  readSessionRecords,
  recordSessionExpiry,
  recordSessionRenewal,
  removeSessionRecords,
  sessionRecordDir,
} from '../../src/lib/session-records.js'
import {runSessionList} from '../../src/workspace/list-fast-path.js'
import {listSessions} from '../../src/workspace/session-service.js'
import {formatSessionTable} from '../../src/workspace/session-table.js'
import {updateWorkspace, workspaceFiles} from '../../src/workspace/workspace-file.js'
import {CHAINED, SSO, USER, workspace} from './fixtures.js'

const MINUTE = 60_000

describe('lib/session-records and the EXPIRES column of session list', () => {
  let home: string
  let dir: string

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'terrace-records-'))
    dir = sessionRecordDir(join(home, 'cache'))
  })

  afterEach(() => rmSync(home, {force: true, recursive: true}))

  it('expiresIn: relative time, "expired" once past, "-" when unknown', () => {
    const now = Date.parse('2026-01-01T00:00:00Z')
    expect(expiresIn(null, now)).to.equal('-')
    expect(expiresIn(now - 1, now)).to.equal('expired')
    expect(expiresIn(now, now)).to.equal('expired')
    expect(expiresIn(now + 30_000, now)).to.equal('in 30s')
    expect(expiresIn(now + 42 * MINUTE + 5000, now)).to.equal('in 42m')
    expect(expiresIn(now + 185 * MINUTE, now)).to.equal('in 3h 05m')
    expect(expiresIn(now + 50 * 60 * MINUTE, now)).to.equal('in 2d 2h')
  })

  it('records: written atomically (0600, folder 0700), rewritten only when changed, read back, removed', async () => {
    const at = Date.parse('2026-01-01T01:00:00Z')
    await recordSessionExpiry(dir, SSO.id, at)
    const file = join(dir, `${SSO.id}.expiry`)
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.deep.equal({expiresAt: '2026-01-01T01:00:00.000Z'})
    expect(statSync(file).mode.toString(8).slice(-3)).to.equal('600')
    expect(statSync(dir).mode.toString(8).slice(-3)).to.equal('700')
    const inode = statSync(file).ino
    await recordSessionExpiry(dir, SSO.id, at)
    expect(statSync(file).ino, 'the same expiry is not rewritten').to.equal(inode)
    await recordSessionExpiry(dir, SSO.id, at + MINUTE)
    expect(statSync(file).ino, 'a new expiry replaces the file (rename)').not.to.equal(inode)
    await recordSessionRenewal(dir, USER.id, 'an MFA code is needed', at)
    writeFileSync(join(dir, `${CHAINED.id}.expiry`), '{damaged')
    const records = readSessionRecords(dir, [SSO.id, USER.id, CHAINED.id, '../x'])
    expect(Object.fromEntries(records)).to.deep.equal({
      [SSO.id]: {expiresAt: at + MINUTE, renewal: null},
      [USER.id]: {expiresAt: null, renewal: 'an MFA code is needed'},
    })
    await recordSessionRenewal(dir, USER.id, null, at)
    expect(readSessionRecords(dir, [USER.id]).size).to.equal(0)
    removeSessionRecords(dir, SSO.id)
    expect(existsSync(file)).to.equal(false)
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).to.deep.equal([])
    // a folder that cannot be written: the record is skipped, never an error
    await recordSessionExpiry(join(file, 'not-a-folder'), SSO.id, at)
  })

  /** the fixture workspace with shared-admin active (expiring in 42 minutes) and alice active with no record */
  async function activeWorkspace(): Promise<{now: number}> {
    const w: Workspace = workspace()
    w.sessions = w.sessions.map((s) =>
      s.id === SSO.id || s.id === USER.id || s.id === CHAINED.id
        ? {...s, mode: s.id === USER.id ? 'file' : 'process', startedAt: '2026-01-01T00:00:00.000Z', status: 'active'}
        : s,
    )
    w.sessions = w.sessions.map((s) => (s.id === CHAINED.id ? {...s, status: 'inactive'} : s))
    await updateWorkspace({files: workspaceFiles(home), warn() {}}, () => ({result: undefined, workspace: w}))
    const now = Date.now()
    await recordSessionExpiry(dir, SSO.id, now + 42 * MINUTE + 30_000)
    await recordSessionExpiry(dir, USER.id, now - MINUTE)
    await recordSessionExpiry(dir, CHAINED.id, now + 10 * MINUTE) // stopped since: not shown
    await recordSessionRenewal(dir, USER.id, 'an MFA code is needed: run `terrace session rotate alice`', now)
    return {now}
  }

  it('listSessions: expiresAt (ISO) and renewal for active sessions only; the table shows them relative to now', async () => {
    const {now} = await activeWorkspace()
    const {defaultRegion, sessions} = await listSessions({files: workspaceFiles(home), warn() {}})
    const by = Object.fromEntries(sessions.map((s) => [s.name, s]))
    expect(by['shared-admin']).to.include({
      expiresAt: new Date(now + 42 * MINUTE + 30_000).toISOString(),
      renewal: null,
    })
    expect(by.alice.expiresAt).to.equal(new Date(now - MINUTE).toISOString())
    expect(by.alice.renewal).to.include('an MFA code is needed')
    expect(by.ops).to.include({expiresAt: null, renewal: null})
    const table = formatSessionTable(sessions, defaultRegion, now).split('\n')
    expect(table[1]).to.match(/^shared-admin +sso-role .* active +in 42m$/)
    expect(table[2]).to.match(/^alice +iam-user .* active \(file!\) \(not renewed!\) +expired$/)
    expect(table[3]).to.match(/^ops +chained .* inactive +-$/)
    expect(table).to.include(
      "(not renewed!) session alice: terrace's agent cannot renew its keys: an MFA code is needed: run `terrace session rotate alice`",
    )
  })

  it('the fast path prints the same: EXPIRES in the table, expiresAt and renewal in --json', async () => {
    await activeWorkspace()
    const run = async (json: boolean) => {
      const out: string[] = []
      const code = await runSessionList(
        {filter: {}, json},
        {
          env: {TERRACE_HOME: home},
          stderr() {},
          stdout(text) {
            out.push(text)
          },
        },
      )
      expect(code).to.equal(0)
      return out.join('')
    }

    const table = (await run(false)).split('\n')
    expect(table[0]).to.match(/ STATUS +EXPIRES$/)
    expect(table[1]).to.match(/ active +in 4[12]m$/)
    expect(table[2]).to.match(/ expired$/)
    const listed = JSON.parse(await run(true)).sessions as Array<{
      expiresAt: null | string
      name: string
      renewal: null | string
    }>
    expect(listed.map((s) => [s.name, s.expiresAt === null, s.renewal === null])).to.deep.equal([
      ['shared-admin', false, true],
      ['alice', false, false],
      ['ops', true, true],
      [listed[3].name, true, true],
    ])
  })
})
