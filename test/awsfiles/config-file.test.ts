import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {awsConfigFile} from '../../src/awsfiles/aws-file-paths.js'
import {editAwsConfigFile} from '../../src/awsfiles/config-file.js'
import {AwsProfileSection} from '../../src/awsfiles/managed-block.js'

const p = (name: string): AwsProfileSection => ({name, settings: [['region', 'us-east-1']]})
const USER = '# mine\r\n[profile mine]\r\nregion = eu-west-1\r\n'

describe('awsfiles: config file writer', () => {
  let dir: string

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'terrace-awsfiles-'))
  })

  afterEach(() => rmSync(dir, {force: true, recursive: true}))

  it('honours AWS_CONFIG_FILE, else ~/.aws/config under HOME', () => {
    expect(awsConfigFile({AWS_CONFIG_FILE: '/x/cfg', HOME: '/h'})).to.equal('/x/cfg')
    expect(awsConfigFile({AWS_CONFIG_FILE: '~/cfg', HOME: '/h'})).to.equal('/h/cfg')
    expect(awsConfigFile({HOME: '/h'})).to.equal('/h/.aws/config')
  })

  it('creates a missing file 0600 in a new 0700 directory, and leaves no temp or lock file', async () => {
    const file = join(dir, 'home', '.aws', 'config')
    const result = await editAwsConfigFile(file, {set: [p('a')]})
    expect(result).to.include({file, target: file, written: true})
    expect(statSync(file).mode % 0o1000).to.equal(0o600)
    expect(statSync(join(dir, 'home', '.aws')).mode % 0o1000).to.equal(0o700)
    expect(readdirSync(join(dir, 'home', '.aws'))).to.deep.equal(['config'])
  })

  it('keeps an existing file mode and the CRLF bytes outside the block; a second run writes nothing', async () => {
    const file = join(dir, 'config')
    writeFileSync(file, USER)
    chmodSync(file, 0o640)
    const first = await editAwsConfigFile(file, {set: [p('a'), p('b')]})
    expect(first.changed).to.deep.equal(['a', 'b'])
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith(USER)).to.equal(true)
    expect(text.replaceAll('\r\n', '')).to.not.include('\n')
    expect(statSync(file).mode % 0o1000).to.equal(0o640)
    const inode = statSync(file).ino
    const second = await editAwsConfigFile(file, {set: [p('a'), p('b')]})
    expect(second).to.include({written: false})
    expect(second.unchanged).to.deep.equal(['a', 'b'])
    expect(readFileSync(file, 'utf8')).to.equal(text)
    expect(statSync(file).ino, 'not even replaced').to.equal(inode)
  })

  it('keeps bytes outside the block byte-identical, invalid UTF-8 and CRLF included, before and after the block', async () => {
    const file = join(dir, 'config')
    const before = Buffer.concat([
      Buffer.from('# caf'),
      Buffer.from([0xe9, 0xff, 0xfe]), // latin-1 and bytes that are never UTF-8
      Buffer.from('\r\n[profile mine]\r\nregion = eu-west-1\r\n'),
    ])
    writeFileSync(file, before)
    await editAwsConfigFile(file, {set: [p('a')]})
    const after = Buffer.concat([
      Buffer.from('[profile late]\r\n# '),
      Buffer.from([0xc3, 0x28, 0x80]),
      Buffer.from('\r\n'),
    ])
    writeFileSync(file, Buffer.concat([readFileSync(file), after]))
    const accented = {name: 'b', settings: [['credential_process', '"/opt/josé/run.js" x']]} as AwsProfileSection
    await editAwsConfigFile(file, {set: [p('a'), accented]})
    const written = readFileSync(file)
    expect(written.subarray(0, before.length).equals(before), 'bytes before the block').to.equal(true)
    expect(written.subarray(written.length - after.length).equals(after), 'bytes after the block').to.equal(true)
    expect(written.includes(Buffer.from('credential_process = "/opt/josé/run.js" x\r\n', 'utf8'))).to.equal(true)
    await editAwsConfigFile(file, {remove: 'all'})
    expect(readFileSync(file).equals(Buffer.concat([before, after])), 'the block removed: the bytes are back').to.equal(
      true,
    )
  })

  it('writes through a symlink (relative, two hops) to its target and keeps the link', async () => {
    mkdirSync(join(dir, 'dotfiles'))
    const target = join(dir, 'dotfiles', 'aws-config')
    writeFileSync(target, USER)
    symlinkSync('dotfiles/aws-config', join(dir, 'hop'))
    const link = join(dir, 'config')
    symlinkSync('hop', link)
    const result = await editAwsConfigFile(link, {set: [p('a')]})
    expect(result.target).to.equal(resolve(target))
    expect(lstatSync(link).isSymbolicLink()).to.equal(true)
    expect(readlinkSync(link)).to.equal('hop')
    expect(readFileSync(target, 'utf8'))
      .to.include('[profile a]')
      .and.satisfy((t: string) => t.startsWith(USER))
  })

  it('a clash with a user profile skips that profile only: the others are written, the user bytes kept', async () => {
    const file = join(dir, 'config')
    writeFileSync(file, USER)
    chmodSync(file, 0o644)
    const result = await editAwsConfigFile(file, {set: [p('a'), p('mine')]})
    expect(result.clashes).to.deep.equal([{name: 'mine', where: `${file}:2`}])
    expect(result.changed).to.deep.equal(['a'])
    expect(result.written).to.equal(true)
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith(USER), 'the user part is byte-identical').to.equal(true)
    expect(text.match(/\[profile mine\]/g)).to.have.length(1)
    expect(text.slice(USER.length)).to.include('[profile a]\r\n').and.not.include('mine')
    expect(statSync(file).mode % 0o1000).to.equal(0o644)
    expect(readdirSync(dir)).to.deep.equal(['config'])
  })

  it('a run whose every profile clashes writes nothing at all', async () => {
    const file = join(dir, 'config')
    writeFileSync(file, USER)
    const before = statSync(file)
    const result = await editAwsConfigFile(file, {set: [p('mine')]})
    expect(result).to.include({written: false})
    expect(result.clashes.map((c) => c.name)).to.deep.equal(['mine'])
    expect(readFileSync(file, 'utf8')).to.equal(USER)
    expect(statSync(file).mtimeMs).to.equal(before.mtimeMs)
    expect(readdirSync(dir)).to.deep.equal(['config'])
  })

  it('removing from a missing file creates nothing', async () => {
    const file = join(dir, 'nothing', 'config')
    const result = await editAwsConfigFile(file, {remove: 'all'})
    expect(result.written).to.equal(false)
    expect(readdirSync(dir)).to.deep.equal([])
  })

  it('an append by another program while terrace edits is never lost nor moved (re-read before the rename)', async () => {
    const file = join(dir, 'config')
    writeFileSync(file, USER)
    const appends = 200
    const appender = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs'); const pause = new Int32Array(new SharedArrayBuffer(4))
        for (let i = 0; i < ${appends}; i++) { fs.appendFileSync(process.argv[1], '# append ' + i + '\\n'); Atomics.wait(pause, 0, 0, 1) }`,
        file,
      ],
      {stdio: ['ignore', 'ignore', 'inherit']},
    )
    const state = {running: true}
    const exited = new Promise<null | number>((done) => {
      appender.once('close', (code) => {
        state.running = false
        done(code)
      })
    })
    let edits = 0
    while (state.running) {
      await editAwsConfigFile(file, {set: [{name: 'a', settings: [['region', `r${edits++}`]]}]})
    }

    expect(await exited).to.equal(0)
    const text = readFileSync(file, 'utf8')
    const survived = text.split('\n').filter((line) => line.startsWith('# append '))
    expect(survived.length, `appends that survived ${edits} edits`).to.equal(appends)
    expect(survived.join(','), 'in the order they were appended').to.equal(
      Array.from({length: appends}, (_, i) => `# append ${i}`).join(','),
    )
    expect(text.startsWith(USER)).to.equal(true)
  })

  it('two processes writing at once both land (lock + atomic rename)', async () => {
    const file = join(dir, 'config')
    writeFileSync(file, USER)
    const writer = resolve('test/awsfiles/helpers/block-writer.ts')
    const run = (prefix: string) =>
      new Promise<null | number>((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', writer, file, prefix, '15'], {
          stdio: ['ignore', 'ignore', 'inherit'],
        })
        child.once('error', fail)
        child.once('close', done)
      })
    expect(await Promise.all([run('x'), run('y')])).to.deep.equal([0, 0])
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith(USER)).to.equal(true)
    for (const prefix of ['x', 'y']) {
      for (let i = 0; i < 15; i++) expect(text).to.include(`[profile ${prefix}-${i}]\r\n`)
    }

    expect(readdirSync(dir)).to.deep.equal(['config'])
  })
})
