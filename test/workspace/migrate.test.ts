import {expect} from 'chai'

import {migrate, NewerVersionError} from '../../src/workspace/migrate.js'
import {ShapeError, validateWorkspace} from '../../src/workspace/validate.js'
import {thrown} from '../helpers/errors.js'
import {VERSION_1} from './fixtures.js'

describe('workspace/migrate', () => {
  it('lifts version 1 to 2: random stable ids, parents by id, profile default, inactive, no default region', () => {
    const migrated = validateWorkspace(migrate(structuredClone(VERSION_1)))
    expect(migrated.version).to.equal(2)
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

  it('leaves a current file as it is', () => {
    const current = {defaultRegion: 'eu-west-1', sessions: [], version: 2}
    expect(migrate(structuredClone(current))).to.deep.equal(current)
  })

  it('refuses a version-1 chained session whose parent does not exist, naming the key', () => {
    const v1 = structuredClone(VERSION_1)
    v1.sessions[2].parent = 'nobody'
    expect(thrown<ShapeError>(() => migrate(v1)).key).to.equal('sessions[2].parent')
  })

  for (const version of [undefined, 0, 1.5, '2']) {
    it(`refuses version ${JSON.stringify(version)}, naming version`, () => {
      expect(thrown<ShapeError>(() => migrate({sessions: [], version})).key).to.equal('version')
    })
  }

  it('a newer version is its own error (never treated as damage)', () => {
    expect(thrown(() => migrate({sessions: [], version: 3}))).to.be.instanceOf(NewerVersionError)
  })
})
