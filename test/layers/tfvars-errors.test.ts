import {expect} from 'chai'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {resolveContext} from '../../src/layers/context.js'
import {loadHclParser, parseTfvarsFile} from '../../src/layers/tfvars/index.js'
import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {tempDir} from './helpers.js'

interface Case {
  content: string
  /** expected 1-based line */
  line: number
  /** part of the expected explanation */
  message: RegExp
  name: string
}

const ok = 'project = "bb"\nregion_primary = "us-east-1"\n'

const broken: Case[] = [
  {
    content: `${ok}sso_start_url = "https://x\nsso_region = "us-east-1"\n`,
    line: 3,
    message: /unclosed string/,
    name: 'unclosed string',
  },
  {
    content: `${ok}accounts = {\n  shared = {\n    id = "1"\n  }\n`,
    line: 3,
    message: /`\{` opened here is never closed/,
    name: 'unclosed brace',
  },
  {
    content: `${ok}\ntags = ["a",\n  "b"\n`,
    line: 4,
    message: /`\[` opened here is never closed/,
    name: 'unclosed bracket',
  },
  {content: `${ok}sso_enabled true\n`, line: 3, message: /missing `=` after `sso_enabled`/, name: 'missing ='},
  {
    content: `${ok}accounts {\n  a = 1\n}\n`,
    line: 3,
    message: /blocks are not allowed in a tfvars file/,
    name: 'block instead of map',
  },
  {content: `${ok}region = = "x"\n`, line: 3, message: /unexpected `=`; expected a value/, name: 'unexpected token'},
  {
    content: `# header\n"project" = "bb"\n`,
    line: 2,
    message: /quoted key "project" is not allowed at top level/,
    name: 'top-level quoted key',
  },
  {content: `${ok}\n\nmax = 1.\n`, line: 5, message: /bad number `1\.`/, name: 'bad number (no fraction digits)'},
  {content: `${ok}ratio = 1e\n`, line: 3, message: /bad number `1e`/, name: 'bad number (no exponent digits)'},
  {content: `${ok}port = 80abc\n`, line: 3, message: /bad number `80abc`/, name: 'bad number (letters)'},
  {
    content: `${ok}policy = <<EOT\n{}\nEO\n`,
    line: 3,
    message: /unterminated heredoc.*<<EOT/,
    name: 'unterminated heredoc',
  },
  {content: `${ok}path = "a\\qb"\n`, line: 3, message: /invalid escape `\\q`/, name: 'invalid escape'},
  {
    content: `${ok}project = "again"\n`,
    line: 3,
    message: /duplicate key `project` \(already set on line 1\)/,
    name: 'duplicate key',
  },
  {
    content: `${ok}tags = {a = 1 b = 2}\n`,
    line: 3,
    message: /expected `,` or a new line between map entries/,
    name: 'map entries on one line without comma',
  },
  {
    content: `${ok}list = [1 2]\n`,
    line: 3,
    message: /expected `,` or `\]` between list items/,
    name: 'list items without comma',
  },
  {content: `${ok}a = 1 b = 2\n`, line: 3, message: /after the value of `a`/, name: 'two keys on one line'},
  {content: `${ok}}\n`, line: 3, message: /unexpected `}` \(nothing to close\)/, name: 'stray closing brace'},
  {content: `${ok}/* open comment\nx = 1\n`, line: 3, message: /unclosed comment/, name: 'unclosed block comment'},
  {content: `${ok}region =\nsso_region = "x"\n`, line: 3, message: /missing value/, name: 'missing value'},
  {
    content: `${ok}name = "\${var.project"\n`,
    line: 3,
    message: /unclosed `\$\{` in string/,
    name: 'unclosed interpolation',
  },
  {content: `${ok}x = @\n`, line: 3, message: /unexpected character `@`/, name: 'unexpected character'},
  {
    content: `${ok}m = {\n  a = 1\n  = 2\n}\n`,
    line: 5,
    message: /expected a key inside/,
    name: 'map entry without key',
  },
]

/** hcl2-parser's answer to any syntax error: no JSON, an empty error object */
const failingParser = () => ({parseToString: (): [string, unknown] => ['', {}]})

describe('broken tfvars: exit 4 with file and line', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>

  before(async () => {
    temp = await tempDir('broken')
  })

  after(() => temp.cleanup())

  it('has at least 10 different cases, every one (but the tfvars-only block rule) rejected by hcl2-parser too', () => {
    expect(new Set(broken.map((c) => c.name)).size).to.be.at.least(10)
    const parser = loadHclParser()
    // a block is valid HCL (hcl2-parser wraps it in an array) but terraform rejects blocks in a tfvars file
    for (const {content, name} of broken.filter((c) => c.name !== 'block instead of map')) {
      expect(parser.parseToString(content)[0], name).to.equal('')
    }
  })

  for (const [index, {content, line, message, name}] of broken.entries()) {
    it(`${name} (line ${line})`, async () => {
      const file = join(temp.dir, `case-${index}.tfvars`)
      await writeFile(file, content)
      const error = await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache')}).catch((error_: unknown) => error_)
      expect(error, 'should throw').to.be.instanceOf(TerraceError)
      expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
      const text = (error as TerraceError).message
      expect(text.startsWith(`${file}:${line}: `), text).to.equal(true)
      expect(text).to.match(message)
    })
  }

  it(String.raw`a valid escape (\t) is not an error`, async () => {
    const file = join(temp.dir, 'tab.tfvars')
    await writeFile(file, `${ok}path = "C:\\temp"\n`)
    expect(await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache')})).to.deep.include({path: 'C:\temp'})
  })

  it('never loads the parser for a file the scanner rejects', async () => {
    const file = join(temp.dir, 'fast-fail.tfvars')
    await writeFile(file, 'a = {\n')
    let loads = 0
    const loadParser = () => {
      loads++
      throw new Error('should not load')
    }

    const error = await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache'), loadParser}).catch(
      (error_: unknown) => error_,
    )
    expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
    expect(loads).to.equal(0)
  })

  it('an error the scanner misses still gives exit 4 naming the file', async () => {
    const file = join(temp.dir, 'parser-only.tfvars')
    await writeFile(file, 'a = 1\n')
    const error = await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache'), loadParser: failingParser}).catch(
      (error_: unknown) => error_,
    )
    expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
    expect((error as TerraceError).message).to.match(
      new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}:1: `),
    )
  })

  it('resolveContext reports a broken account.tfvars with exit 4, file and line', async () => {
    const root = join(temp.dir, 'project')
    await mkdir(join(root, 'config'), {recursive: true})
    await mkdir(join(root, 'dev/config'), {recursive: true})
    await writeFile(join(root, 'config/common.tfvars'), ok)
    await writeFile(join(root, 'dev/config/account.tfvars'), 'environment = "dev"\nsso_role = "DevOps\n')
    const error = (await resolveContext(join(root, 'dev'), {env: {TERRACE_HOME: join(temp.dir, 'home')}}).catch(
      (error_: unknown) => error_,
    )) as TerraceError
    expect(error.exitCode).to.equal(ExitCode.Config)
    expect(error.message).to.match(/dev\/config\/account\.tfvars:2: unclosed string/)
  })
})
