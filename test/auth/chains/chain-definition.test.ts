import {expect} from 'chai'

import {
  type ChainDefinition,
  parseChainsFile,
  parseRoleArn,
  parseSourceFlag,
  renderChainsFile,
  sessionNameFor,
} from '../../../src/auth/chains/chain-definition.js'
import {TerraceError} from '../../../src/lib/errors.js'

const exitOf = (fn: () => unknown): number | undefined => {
  try {
    fn()
  } catch (error) {
    return error instanceof TerraceError ? error.exitCode : -1
  }

  return undefined
}

const DEF: ChainDefinition = {
  hops: [
    parseRoleArn('arn:aws:iam::333333333333:role/DevOps'),
    parseRoleArn('arn:aws:iam::444444444444:role/ops/Admin'),
  ],
  mfaOnFirstHop: false,
  sessionName: null,
  source: {kind: 'iam-user', project: 'bb', userType: 'security'},
}

describe('auth/chains: chain definitions', () => {
  it('parses role ARNs (paths allowed) and rejects anything else with exit 4', () => {
    expect(parseRoleArn('arn:aws:iam::333333333333:role/DevOps')).to.deep.equal({
      accountId: '333333333333',
      role: 'DevOps',
      roleArn: 'arn:aws:iam::333333333333:role/DevOps',
    })
    expect(parseRoleArn('arn:aws:iam::444444444444:role/team/ops/Admin+1').role).to.equal('Admin+1')
    for (const bad of [
      'arn:aws:iam::3333:role/DevOps',
      'arn:aws:iam::333333333333:user/alice',
      'arn:aws:sts::333333333333:assumed-role/DevOps/x',
      'arn:aws:iam::333333333333:role/',
      'DevOps',
      '',
    ])
      expect(
        exitOf(() => parseRoleArn(bad)),
        bad,
      ).to.equal(4)
  })

  it('reads --source: an IAM user type or sso:<account>/<role>; exit 2 otherwise', () => {
    expect(parseSourceFlag('security')).to.deep.equal({kind: 'iam-user', userType: 'security'})
    expect(parseSourceFlag('bootstrap')).to.deep.equal({kind: 'iam-user', userType: 'bootstrap'})
    expect(parseSourceFlag('sso:apps-devstg/DevOps')).to.deep.equal({
      account: 'apps-devstg',
      kind: 'sso',
      role: 'DevOps',
    })
    expect(parseSourceFlag('sso:111111111111/Administrator')).to.deep.equal({
      account: '111111111111',
      kind: 'sso',
      role: 'Administrator',
    })
    for (const bad of ['admin', 'sso:', 'sso:x', 'sso:/DevOps', 'sso:x/', 'iam:security'])
      expect(
        exitOf(() => parseSourceFlag(bad)),
        bad,
      ).to.equal(2)
  })

  it('session name: --session-name, else terrace-<chain>', () => {
    expect(sessionNameFor('ops', {sessionName: null})).to.equal('terrace-ops')
    expect(sessionNameFor('ops', {sessionName: 'me@corp'})).to.equal('me@corp')
  })

  it('chains.json round-trips (versioned), and a bad file or chain is exit 4 naming it', () => {
    const text = renderChainsFile({ops: DEF})
    expect(JSON.parse(text).version).to.equal(1)
    expect(parseChainsFile(text, 'chains.json')).to.deep.equal({ops: DEF})
    expect(exitOf(() => parseChainsFile('{', 'chains.json'))).to.equal(4)
    expect(exitOf(() => parseChainsFile('{"version":2,"chains":{}}', 'chains.json'))).to.equal(4)
    const broken = (patch: object) => JSON.stringify({chains: {ops: {...structuredClone(DEF), ...patch}}, version: 1})
    for (const patch of [
      {hops: []},
      {hops: [{roleArn: 'arn:aws:iam::1:role/x'}]},
      {source: {accountId: '1', kind: 'sso'}},
      {source: {kind: 'iam-user', project: 'bb', userType: 'root'}},
      {sessionName: 'a b'},
    ]) {
      let message = ''
      try {
        parseChainsFile(broken(patch), '/h/chains.json')
      } catch (error) {
        message = (error as Error).message
        expect((error as TerraceError).exitCode).to.equal(4)
      }

      expect(message, JSON.stringify(patch)).to.match(/^Chain "ops" in \/h\/chains.json is malformed/)
    }
  })
})
