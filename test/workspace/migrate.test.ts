import {expect} from 'chai'

import {migrate, NewerVersionError} from '../../src/workspace/migrate.js'
import {ShapeError, validateWorkspace} from '../../src/workspace/validate.js'
import {thrown} from '../helpers/errors.js'
import {VERSION_1, VERSION_2, withoutVersion3Fields} from './fixtures.js'

describe('workspace/migrate', () => {
  it('lifts version 1 to 2 to 3: random stable ids, parents by id, profile default, inactive, no default region', () => {
    const migrated = validateWorkspace(migrate(structuredClone(VERSION_1)))
    expect(migrated.version).to.equal(3)
    expect(migrated.integrations).to.deep.equal([])
    for (const session of migrated.sessions) expect(session).to.include({mode: null, source: null})
    expect(migrated.defaultRegion).to.equal(null)
    const [admin, alice, ops, deep] = migrated.sessions
    expect(new Set(migrated.sessions.map((s) => s.id)).size).to.equal(4)
    expect(admin).to.include({
      name: 'admin',
      profile: 'default',
      region: 'eu-west-1',
      startedAt: null,
      status: 'inactive',
    })
    expect(alice).to.include({mfaSerial: 'arn:aws:iam::222222222222:mfa/alice', region: null})
    expect(ops).to.include({parentId: alice.id, type: 'aws-iam-role-chained'}).and.not.have.property('parent')
    expect(deep).to.include({parentId: ops.id})
  })

  it('lifts version 2 to 3: no integrations, every session unsourced, mode null unless started (then process)', () => {
    const migrated = validateWorkspace(migrate(structuredClone(VERSION_2)))
    expect(migrated.version).to.equal(3)
    expect(migrated.integrations).to.deep.equal([])
    expect(migrated.defaultRegion).to.equal('eu-central-1')
    expect(migrated.sessions.map((s) => [s.name, s.mode, s.source, s.status])).to.deep.equal([
      ['shared-admin', 'process', null, 'active'],
      ['alice', null, null, 'inactive'],
      ['ops', null, null, 'inactive'],
    ])
    const unchanged = migrated.sessions.map((session) => withoutVersion3Fields(session))
    expect(unchanged).to.deep.equal(VERSION_2.sessions)
  })

  it('lifts a version-2 session stopped after a start (startedAt kept) to mode process, not null', () => {
    const v2 = structuredClone(VERSION_2)
    Object.assign(v2.sessions[1], {startedAt: '2026-01-01T00:00:00.000Z', status: 'inactive'})
    const migrated = validateWorkspace(migrate(v2))
    expect(migrated.sessions.map((s) => [s.name, s.mode])).to.deep.equal([
      ['shared-admin', 'process'],
      ['alice', 'process'],
      ['ops', null],
    ])
  })

  it('refuses a version-2 file that already holds integrations (not a field of version 2), naming it', () => {
    const v2 = {...structuredClone(VERSION_2), integrations: []}
    expect(thrown<ShapeError>(() => migrate(v2)).key).to.equal('integrations')
  })

  it('leaves a current file as it is', () => {
    const current = {defaultRegion: 'eu-west-1', integrations: [], sessions: [], version: 3}
    expect(migrate(structuredClone(current))).to.deep.equal(current)
  })

  it('refuses a version-1 chained session whose parent does not exist, naming the key', () => {
    const v1 = structuredClone(VERSION_1)
    v1.sessions[2].parent = 'nobody'
    expect(thrown<ShapeError>(() => migrate(v1)).key).to.equal('sessions[2].parent')
  })

  for (const version of [undefined, 0, 1.5, '3']) {
    it(`refuses version ${JSON.stringify(version)}, naming version`, () => {
      expect(thrown<ShapeError>(() => migrate({sessions: [], version})).key).to.equal('version')
    })
  }

  it('a newer version is its own error (never treated as damage)', () => {
    expect(thrown(() => migrate({sessions: [], version: 4}))).to.be.instanceOf(NewerVersionError)
  })
})
