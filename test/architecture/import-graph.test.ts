import {expect} from 'chai'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import ts from 'typescript'

// The layering of src/ (DESIGN: layers/ is pure project reading; auth/ gets role references, never layers;
// runner/ starts children and never calls into the credential-process entry point).
const FORBIDDEN: Record<string, string[]> = {
  auth: ['layers', 'runner', 'commands', 'cli'],
  layers: ['auth', 'runner', 'vault'],
  runner: ['credential-process'],
}

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src')

interface Edge {
  from: string
  specifier: string
  to: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The top-level folder of src/ a file lies in ('' for a file directly in src/, null outside src/). */
function topFolder(file: string): null | string {
  const relative = path.relative(SRC, file)
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null
  const parts = relative.split(path.sep)
  return parts.length > 1 ? parts[0] : ''
}

function importEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    return info.importedFiles
      .map((ref) => ref.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => {
        const target = topFolder(path.resolve(path.dirname(file), specifier))
        return {from: path.relative(SRC, file), specifier, to: target ?? '(outside src)'}
      })
  })
}

function forbiddenEdges(edges: Edge[]): Edge[] {
  return edges.filter((edge) => {
    const from = topFolder(path.join(SRC, edge.from))
    return from !== null && (FORBIDDEN[from] ?? []).includes(edge.to)
  })
}

describe('import graph of src/', () => {
  it('reads the imports of the source files (the walk sees the known edges)', () => {
    const edges = importEdges()
    expect(edges.length).to.be.greaterThan(100)
    expect(edges).to.deep.include({
      from: path.join('runner', 'route.ts'),
      specifier: './wrapper-options.js',
      to: 'runner',
    })
  })

  it('has no forbidden edge: layers/ ↛ auth/, runner/, vault/; auth/ ↛ layers/, runner/, commands/, cli/; runner/ ↛ credential-process/', () => {
    const bad = forbiddenEdges(importEdges())
    const listing = bad.map((edge) => `  src/${edge.from} → ${edge.specifier}`).join('\n')
    expect(bad.length, `${bad.length} forbidden import edge(s):\n${listing}\n`).to.equal(0)
  })

  it('nothing outside src/sandbox/ and src/commands/sandbox/ imports src/sandbox/ (production code never uses the emulator)', () => {
    const bad = importEdges().filter(
      (edge) =>
        edge.to === 'sandbox' &&
        topFolder(path.join(SRC, edge.from)) !== 'sandbox' &&
        !edge.from.startsWith(path.join('commands', 'sandbox') + path.sep),
    )
    const listing = bad.map((edge) => `  src/${edge.from} → ${edge.specifier}`).join('\n')
    expect(bad.length, `${bad.length} import(s) of src/sandbox/ from production code:\n${listing}\n`).to.equal(0)
  })
})
