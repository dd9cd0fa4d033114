import {expect} from 'chai'

import {ShapeError, validateWorkspace} from '../../src/workspace/validate.js'
import {thrown} from '../helpers/errors.js'
import {workspace} from './fixtures.js'

/* eslint-disable @typescript-eslint/no-explicit-any -- cases damage the workspace freely */
type Change = (w: Record<string, any>) => void

describe('workspace/validate validateWorkspace', () => {
  it('accepts a workspace with each session type', () => {
    expect(validateWorkspace(workspace())).to.deep.equal(workspace())
  })

  it('accepts a workspace with no integrations and sessions of any mode', () => {
    const w = workspace() as Record<string, any>
    w.sessions.splice(3, 1)
    w.integrations = []
    w.sessions[1].mode = 'file'
    expect(validateWorkspace(w).sessions[1].mode).to.equal('file')
    // a stopped session keeps its mode; one being started the first time (pending) has none yet
    Object.assign(w.sessions[0], {mode: 'process', startedAt: '2026-01-02T03:04:05.000Z', status: 'inactive'})
    w.sessions[2].status = 'pending'
    expect(validateWorkspace(w).sessions.map((x) => [x.status, x.mode])).to.deep.equal([
      ['inactive', 'process'],
      ['inactive', 'file'],
      ['pending', null],
    ])
  })

  it('accepts optional fields left out and null', () => {
    const w = workspace() as Record<string, any>
    delete w.sessions[0].accountName
    delete w.sessions[1].mfaSerial
    delete w.sessions[2].externalId
    w.defaultRegion = null
    const valid = validateWorkspace(w)
    expect(valid.sessions[0]).to.have.property('accountName', null)
    expect(valid.sessions[1]).to.have.property('mfaSerial', null)
  })

  const cases: Array<[string, Change, string]> = [
    ['not an object', (w) => w.sessions.splice(0, 3, 'x'), 'sessions[0]'],
    [
      'sessions not a list',
      (w) => {
        w.sessions = {}
      },
      'sessions',
    ],
    [
      'a bad version',
      (w) => {
        w.version = 2
      },
      'version',
    ],
    [
      'an unknown top-level key',
      (w) => {
        w.secrets = []
      },
      'secrets',
    ],
    [
      'a bad default region',
      (w) => {
        w.defaultRegion = 'Europe'
      },
      'defaultRegion',
    ],
    [
      'an unknown type',
      (w) => {
        w.sessions[0].type = 'aws-magic'
      },
      'sessions[0].type',
    ],
    ['a missing id', (w) => delete w.sessions[0].id, 'sessions[0].id'],
    [
      'a name with a space',
      (w) => {
        w.sessions[1].name = 'a b'
      },
      'sessions[1].name',
    ],
    [
      'a name of 65 characters',
      (w) => {
        w.sessions[1].name = 'a'.repeat(65)
      },
      'sessions[1].name',
    ],
    [
      'a bad status',
      (w) => {
        w.sessions[0].status = 'running'
      },
      'sessions[0].status',
    ],
    [
      'a bad startedAt',
      (w) => {
        w.sessions[0].startedAt = 'yesterday'
      },
      'sessions[0].startedAt',
    ],
    [
      'a profile with a bracket',
      (w) => {
        w.sessions[0].profile = 'a]'
      },
      'sessions[0].profile',
    ],
    [
      'a region as a number',
      (w) => {
        w.sessions[0].region = 1
      },
      'sessions[0].region',
    ],
    [
      'an 11-digit account',
      (w) => {
        w.sessions[0].accountId = '11111111111'
      },
      'sessions[0].accountId',
    ],
    [
      'an http start URL',
      (w) => {
        w.sessions[0].startUrl = 'http://x.awsapps.com/start'
      },
      'sessions[0].startUrl',
    ],
    ['a missing role name', (w) => delete w.sessions[0].roleName, 'sessions[0].roleName'],
    [
      'a bad SSO region',
      (w) => {
        w.sessions[0].ssoRegion = 'x'
      },
      'sessions[0].ssoRegion',
    ],
    [
      'an MFA serial that is no ARN',
      (w) => {
        w.sessions[1].mfaSerial = '123'
      },
      'sessions[1].mfaSerial',
    ],
    [
      'a secret on a session',
      (w) => {
        w.sessions[1].secretAccessKey = 'x'
      },
      'sessions[1].secretAccessKey',
    ],
    [
      'a field of another type',
      (w) => {
        w.sessions[1].roleArn = CHAINED_ARN
      },
      'sessions[1].roleArn',
    ],
    [
      'a user ARN as role ARN',
      (w) => {
        w.sessions[2].roleArn = 'arn:aws:iam::333333333333:user/x'
      },
      'sessions[2].roleArn',
    ],
    [
      'a one-character role session name',
      (w) => {
        w.sessions[2].roleSessionName = 'x'
      },
      'sessions[2].roleSessionName',
    ],
    [
      'a missing parent',
      (w) => {
        w.sessions[2].parentId = 'ffffffff-0000'
      },
      'sessions[2].parentId',
    ],
    [
      'a chain back to itself',
      (w) => {
        w.sessions[2].parentId = w.sessions[2].id
      },
      'sessions[2].parentId',
    ],
    [
      'two sessions of one name',
      (w) => {
        w.sessions[2].name = w.sessions[0].name
      },
      'sessions[2].name',
    ],
    [
      'two sessions of one id',
      (w) => {
        w.sessions[0].id = w.sessions[1].id
      },
      'sessions[1].id',
    ],
    [
      'a bad mode',
      (w) => {
        w.sessions[3].mode = 'env'
      },
      'sessions[3].mode',
    ],
    ['a missing mode', (w) => delete w.sessions[0].mode, 'sessions[0].mode'],
    [
      'mode null on a stopped session that was started (stop keeps the mode)',
      (w) => {
        w.sessions[0].startedAt = '2026-01-02T03:04:05.000Z'
      },
      'sessions[0].mode',
    ],
    [
      'mode null on an active session',
      (w) => {
        w.sessions[1].status = 'active'
      },
      'sessions[1].mode',
    ],
    ['a missing source', (w) => delete w.sessions[0].source, 'sessions[0].source'],
    [
      'a source as a string',
      (w) => {
        w.sessions[0].source = 'corp'
      },
      'sessions[0].source',
    ],
    [
      'a source naming no integration',
      (w) => {
        w.sessions[3].source.integration = 'nobody'
      },
      'sessions[3].source.integration',
    ],
    [
      'a source without a key',
      (w) => {
        delete w.sessions[3].source.key
      },
      'sessions[3].source.key',
    ],
    [
      'an empty source key',
      (w) => {
        w.sessions[3].source.key = ''
      },
      'sessions[3].source.key',
    ],
    [
      'an unknown key in a source',
      (w) => {
        w.sessions[3].source.token = 'x'
      },
      'sessions[3].source.token',
    ],
    [
      'two sessions from one source key',
      (w) => {
        w.sessions[0].source = {...w.sessions[3].source}
      },
      'sessions[3].source',
    ],
    [
      'integrations not a list',
      (w) => {
        w.integrations = {}
      },
      'integrations',
    ],
    ['integrations missing', (w) => delete w.integrations, 'integrations'],
    [
      'an unknown integration type',
      (w) => {
        w.integrations[0].type = 'okta'
      },
      'integrations[0].type',
    ],
    [
      'an alias with a space',
      (w) => {
        w.integrations[0].alias = 'my corp'
      },
      'integrations[0].alias',
    ],
    [
      'two integrations of one alias',
      (w) => {
        w.integrations[1].alias = w.integrations[0].alias
      },
      'integrations[1].alias',
    ],
    [
      'an http start URL on an integration',
      (w) => {
        w.integrations[0].startUrl = 'http://corp.awsapps.com/start'
      },
      'integrations[0].startUrl',
    ],
    [
      'a bad integration region',
      (w) => {
        w.integrations[0].region = 'corp'
      },
      'integrations[0].region',
    ],
    [
      'a bad integration default region',
      (w) => {
        w.integrations[0].defaultRegion = 'x'
      },
      'integrations[0].defaultRegion',
    ],
    [
      'a secret on an integration',
      (w) => {
        w.integrations[0].accessToken = 'x'
      },
      'integrations[0].accessToken',
    ],
    [
      'a field of another integration type',
      (w) => {
        w.integrations[0].table = 'x'
      },
      'integrations[0].table',
    ],
    [
      'a bad table name',
      (w) => {
        w.integrations[1].table = 'a b'
      },
      'integrations[1].table',
    ],
    [
      'a source session that does not exist',
      (w) => {
        w.integrations[1].sourceSessionId = 'ffffffff-0000'
      },
      'integrations[1].sourceSessionId',
    ],
    [
      'a last sync without counts',
      (w) => {
        delete w.integrations[0].lastSync.counts
      },
      'integrations[0].lastSync.counts',
    ],
    [
      'a last sync with a negative count',
      (w) => {
        w.integrations[0].lastSync.counts.added = -1
      },
      'integrations[0].lastSync.counts.added',
    ],
    [
      'a last sync with a bad result',
      (w) => {
        w.integrations[0].lastSync.result = 'great'
      },
      'integrations[0].lastSync.result',
    ],
    [
      'a last sync with a bad date',
      (w) => {
        w.integrations[0].lastSync.at = 'now'
      },
      'integrations[0].lastSync.at',
    ],
  ]
  const CHAINED_ARN = 'arn:aws:iam::333333333333:role/DevOps'
  for (const [what, change, key] of cases) {
    it(`refuses ${what}, naming ${key}`, () => {
      const w = workspace() as Record<string, any>
      change(w)
      const error = thrown<ShapeError>(() => validateWorkspace(w))
      expect(error).to.be.instanceOf(ShapeError)
      expect(error.key).to.equal(key)
      expect(error.message).to.match(new RegExp(`^${key.replaceAll(/[[\].]/g, String.raw`\$&`)}: `))
    })
  }

  it('refuses a two-session loop of chained parents', () => {
    const w = workspace() as Record<string, any>
    w.sessions[1] = {
      ...w.sessions[2],
      id: '0a1b2c3d-0000-4000-8000-000000000009',
      name: 'loop',
      parentId: w.sessions[2].id,
    }
    w.sessions[2].parentId = w.sessions[1].id
    expect(thrown<ShapeError>(() => validateWorkspace(w)).message).to.contain('leads back to itself')
  })
})
