import {expect} from 'chai'

import {sessionListArgs} from '../../src/workspace/list-fast-path.js'

describe('workspace/list-fast-path sessionListArgs', () => {
  const taken: Array<[string[], ReturnType<typeof sessionListArgs>]> = [
    [['session', 'list'], {filter: {}, json: false}],
    [['session', 'list', '--json'], {filter: {}, json: true}],
    [
      ['session', 'list', '--type', 'chained', '--status=active', '--filter', 'prod', '--json'],
      {filter: {status: 'active', text: 'prod', type: 'chained'}, json: true},
    ],
    [['session', 'list', '--filter=a=b'], {filter: {text: 'a=b'}, json: false}],
  ]
  for (const [argv, expected] of taken) {
    it(`takes ${argv.join(' ')}`, () => {
      expect(sessionListArgs(argv)).to.deep.equal(expected)
    })
  }

  const left: string[][] = [
    ['session', 'add'],
    ['session', 'list', '--help'],
    ['session', 'list', '-h'],
    ['session', 'list', '--debug'],
    ['session', 'list', '--json=true'],
    ['session', 'list', '--type'],
    ['session', 'list', '--type', '--json'],
    ['session', 'list', '--type', 'a', '--type', 'b'],
    ['session', 'list', '--unknown'],
    ['session', 'list', 'extra'],
    ['list', 'session'],
  ]
  for (const argv of left) {
    it(`leaves ${argv.join(' ')} to oclif`, () => {
      expect(sessionListArgs(argv)).to.equal(undefined)
    })
  }
})
