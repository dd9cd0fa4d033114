import {expect} from 'chai'

import type {AccountItem} from '../../../src/integrations/dynamodb/account-item.js'

import {readAccountItem} from '../../../src/integrations/dynamodb/account-item.js'
import {accountKey, chainSessions, hopKey} from '../../../src/integrations/dynamodb/chain-sessions.js'

const SOURCE = '0f0e0d0c-0000-4000-8000-000000000001'
const arn = (account: string, role = 'DevOps') => `arn:aws:iam::${account}:role/${role}`
const BASTION = arn('222222222222', 'Bastion')
const MIDDLE = arn('333333333333', 'Hop')

const item = (name: string, roles: string[], regions: string[] = ['eu-west-1']): AccountItem => ({
  description: null,
  id: null,
  name,
  regions,
  roles,
})

describe('dynamodb integration: table items → chained sessions', () => {
  it('a one-hop item is one chained session on the source session, keyed and named by the item', () => {
    expect(
      chainSessions([item('apps', [arn('555555555555')])], {alias: 'corp', sourceSessionId: SOURCE}),
    ).to.deep.equal([
      {
        fields: {
          externalId: null,
          parentId: SOURCE,
          roleArn: arn('555555555555'),
          roleSessionName: null,
          type: 'aws-iam-role-chained',
        },
        key: 'account:apps',
        name: 'corp.apps',
        region: 'eu-west-1',
      },
    ])
  })

  it('a three-hop item: hop 1 on the source session, hop 2 on hop 1, the item on hop 2 (parents first)', () => {
    const sessions = chainSessions([item('prod', [BASTION, MIDDLE, arn('666666666666')])], {
      alias: 'corp',
      sourceSessionId: SOURCE,
    })
    expect(sessions.map((s) => [s.key, s.parentKey ?? null, s.fields.roleArn, s.name])).to.deep.equal([
      [hopKey([BASTION]), null, BASTION, 'corp.hop1.Bastion-222222222222'],
      [hopKey([BASTION, MIDDLE]), hopKey([BASTION]), MIDDLE, 'corp.hop2.Hop-333333333333'],
      ['account:prod', hopKey([BASTION, MIDDLE]), arn('666666666666'), 'corp.prod'],
    ])
    expect(sessions.every((s) => s.fields.parentId === SOURCE)).to.equal(true)
    expect(sessions.map((s) => s.region)).to.deep.equal([null, null, 'eu-west-1'])
  })

  it('items through the same bastion roles share those hop sessions; a different path gets its own', () => {
    const other = arn('444444444444', 'Hop')
    const sessions = chainSessions(
      [
        item('a', [BASTION, MIDDLE, arn('555555555555')]),
        item('b', [BASTION, MIDDLE, arn('666666666666')]),
        item('c', [BASTION, other, arn('666666666666')]),
        item('d', [BASTION]),
      ],
      {alias: 'corp', sourceSessionId: SOURCE},
    )
    expect(sessions.map((s) => s.key)).to.deep.equal([
      hopKey([BASTION]),
      hopKey([BASTION, MIDDLE]),
      'account:a',
      'account:b',
      hopKey([BASTION, other]),
      'account:c',
      'account:d',
    ])
    // d's only role is the bastion: its own session, on the source (not the shared hop)
    expect(sessions.at(-1)).to.deep.include({key: 'account:d', region: 'eu-west-1'})
    expect(sessions.at(-1)!.parentKey).to.equal(undefined)
  })

  it('keys are stable: the same table gives the same sessions, whatever else it holds', () => {
    const a = item('a', [BASTION, MIDDLE, arn('555555555555')])
    const first = chainSessions([a], {alias: 'corp', sourceSessionId: SOURCE})
    const again = chainSessions([item('z', [arn('111111111111')]), a], {alias: 'corp', sourceSessionId: SOURCE})
    expect(again.filter((s) => s.key !== accountKey(item('z', [])))).to.deep.equal(first)
  })

  it('reads items as letme stores them (N id, L or SS lists) and names what cannot become a session', () => {
    expect(
      readAccountItem(
        {
          description: {S: 'd'},
          id: {N: '123456789012'},
          name: {S: 'example1'},
          region: {SS: ['eu-west-1']},
          role: {L: [{S: BASTION}, {S: arn('123456789012')}]},
        },
        1,
      ),
    ).to.deep.equal({
      item: {
        description: 'd',
        id: '123456789012',
        name: 'example1',
        regions: ['eu-west-1'],
        roles: [BASTION, arn('123456789012')],
      },
    })
    expect(readAccountItem({role: {L: [{S: BASTION}]}}, 7)).to.deep.equal({problem: 'item 7 has no name'})
    expect(readAccountItem({name: {S: 'x'}}, 1)).to.deep.equal({problem: 'item "x" has no role list'})
    expect(readAccountItem({name: {S: 'x'}, role: {L: [{S: 'arn:aws:iam::1:user/bob'}]}}, 1).problem).to.equal(
      'item "x": "arn:aws:iam::1:user/bob" is not a role ARN',
    )
    expect(readAccountItem({name: {S: 'x'}, region: {L: [{N: '1'}]}, role: {L: [{S: BASTION}]}}, 1)).to.deep.equal({
      item: {description: null, id: null, name: 'x', regions: [], roles: [BASTION]},
    })
  })
})
