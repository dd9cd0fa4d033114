import {expect} from 'chai'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {parseHclText, parseTfvarsFile} from '../../src/layers/tfvars/index.js'
import {MAX_BYTES, MAX_NESTING, MAX_TFVARS_VALUES, shapeProblem} from '../../src/layers/tfvars/limits.js'
import {ExitCode, TerraceError} from '../../src/lib/errors.js'
import {tempDir} from './helpers.js'

const N = 50_000
const noParser = () => {
  throw new Error('the parser must not see this input')
}

/** Inputs nested far too deep, from line 2 on (a first line keeps the line number honest); the expected line. */
const deep: Array<[string, string, number?]> = [
  ['nested braces', 'x = ' + '{a = '.repeat(N) + '1' + '}'.repeat(N)],
  ['bare nested braces', 'x = ' + '{'.repeat(N) + '}'.repeat(N)],
  ['nested brackets', 'x = ' + '['.repeat(N) + ']'.repeat(N)],
  ['nested parentheses', 'x = ' + '('.repeat(N) + '1' + ')'.repeat(N)],
  ['unary operators', 'x = ' + '-'.repeat(N) + '1'],
  ['conditionals', 'x = ' + 'a ? '.repeat(N) + '1' + ' : 2'.repeat(N)],
  ['templates in strings', 'x = ' + '"${'.repeat(N) + '1' + '}"'.repeat(N)],
  ['templates in a heredoc', 'x = <<EOT\n' + '${('.repeat(N) + '1' + ')}'.repeat(N) + '\nEOT', 3],
]

/** Inputs that look deep to a naive bracket count but are not. */
const shallow: Array<[string, string]> = [
  ['braces inside a string', `x = "${'{['.repeat(N)}"`],
  ['escaped template openers', `x = "${'$${'.repeat(N)}"`],
  ['brackets in comments', `# ${'{'.repeat(N)}\n// ${'['.repeat(N)}\n/* ${'('.repeat(N)} */\nx = 1`],
  ['a heredoc of braces', `x = <<EOT\n${'{'.repeat(N)}\nEOT\ny = 2`],
  ['a long list of negative numbers', `x = [${'-1, '.repeat(N)}]`],
  ['many conditionals side by side', `x = [${'a ? 1 : 2, '.repeat(N)}]`],
  ['hyphenated keys', `x = {${'apps-devstg-a = 1\n'.repeat(1000)}}`],
  [`exactly ${MAX_NESTING} levels`, 'x = ' + '['.repeat(MAX_NESTING - 1) + ']'.repeat(MAX_NESTING - 1)],
]

describe('tfvars limits: huge or deeply nested input is exit 4 with file and line, never a stack overflow', () => {
  let temp: Awaited<ReturnType<typeof tempDir>>

  before(async () => {
    temp = await tempDir('limits')
  })

  after(() => temp.cleanup())

  for (const [name, text, line = 2] of deep) {
    it(`${name}: shapeProblem finds line ${line}`, () => {
      const problem = shapeProblem(`a = 1\n${text}\n`)
      expect(problem?.line, name).to.equal(line)
      expect(problem?.message).to.contain(`more than ${MAX_NESTING} levels deep`)
    })

    for (const kind of ['tfvars', 'tf'] as const) {
      it(`${name} (.${kind}): exit 4 naming file and line, the parser never sees it`, () => {
        const file = join(temp.dir, `deep.${kind}`)
        let error: unknown
        try {
          parseHclText(`a = 1\n${text}\n`, file, kind, noParser)
        } catch (error_) {
          error = error_
        }

        expect(error).to.be.instanceOf(TerraceError)
        expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
        expect((error as TerraceError).message).to.match(
          new RegExp(`^${file.replaceAll('.', String.raw`\.`)}:${line}: `),
        )
      })
    }
  }

  for (const [name, text] of shallow) {
    it(`${name}: not too deep`, () => {
      expect(shapeProblem(`${text}\n`), name).to.equal(null)
    })
  }

  it(`a tfvars file with more than ${MAX_TFVARS_VALUES} values is exit 4 at the line of the one too many; .tf files have no such limit`, () => {
    const file = join(temp.dir, 'many.tfvars')
    const list = `x = [\n${'  1,\n'.repeat(MAX_TFVARS_VALUES)}]\n`
    let error: unknown
    try {
      parseHclText(list, file, 'tfvars', noParser)
    } catch (error_) {
      error = error_
    }

    expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
    // line 1 holds `x = [` (one value), each item line two (its comma and its line): value 4001 ends line 2001
    expect((error as TerraceError).message).to.match(
      new RegExp(
        `^${file.replaceAll('.', String.raw`\.`)}:${MAX_TFVARS_VALUES / 2 + 1}: more than ${MAX_TFVARS_VALUES} values`,
      ),
    )
    expect(shapeProblem(list)).to.equal(null)
    const commented = `# ${'x\n#'.repeat(MAX_TFVARS_VALUES * 2)}\n\n\n${'a = 1\n'.repeat(10)}`
    expect(shapeProblem(commented, MAX_TFVARS_VALUES), 'comment and blank lines are no values').to.equal(null)
  })

  it('a 20 MB string in a tfvars file: exit 4 naming the file, line and limit, without reading it all or parsing', async () => {
    const file = join(temp.dir, 'huge.tfvars')
    await writeFile(file, `project = "bb"\nbig = "${'a'.repeat(20 * 1024 * 1024)}"\n`)
    const error = await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache'), loadParser: noParser}).catch(
      (error_: unknown) => error_,
    )
    expect(error).to.be.instanceOf(TerraceError)
    expect((error as TerraceError).exitCode).to.equal(ExitCode.Config)
    expect((error as TerraceError).message).to.equal(
      `${file}:2: the file is 20480 KiB, over terrace's limit of ${MAX_BYTES.tfvars / 1024} KiB for a .tfvars file (the limit is crossed on this line)`,
    )
  })

  it('the size limit names the line where it is crossed', async () => {
    const file = join(temp.dir, 'long.tfvars')
    const line = 'k = "0123456789012345678901234567890123456789"\n'
    await writeFile(file, line.repeat(Math.ceil((MAX_BYTES.tfvars * 2) / line.length)))
    const error = (await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache'), loadParser: noParser}).catch(
      (error_: unknown) => error_,
    )) as TerraceError
    expect(error.exitCode).to.equal(ExitCode.Config)
    expect(error.message).to.match(new RegExp(`:${Math.floor(MAX_BYTES.tfvars / line.length) + 1}: the file is`))
  })

  it('input just inside the limits gives its values through the real parser', async () => {
    const file = join(temp.dir, 'fits.tfvars')
    const nested = '{a = '.repeat(MAX_NESTING - 2) + '1' + '}'.repeat(MAX_NESTING - 2)
    await writeFile(file, `big = "${'a'.repeat(100_000)}"\nnested = ${nested}\n`)
    const values = await parseTfvarsFile(file, {cacheDir: join(temp.dir, 'cache')})
    expect((values.big as string).length).to.equal(100_000)
    let depth = 0
    for (let v = values.nested; typeof v === 'object' && v !== null; v = (v as {a: unknown}).a) depth++
    expect(depth).to.equal(MAX_NESTING - 2)
  })
})
