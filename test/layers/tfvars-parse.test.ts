/* eslint-disable camelcase -- tfvars keys are snake_case */
/* eslint-disable no-template-curly-in-string -- HCL interpolations are data here */
import {expect} from 'chai'
import {execFile} from 'node:child_process'
import {readdir, readFile, utimes, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

import {findSyntaxError, loadHclParser, parseTfvarsFile} from '../../src/layers/tfvars/index.js'
import {BB, BB_ORG, countingLoader, tempDir, tempHome} from './helpers.js'

const run = promisify(execFile)

const valid = [
  'a = 1\n',
  'a = -2.5e3\nb = 0.75\n',
  'd-e = true\nf = false\ng = null\n',
  'm = {\n  "quoted" = 1, bare-key = 2\n  x: 3\n}\n',
  'l = [\n  {a = 1},\n  {\n    b = 2\n  },\n]\n',
  's = "esc \\" \\\\ \\n \\u00e9 $${lit} %%{lit} {braces}"\n',
  't = "${1 + 2} and %{ if true }yes%{ endif }"\n',
  'h = <<-EOT\n  indented\n  EOT\nafter = 1\n',
  'c = 1 // trailing\n# hash\n/* block\n */ d = 2\n',
  'e = {}\nf = []\n',
  'crlf = "x"\r\nm = {\r\n  c = 1\r\n}\r\nh = <<EOT\r\nx\r\nEOT\r\n',
  'f = [for x in [1, 2] : x]\ng = {for k, v in {a = 1} : k => v}\nc = 1 > 2 ? "a" : f(x.y[0].z, [2]...)\n',
  'n = {\n  inner = { deeper = [1, 2, {k = "v"}] }\n}\n',
]

describe('tfvars parsing', () => {
  let home: Awaited<ReturnType<typeof tempHome>>

  before(async () => {
    home = await tempHome()
  })

  after(() => home.cleanup())

  for (const text of valid) {
    it(`scanner and hcl2-parser both accept ${JSON.stringify(text)}`, () => {
      expect(findSyntaxError(text, {blocks: false})).to.equal(null)
      const [json] = loadHclParser().parseToString(text) as [string, unknown]
      expect(json, 'hcl2-parser result').to.not.equal('')
    })
  }

  it('the scanner accepts every fixture tfvars and .tf file', async () => {
    for (const root of [BB, BB_ORG]) {
      const files = (await readdir(root, {recursive: true})).filter((f) => f.endsWith('.tf') || f.endsWith('.tfvars'))
      expect(files.length).to.be.greaterThan(20)
      for (const file of files) {
        const text = await readFile(join(root, file), 'utf8')
        expect(findSyntaxError(text, {blocks: file.endsWith('.tf')}), file).to.equal(null)
      }
    }
  })

  it('reads every syntax feature of the bb common.tfvars', async () => {
    const values = await parseTfvarsFile(join(BB, 'config/common.tfvars'), {cacheDir: join(home.home, 'cache')})
    expect(values).to.deep.include({
      debug: false,
      max_sessions: 4,
      project: 'bb',
      project_long: 'binbash',
      region_primary: 'us-east-1',
      session_ratio: 0.75,
      sso_enabled: true,
      sso_region: 'us-east-1',
      sso_start_url: 'https://bb-sandbox.awsapps.com/start',
    })
    expect(values.tags).to.deep.equal({
      'cost-center': 'platform',
      note: 'say "hi" to {braces}, ${not_interpolated} and a \\ backslash',
      'owner-team': 'devops',
    })
    expect(values.trusted_cidrs).to.deep.equal([
      {cidr: '10.0.0.0/16', name: 'vpn'},
      {cidr: '10.1.0.0/16', name: 'office'},
    ])
    expect(Object.keys(values.accounts as object)).to.deep.equal([
      'apps-devstg',
      'apps-prd',
      'management',
      'network',
      'security',
      'shared',
    ])
    expect((values.accounts as Record<string, {id: unknown}>).network.id).to.equal(444_444_444_444)
  })

  describe('parse cache', () => {
    it('loads the parser on a miss only, and again when size or mtime change', async () => {
      const {cleanup, dir} = await tempDir('cache')
      try {
        const file = join(dir, 'x.tfvars')
        const cacheDir = join(dir, 'cache')
        const counter = countingLoader()
        await writeFile(file, 'a = 1\n')
        await utimes(file, 1000, 1000)
        expect(await parseTfvarsFile(file, {cacheDir, loadParser: counter.load})).to.deep.equal({a: 1})
        expect(counter.calls()).to.equal(1)
        expect(await readdir(cacheDir)).to.have.length(1)
        expect(await parseTfvarsFile(file, {cacheDir, loadParser: counter.load})).to.deep.equal({a: 1})
        expect(counter.calls(), 'warm: no parser').to.equal(1)

        await writeFile(file, 'a = 2\n') // same size
        await utimes(file, 2000, 2000)
        expect(await parseTfvarsFile(file, {cacheDir, loadParser: counter.load})).to.deep.equal({a: 2})
        expect(counter.calls(), 'mtime changed').to.equal(2)

        await writeFile(file, 'a = 33\n')
        await utimes(file, 2000, 2000) // same mtime, other size
        expect(await parseTfvarsFile(file, {cacheDir, loadParser: counter.load})).to.deep.equal({a: 33})
        expect(counter.calls(), 'size changed').to.equal(3)
        expect(await readdir(cacheDir), 'one entry per file').to.have.length(1)
      } finally {
        await cleanup()
      }
    })

    it('ignores a corrupt cache entry', async () => {
      const {cleanup, dir} = await tempDir('corrupt')
      try {
        const file = join(dir, 'x.tfvars')
        const cacheDir = join(dir, 'cache')
        await writeFile(file, 'a = "v"\n')
        await parseTfvarsFile(file, {cacheDir})
        const [entry] = await readdir(cacheDir)
        await writeFile(join(cacheDir, entry), '{not json')
        const counter = countingLoader()
        expect(await parseTfvarsFile(file, {cacheDir, loadParser: counter.load})).to.deep.equal({a: 'v'})
        expect(counter.calls()).to.equal(1)
      } finally {
        await cleanup()
      }
    })

    it('a warm resolveContext in a fresh process never loads hcl2-parser', async () => {
      const {cleanup, dir} = await tempDir('child')
      try {
        const layer = join(BB, 'apps-devstg/us-east-1/k8s-eks/cluster')
        const script = [
          "import {createRequire} from 'node:module'",
          "import {resolveContext} from './src/layers/context.ts'",
          'const context = await resolveContext(process.argv[1], {env: process.env})',
          'const require = createRequire(import.meta.url)',
          "const loaded = Object.keys(require.cache).some((key) => key.includes('hcl2-parser'))",
          'console.log(JSON.stringify({loaded, profiles: context.profiles.length}))',
        ].join('\n')
        const child = async () => {
          const {stdout} = await run(
            process.execPath,
            ['--import', 'tsx', '--input-type=module', '-e', script, layer],
            {
              cwd: join(BB, '../../../..'),
              env: {...process.env, TERRACE_HOME: dir},
            },
          )
          return JSON.parse(stdout.trim().split('\n').at(-1)!) as {loaded: boolean; profiles: number}
        }

        expect(await child(), 'cold').to.deep.equal({loaded: true, profiles: 3})
        expect(await child(), 'warm').to.deep.equal({loaded: false, profiles: 3})
      } finally {
        await cleanup()
      }
    })
  })
})
