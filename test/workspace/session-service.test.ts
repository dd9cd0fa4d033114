import {expect} from 'chai'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SessionType} from '../../src/workspace/session.js'

import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {
  addSession,
  buildSession,
  defaultRegion,
  editSession,
  filterSessions,
  listSessions,
  removeSession,
  type SessionInput,
} from '../../src/workspace/session-service.js'
import {formatSessionTable} from '../../src/workspace/session-table.js'
import {readWorkspace, workspaceFiles, type WorkspaceStore} from '../../src/workspace/workspace-file.js'
import {rejection, thrown} from '../helpers/errors.js'
import {workspace} from './fixtures.js'

const SSO_INPUT: SessionInput = {
  accountId: '444444444444',
  name: 'prod',
  role: 'ReadOnly',
  ssoRegion: 'eu-west-1',
  startUrl: 'https://example.awsapps.com/start',
}
const CHAINED_INPUT: SessionInput = {name: 'hop', parent: 'ops', roleArn: 'arn:aws:iam::555555555555:role/Hop'}

describe('workspace/session-service', () => {
  describe('buildSession: every bad or missing flag is a usage error (exit 2) naming the flag', () => {
    const cases: Array<[SessionType, SessionInput, string]> = [
      ['aws-sso-role', {...SSO_INPUT, name: undefined}, 'Missing --name'],
      ['aws-sso-role', {...SSO_INPUT, startUrl: undefined}, 'Missing --start-url'],
      ['aws-sso-role', {...SSO_INPUT, ssoRegion: undefined}, 'Missing --sso-region'],
      ['aws-sso-role', {...SSO_INPUT, accountId: undefined}, 'Missing --account-id'],
      ['aws-sso-role', {...SSO_INPUT, role: undefined}, 'Missing --role'],
      ['aws-sso-role', {...SSO_INPUT, startUrl: 'http://example.awsapps.com/start'}, '--start-url "http'],
      ['aws-sso-role', {...SSO_INPUT, accountId: '1234'}, '--account-id "1234"'],
      ['aws-sso-role', {...SSO_INPUT, ssoRegion: 'EU'}, '--sso-region "EU"'],
      ['aws-sso-role', {...SSO_INPUT, name: 'two words'}, '--name "two words"'],
      ['aws-sso-role', {...SSO_INPUT, name: 'x'.repeat(65)}, '--name "xxx'],
      ['aws-sso-role', {...SSO_INPUT, profile: 'a b'}, '--profile "a b"'],
      ['aws-sso-role', {...SSO_INPUT, region: 'moon-1'}, '--region "moon-1"'],
      ['aws-iam-user', {mfaSerial: 'arn:aws:iam::1:mfa/x', name: 'u'}, '--mfa-serial'],
      ['aws-iam-role-chained', {...CHAINED_INPUT, parent: undefined}, 'Missing --parent'],
      ['aws-iam-role-chained', {...CHAINED_INPUT, roleArn: undefined}, 'Missing --role-arn'],
      ['aws-iam-role-chained', {...CHAINED_INPUT, roleArn: 'arn:aws:iam::555555555555:user/x'}, '--role-arn'],
      ['aws-iam-role-chained', {...CHAINED_INPUT, externalId: 'x'}, '--external-id "x"'],
      ['aws-iam-role-chained', {...CHAINED_INPUT, roleSessionName: 'a b'}, '--role-session-name "a b"'],
      ['aws-iam-user', {name: 'alice'}, 'A session named "alice" already exists'],
      ['aws-sso-role', {name: 'x'}, 'Missing --start-url, --sso-region, --account-id, --role'],
      ['aws-iam-role-chained', {}, 'Missing --name, --parent, --role-arn'],
    ]
    for (const [type, input, message] of cases) {
      it(`${type}: ${message}`, () => {
        const error = thrown<TerraceError>(() => buildSession(workspace(), type, input))
        expect(error).to.be.instanceOf(TerraceError)
        expect(error.exitCode).to.equal(ExitCode.Usage)
        expect(error.message).to.contain(message)
      })
    }

    it('a parent that does not exist: exit 4 naming it', () => {
      const error = thrown<TerraceError>(() =>
        buildSession(workspace(), 'aws-iam-role-chained', {...CHAINED_INPUT, parent: 'nobody'}),
      )
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.contain('"nobody"')
    })

    it('builds each type with defaults: profile default, no region, inactive; a parent by name or id', () => {
      const sso = buildSession(workspace(), 'aws-sso-role', SSO_INPUT)
      expect(sso).to.include({accountName: null, profile: 'default', region: null, startedAt: null, status: 'inactive'})
      expect(sso.id).to.match(/^[\da-f-]{36}$/)
      const user = buildSession(workspace(), 'aws-iam-user', {name: 'bob', profile: 'bob', region: 'us-west-2'})
      expect(user).to.include({mfaSerial: null, profile: 'bob', region: 'us-west-2', type: 'aws-iam-user'})
      const ops = workspace().sessions[2]
      for (const parent of ['ops', ops.id]) {
        const hop = buildSession(workspace(), 'aws-iam-role-chained', {...CHAINED_INPUT, parent})
        expect(hop).to.include({parentId: ops.id})
      }
    })
  })

  describe('with a workspace on disk', () => {
    let root: string
    let store: WorkspaceStore

    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'terrace-sessions-'))
      store = {files: workspaceFiles(root), warn() {}}
      await addSession(store, 'aws-sso-role', SSO_INPUT)
      await addSession(store, 'aws-iam-user', {name: 'alice', profile: 'work'})
      await addSession(store, 'aws-iam-role-chained', {...CHAINED_INPUT, name: 'ops', parent: 'alice'})
      await addSession(store, 'aws-iam-role-chained', {...CHAINED_INPUT, name: 'deep', parent: 'ops'})
    })

    afterEach(() => rm(root, {force: true, recursive: true}))

    const names = async () => (await readWorkspace(store)).sessions.map((s) => s.name)

    it('edit renames (id and children kept), and changes region and profile', async () => {
      const before = await readWorkspace(store)
      const edited = await editSession(store, 'alice', {name: 'alice2', profile: 'p2', region: 'ap-south-1'})
      expect(edited).to.include({id: before.sessions[1].id, name: 'alice2', profile: 'p2', region: 'ap-south-1'})
      expect((await readWorkspace(store)).sessions[2]).to.include({parentId: edited.id})
    })

    const editFailures: Array<[string, () => Promise<unknown>, number, string]> = [
      ['nothing to change', () => editSession(store, 'alice', {}), 2, 'Nothing to change'],
      ['a taken name', () => editSession(store, 'alice', {name: 'prod'}), 2, 'already exists'],
      ['a bad region', () => editSession(store, 'alice', {region: 'x'}), 2, '--region'],
      ['an unknown session', () => editSession(store, 'nobody', {region: 'eu-west-1'}), 4, '"nobody"'],
    ]
    for (const [what, edit, code, message] of editFailures) {
      it(`edit refuses ${what} (exit ${code})`, async () => {
        const error = await rejection<TerraceError>(edit())
        expect(error.exitCode).to.equal(code)
        expect(error.message).to.contain(message)
      })
    }

    it('remove refuses a parent with chained children (exit 2 naming them), and --with-children removes them all', async () => {
      const error = await rejection<TerraceError>(removeSession(store, 'alice'))
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.contain('ops, deep')
      expect(await names()).to.deep.equal(['prod', 'alice', 'ops', 'deep'])
      const removed = await removeSession(store, 'alice', {withChildren: true})
      expect(removed.map((s) => s.name)).to.deep.equal(['alice', 'ops', 'deep'])
      expect(await names()).to.deep.equal(['prod'])
    })

    it('remove takes a leaf as it is', async () => {
      await removeSession(store, 'deep')
      expect(await names()).to.deep.equal(['prod', 'alice', 'ops'])
    })

    it('default region: none, then set, then shown; a bad one refused (exit 2)', async () => {
      expect(await defaultRegion(store)).to.equal(null)
      expect(await defaultRegion(store, 'eu-central-1')).to.equal('eu-central-1')
      expect(await defaultRegion(store)).to.equal('eu-central-1')
      expect((await rejection<TerraceError>(defaultRegion(store, 'Frankfurt'))).exitCode).to.equal(2)
    })

    it('list filters by type (short or full), status and text (any field, ignoring case)', async () => {
      const w = await readWorkspace(store)
      const by = (filter: Parameters<typeof filterSessions>[1]) => filterSessions(w, filter).map((s) => s.name)
      expect(by({})).to.deep.equal(['prod', 'alice', 'ops', 'deep'])
      expect(by({type: 'chained'})).to.deep.equal(['ops', 'deep'])
      expect(by({type: 'aws-sso-role'})).to.deep.equal(['prod'])
      expect(by({status: 'active'})).to.deep.equal([])
      expect(by({status: 'inactive', type: 'iam-user'})).to.deep.equal(['alice'])
      expect(by({text: 'READONLY'})).to.deep.equal(['prod'])
      expect(by({text: '555555555555'})).to.deep.equal(['ops', 'deep'])
      expect(by({text: 'work'})).to.deep.equal(['alice'])
      expect(thrown<TerraceError>(() => by({type: 'sso'})).exitCode).to.equal(2)
      expect(thrown<TerraceError>(() => by({status: 'running'})).exitCode).to.equal(2)
      expect((await listSessions(store, {type: 'iam-user'})).sessions).to.have.length(1)
    })
  })

  it('the table: a header and aligned columns; the workspace default region where a session has none', () => {
    const table = formatSessionTable(
      workspace().sessions.map((x) => ({...x, expiresAt: null, renewal: null})),
      'eu-central-1',
      Date.now(),
    ).split('\n')
    expect(table[0]).to.match(/^NAME +TYPE +ACCOUNT +ROLE +PROFILE +REGION +STATUS +EXPIRES$/)
    expect(table[1]).to.match(
      /^shared-admin +sso-role +shared \(111111111111\) +Administrator +default +eu-west-1 +inactive +-$/,
    )
    expect(table[2]).to.match(/^alice +iam-user +222222222222 +- +work +eu-central-1 +inactive +-$/)
    expect(table[3]).to.match(/^ops +chained +333333333333 +DevOps +ops +us-east-2 +inactive +-$/)
    const column = table[0].indexOf('ROLE')
    for (const line of table.slice(1, 4)) expect(line[column - 1]).to.equal(' ')
  })
})
