import {expect} from 'chai'
import {spawn} from 'node:child_process'
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {addSession} from '../../src/workspace/session-service.js'
import {
  readWorkspace,
  renderWorkspace,
  updateWorkspace,
  workspaceFiles,
  type WorkspaceStore,
} from '../../src/workspace/workspace-file.js'
import {rejection} from '../helpers/errors.js'
import {VERSION_1, VERSION_2, workspace} from './fixtures.js'

describe('workspace/workspace-file', () => {
  let root: string
  let store: WorkspaceStore
  let warnings: string[]

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'terrace-workspace-'))
    warnings = []
    store = {files: workspaceFiles(join(root, 'home')), warn: (m) => warnings.push(m)}
  })

  afterEach(() => rm(root, {force: true, recursive: true}))

  const write = async (path: string, text: string) => {
    await updateWorkspace(store, (w) => ({result: null, workspace: w})) // creates the folder
    await writeFile(path, text)
  }

  it('no file: an empty workspace, nothing written by reading', async () => {
    expect(await readWorkspace(store)).to.deep.equal({defaultRegion: null, integrations: [], sessions: [], version: 3})
    await rejection(stat(store.files.file))
  })

  it('writes workspace.json with mode 0600 and keeps the previous good file as workspace.json.bak', async () => {
    await updateWorkspace(store, () => ({result: null, workspace: workspace()}))
    expect((await stat(store.files.file)).mode % 0o1000).to.equal(0o600)
    const first = await readFile(store.files.file, 'utf8')
    await updateWorkspace(store, (w) => ({result: null, workspace: {...w, defaultRegion: 'sa-east-1'}}))
    expect(await readFile(store.files.backup, 'utf8')).to.equal(first)
    expect((await stat(store.files.backup)).mode % 0o1000).to.equal(0o600)
    expect((await readWorkspace(store)).defaultRegion).to.equal('sa-east-1')
  })

  it('refuses to write an invalid workspace (the file stays as it was)', async () => {
    await updateWorkspace(store, () => ({result: null, workspace: workspace()}))
    const before = await readFile(store.files.file, 'utf8')
    const bad = workspace()
    bad.sessions[0].name = 'has space'
    await rejection(updateWorkspace(store, () => ({result: null, workspace: bad})))
    expect(await readFile(store.files.file, 'utf8')).to.equal(before)
  })

  it('reads a version-1 file migrated, and the next write stores version 3 (the version-1 bytes as the last good copy)', async () => {
    const v1 = JSON.stringify(VERSION_1)
    await write(store.files.file, v1)
    const read = await readWorkspace(store)
    expect(read.version).to.equal(3)
    expect(read.sessions.map((s) => s.name)).to.deep.equal(['admin', 'alice', 'ops', 'deep'])
    await updateWorkspace(store, (w) => ({result: null, workspace: w}))
    expect(JSON.parse(await readFile(store.files.file, 'utf8')).version).to.equal(3)
    expect(await readFile(store.files.backup, 'utf8')).to.equal(v1)
  })

  it('reads a version-2 file migrated, and the next write stores version 3 (the version-2 bytes as the last good copy)', async () => {
    const v2 = JSON.stringify(VERSION_2)
    await write(store.files.file, v2)
    const read = await readWorkspace(store)
    expect(read).to.include({version: 3}).and.deep.include({integrations: []})
    await updateWorkspace(store, (w) => ({result: null, workspace: w}))
    const stored = JSON.parse(await readFile(store.files.file, 'utf8'))
    expect(stored.version).to.equal(3)
    expect(stored.sessions.map((s: {mode: unknown}) => s.mode)).to.deep.equal(['process', null, null])
    expect(await readFile(store.files.backup, 'utf8')).to.equal(v2)
  })

  const damages: Array<[string, string, RegExp]> = [
    ['cut short', '{"version": 2, "sessions": [', /not valid JSON/],
    ['empty', '', /not valid JSON/],
    [
      'of a bad shape',
      JSON.stringify({defaultRegion: null, sessions: [{name: 'x'}], version: 2}),
      /sessions\[0\]\.type: missing/,
    ],
    [
      'a secret added',
      renderWorkspace(workspace()).replace('"name": "alice"', '"name": "alice", "secretAccessKey": "s"'),
      /sessions\[1\]\.secretAccessKey/,
    ],
  ]
  for (const [what, damaged, problem] of damages) {
    it(`a damaged workspace.json (${what}) is restored from the last good copy, with a warning naming the problem`, async () => {
      await updateWorkspace(store, () => ({result: null, workspace: workspace()}))
      await updateWorkspace(store, (w) => ({result: null, workspace: {...w, defaultRegion: 'sa-east-1'}}))
      const good = await readFile(store.files.backup, 'utf8')
      await writeFile(store.files.file, damaged)
      const read = await readWorkspace(store)
      expect(read).to.deep.equal(workspace()) // the last good copy: before the default region changed
      expect(warnings).to.have.length(1)
      expect(warnings[0]).to.match(problem).and.contain(store.files.file).and.contain(store.files.backup)
      expect(await readFile(store.files.file, 'utf8')).to.equal(good)
      expect(await readFile(store.files.damaged, 'utf8')).to.equal(damaged)
      expect(await readWorkspace(store)).to.deep.equal(workspace())
      expect(warnings).to.have.length(1) // restored once
    })
  }

  it('a damaged file is restored by a change too, and the change applies to the restored workspace', async () => {
    await updateWorkspace(store, () => ({result: null, workspace: workspace()}))
    await updateWorkspace(store, (w) => ({result: null, workspace: w}))
    await writeFile(store.files.file, '{')
    await updateWorkspace(store, (w) => ({result: null, workspace: {...w, defaultRegion: 'ap-south-1'}}))
    expect(warnings).to.have.length(1)
    const read = await readWorkspace(store)
    expect(read.sessions).to.have.length(workspace().sessions.length)
    expect(read.defaultRegion).to.equal('ap-south-1')
  })

  it('both damaged: ConfigError (exit 4) naming both files and both problems, nothing rewritten', async () => {
    await write(store.files.file, '{"version": 2')
    await writeFile(store.files.backup, JSON.stringify({sessions: 'x', version: 2}))
    for (const attempt of [
      () => readWorkspace(store),
      () => updateWorkspace(store, (w) => ({result: null, workspace: w})),
    ]) {
      const error = await rejection<TerraceError>(attempt())
      expect(error).to.be.instanceOf(TerraceError)
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.contain(store.files.file).and.contain(store.files.backup)
      expect(error.message).to.contain('not valid JSON').and.contain('sessions: not a list')
    }

    expect(await readFile(store.files.file, 'utf8')).to.equal('{"version": 2')
    expect(warnings).to.deep.equal([])
  })

  it('damaged with no last good copy: exit 4 naming both files', async () => {
    await write(store.files.file, 'null')
    const error = await rejection<TerraceError>(readWorkspace(store))
    expect(error.exitCode).to.equal(ExitCode.Config)
    expect(error.message).to.contain(store.files.file).and.contain(`${store.files.backup} is missing`)
  })

  it('a file of a newer version: exit 4, never replaced by the last good copy', async () => {
    await updateWorkspace(store, () => ({result: null, workspace: workspace()}))
    await updateWorkspace(store, (w) => ({result: null, workspace: w}))
    const newer = JSON.stringify({sessions: [], version: 9})
    await writeFile(store.files.file, newer)
    const error = await rejection<TerraceError>(readWorkspace(store))
    expect(error.exitCode).to.equal(ExitCode.Config)
    expect(error.message).to.contain('newer terrace')
    expect(await readFile(store.files.file, 'utf8')).to.equal(newer)
  })

  it('20 parallel adds through the lock (in-process): all present, the file valid', async () => {
    await Promise.all(Array.from({length: 20}, (_, i) => addSession(store, 'aws-iam-user', {name: `user-${i}`})))
    const names = (await readWorkspace(store)).sessions.map((s) => s.name).sort()
    expect(names).to.have.length(20)
    expect(new Set(names).size).to.equal(20)
  })

  it('20 parallel adds from separate processes: all present, the file valid', async function () {
    this.timeout(120_000)
    const service = resolve('src/workspace/session-service.ts')
    const files = resolve('src/workspace/workspace-file.ts')
    const script = `
import {addSession} from ${JSON.stringify(service)}
import {workspaceFiles} from ${JSON.stringify(files)}
const [root, name] = process.argv.slice(2)
await addSession({files: workspaceFiles(root), warn: (m) => console.error(m)}, 'aws-iam-user', {name})
`
    const scriptPath = join(root, 'add.mjs')
    await writeFile(scriptPath, script)
    const results = await Promise.all(
      Array.from(
        {length: 20},
        (_, i) =>
          new Promise<{code: null | number; stderr: string}>((done, fail) => {
            const child = spawn(process.execPath, ['--import', 'tsx', scriptPath, store.files.root, `proc-${i}`], {
              stdio: ['ignore', 'ignore', 'pipe'],
            })
            let stderr = ''
            child.stderr.on('data', (chunk) => {
              stderr += chunk
            })
            child.on('error', fail)
            child.on('close', (code) => done({code, stderr}))
          }),
      ),
    )
    for (const result of results) expect(result.code, result.stderr).to.equal(0)
    const read = await readWorkspace(store)
    expect(read.sessions.map((s) => s.name).sort()).to.deep.equal(
      Array.from({length: 20}, (_, i) => `proc-${i}`).sort(),
    )
    expect(warnings).to.deep.equal([])
  })
})
