import {expect} from 'chai'

import {closestCommand, editDistance, unknownCommandError} from '../../src/cli/did-you-mean.js'

const IDS = ['layer:info', 'chain:add', 'chain:list', 'terraform', 'tf', 'tofu', 'sso:login', 'login']
const TOPICS = ['layer', 'chain', 'sso']

describe('cli/did-you-mean', () => {
  it('measures edit distance', () => {
    expect(editDistance('lyer', 'layer')).to.equal(1)
    expect(editDistance('', 'abc')).to.equal(3)
    expect(editDistance('kitten', 'sitting')).to.equal(3)
  })

  it('suggests the command, not only its topic, for a typo in the topic', () => {
    expect(closestCommand(['lyer', 'info'], IDS, TOPICS)).to.equal('layer:info')
    expect(closestCommand(['lyer'], IDS, TOPICS)).to.equal('layer')
    expect(closestCommand(['chain', 'lst'], IDS, TOPICS)).to.equal('chain:list')
    expect(closestCommand(['logn'], IDS, TOPICS)).to.equal('login')
    expect(closestCommand(['chian', 'add', 'ops'], IDS, TOPICS)).to.equal('chain:add')
    expect(closestCommand(['sso', 'lgin'], IDS, TOPICS)).to.equal('sso:login')
    expect(closestCommand(['x'], [])).to.equal(undefined)
  })

  it('is a usage error (exit 2) naming what was typed and the closest command', () => {
    const error = unknownCommandError(['lyer', 'info', '--json'], IDS, TOPICS)
    expect(error).to.include({
      exitCode: 2,
      message: '"lyer info" is not a terrace command. Did you mean "terrace layer info"?',
    })
  })

  it('names an unknown option typed before a real command instead of calling the command unknown', () => {
    const error = unknownCommandError(['--bogus', 'tf', 'plan'], IDS, TOPICS)
    expect(error).to.include({
      exitCode: 2,
      message: 'unknown option --bogus before "tf": terrace\'s options come after the command',
    })
    expect(unknownCommandError(['--bogus', 'chain', 'list'], IDS, TOPICS).message).to.contain('before "chain list"')
    expect(unknownCommandError(['--bogus', 'chian'], IDS, TOPICS).message).to.contain(
      '"chian" is not a terrace command',
    )
  })

  it('after a topic typed exactly, looks only among its commands: the near miss, else the list of them', () => {
    const ids = [...IDS, 'session:start', 'session:stop', 'session:add:sso-role', 'session:add:chained', 'version']
    const topics = [...TOPICS, 'session', 'session:add']
    expect(unknownCommandError(['session', 'strat', 'x'], ids, topics)).to.include({
      exitCode: 2,
      message: '"session strat" is not a terrace command. Did you mean "terrace session start"?',
    })
    expect(unknownCommandError(['session', 'add', 'bogus'], ids, topics)).to.include({
      exitCode: 2,
      message: '"session add bogus" is not a terrace command: terrace session add has chained, sso-role.',
      suggestion: 'terrace session add --help lists them.',
    })
    expect(unknownCommandError(['session', 'add', 'sso-rol'], ids, topics).message).to.contain(
      'Did you mean "terrace session add sso-role"?',
    )
    expect(unknownCommandError(['chain', 'lst'], ids, topics).message).to.contain('Did you mean "terrace chain list"?')
  })

  it('names an argument a command does not take instead of calling the command unknown', () => {
    expect(unknownCommandError(['layer', 'info', 'extra'], IDS, TOPICS)).to.include({
      exitCode: 2,
      message: 'unexpected argument "extra" for "layer info"',
    })
  })
})
