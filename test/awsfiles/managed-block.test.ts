import {expect} from 'chai'

import {
  AwsProfileSection,
  BLOCK_BEGIN,
  BLOCK_END,
  editManagedBlock,
  userProfiles,
} from '../../src/awsfiles/managed-block.js'
import {ConfigError} from '../../src/lib/errors.js'

const FILE = '/home/u/.aws/config'
const p = (name: string, region = 'us-east-1'): AwsProfileSection => ({
  name,
  settings: [
    ['credential_process', `"/usr/bin/node" "/opt/terrace/bin/run.js" credential-process --profile ${name}`],
    ['region', region],
  ],
})
const block = (...lines: string[]) => [BLOCK_BEGIN, ...lines, BLOCK_END].join('\n')
const sectionLines = (name: string, region = 'us-east-1') => [
  `[profile ${name}]`,
  `credential_process = "/usr/bin/node" "/opt/terrace/bin/run.js" credential-process --profile ${name}`,
  `region = ${region}`,
]

const USER =
  '# my settings\n[default]\nregion = eu-west-1\n\n; a comment\n[profile mine]\nrole_arn = arn:aws:iam::1:role/x   \nsource_profile = default\n'

describe('awsfiles: managed block editor', () => {
  const cases: Array<{edit: Parameters<typeof editManagedBlock>[1]; expected: string; name: string; text: string}> = [
    {
      edit: {set: [p('a')]},
      expected: `${block(...sectionLines('a'))}\n`,
      name: 'empty file: block with a final newline',
      text: '',
    },
    {
      edit: {set: [p('b'), p('a')]},
      expected: `${USER}${block(...sectionLines('a'), '', ...sectionLines('b'))}\n`,
      name: 'user profiles and comments: appended after them, sorted, profiles separated by a blank line',
      text: USER,
    },
    {
      edit: {set: [p('a')]},
      expected: `[default]\nregion = x\n${block(...sectionLines('a'))}`,
      name: 'no final newline: one is added before the block and none after it',
      text: '[default]\nregion = x',
    },
    {
      edit: {set: [p('a')]},
      expected: `[default]\r\nregion = x\r\n${block(...sectionLines('a')).replaceAll('\n', '\r\n')}\r\n`,
      name: 'CRLF file stays CRLF',
      text: '[default]\r\nregion = x\r\n',
    },
    {
      edit: {set: [p('a', 'eu-west-1')]},
      expected: `${USER}${block(...sectionLines('a', 'eu-west-1'), '', ...sectionLines('b'))}\n[profile after]\nregion = x\n`,
      name: 'existing block updated in place, its other profiles and the text after it kept',
      text: `${USER}${block(...sectionLines('a'), '', ...sectionLines('b'))}\n[profile after]\nregion = x\n`,
    },
    {
      edit: {remove: ['a']},
      expected: `${USER}${block(...sectionLines('b'))}\n`,
      name: 'remove one profile',
      text: `${USER}${block(...sectionLines('a'), '', ...sectionLines('b'))}\n`,
    },
    {
      edit: {remove: ['a', 'b']},
      expected: USER,
      name: 'remove every profile: the block goes and the original bytes come back',
      text: `${USER}${block(...sectionLines('a'), '', ...sectionLines('b'))}\n`,
    },
    {
      edit: {remove: 'all'},
      expected: '[default]\nregion = x',
      name: 'remove all from a block appended to a file without final newline restores it exactly',
      text: `[default]\nregion = x\n${block(...sectionLines('a'))}`,
    },
    {
      edit: {remove: 'all'},
      expected: '[a]\r\n\r\n[b]\r\n',
      name: 'remove all in the middle of a CRLF file',
      text: `[a]\r\n${block(...sectionLines('x')).replaceAll('\n', '\r\n')}\r\n\r\n[b]\r\n`,
    },
    {edit: {remove: ['zz']}, expected: USER, name: 'removing from a file without a block changes nothing', text: USER},
  ]
  for (const c of cases) {
    it(c.name, () => {
      const result = editManagedBlock(c.text, c.edit, FILE)
      expect(result.text).to.equal(c.expected)
    })
  }

  it('adding then removing restores every case byte for byte', () => {
    for (const text of ['', USER, '[default]\nregion = x', '[default]\r\nregion = x\r\n', 'x\n\n\n']) {
      const added = editManagedBlock(text, {set: [p('a'), p('b')]}, FILE).text
      expect(added.startsWith(text), JSON.stringify(text)).to.equal(true)
      expect(editManagedBlock(added, {remove: 'all'}, FILE).text, JSON.stringify(text)).to.equal(text)
    }
  })

  it('a second identical edit reports every profile unchanged and returns the same bytes', () => {
    const first = editManagedBlock(USER, {set: [p('a'), p('b')]}, FILE)
    expect(first.changed).to.deep.equal(['a', 'b'])
    const second = editManagedBlock(first.text, {set: [p('a'), p('b')]}, FILE)
    expect(second).to.deep.equal({changed: [], clashes: [], removed: [], text: first.text, unchanged: ['a', 'b']})
    const crlf = editManagedBlock('[x]\r\n', {set: [p('a')]}, FILE).text
    expect(editManagedBlock(crlf, {set: [p('a')]}, FILE).text).to.equal(crlf)
  })

  for (const [name, text] of [
    ['mine', USER],
    ['default', USER],
    ['spaced', '[ profile   spaced ]\nregion = x\n'],
    ['after', `${block(...sectionLines('after'))}\n[profile after]\nregion = x\n`],
  ] as const) {
    it(`does not overwrite the user's profile "${name}": skipped, named with its file and line; the other written`, () => {
      const result = editManagedBlock(text, {set: [p('ok'), p(name)]}, FILE)
      expect(result.clashes).to.have.length(1)
      expect(result.clashes[0].name).to.equal(name)
      expect(result.clashes[0].where).to.match(new RegExp(`^${FILE}:\\d+$`))
      expect(result.changed).to.deep.equal(['ok'])
      expect(result.unchanged).to.deep.equal([])
      if (name === 'after') expect(result.text.endsWith(`${BLOCK_END}\n[profile after]\nregion = x\n`)).to.equal(true)
      else expect(result.text.startsWith(text), 'the user text is kept').to.equal(true)
      const blockText = result.text.slice(result.text.indexOf(BLOCK_BEGIN), result.text.indexOf(BLOCK_END))
      expect(blockText).to.include('[profile ok]')
      if (name !== 'after') {
        const ownSection = name === 'default' ? '[default]' : `[profile ${name}]`
        expect(blockText, 'not written into the block').to.not.include(ownSection)
      }
    })
  }

  it('sections that are not profiles (sso-session, services) do not clash', () => {
    const text = '[sso-session a]\nsso_region = x\n[services a]\n'
    expect(editManagedBlock(text, {set: [p('a')]}, FILE).changed).to.deep.equal(['a'])
  })

  it('lists user profiles outside the block only, with 1-based lines', () => {
    const text = `[default]\n${block(...sectionLines('a'))}\n[profile u]\n`
    expect([...userProfiles(text, FILE)]).to.deep.equal([
      ['default', 1],
      ['u', 7],
    ])
  })

  for (const [name, text] of [
    ['begin without end', `${BLOCK_BEGIN}\n[profile a]\n`],
    ['end without begin', `[profile a]\n${BLOCK_END}\n`],
    ['two blocks', `${block()}\n${block()}\n`],
    ['end before begin', `${BLOCK_END}\n${BLOCK_BEGIN}\n`],
  ]) {
    it(`a broken block (${name}) is a ConfigError naming the file`, () => {
      expect(() => editManagedBlock(text, {set: [p('a')]}, FILE))
        .to.throw(ConfigError)
        .with.property('message')
        .that.includes(FILE)
    })
  }
})
