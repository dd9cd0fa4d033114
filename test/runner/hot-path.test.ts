import {expect} from 'chai'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

const SRC = resolve('src')

/**
 * Modules reachable from `start` through relative imports (static and, unless `staticOnly`, dynamic), and the
 * packages they import.
 */
function reach(starts: string[], staticOnly = false): {files: Set<string>; packages: Map<string, string>} {
  const files = new Set<string>()
  const packages = new Map<string, string>()
  const queue = [...starts]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (files.has(file)) continue
    files.add(file)
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(/(?:^import\s[^'"]*|^export\s[^'"]*\sfrom\s|import\()\s*['"]([^'"]+)['"]/gm)) {
      const spec = match[1]
      if (/^import\s+type\s/.test(match[0])) continue
      if (staticOnly && match[0].startsWith('import(')) continue
      if (spec.startsWith('.')) {
        const target = join(dirname(file), spec.replace(/\.js$/, '.ts'))
        if (existsSync(target)) queue.push(target)
      } else if (!spec.startsWith('node:')) {
        packages.set(spec, file)
      }
    }
  }

  return {files, packages}
}

describe('hot path: terrace tf|exec|aws never loads oclif or execa', () => {
  it('the import walker sees packages (sanity check of the test itself)', () => {
    expect([...reach([join(SRC, 'commands', 'terraform.ts')]).packages.keys()]).to.include('@oclif/core')
  })

  it('the modules the entry point reaches for a wrapped command import neither', () => {
    const entry = readFileSync(join(SRC, 'entry.ts'), 'utf8')
    // entry.ts itself imports @oclif/core only dynamically, in the oclif branch
    expect(entry).not.to.match(/^import[^(]*['"]@oclif\/core['"]/m)
    const {files, packages} = reach([
      join(SRC, 'runner', 'route.ts'),
      join(SRC, 'runner', 'wrap-service.ts'),
      join(SRC, 'runner', 'default-deps.ts'),
    ])
    expect(files.size).to.be.greaterThan(5)
    // The AWS SDK is reachable only through dynamic imports: a child that needs credentials on a cold cache.
    const heavy = [...packages.keys()].filter((name) => /^(@oclif\/|execa$)/.test(name))
    expect(heavy, JSON.stringify(Object.fromEntries(packages))).to.deep.equal([])
  })

  it('statically, a wrapped command loads neither the AWS SDK, the vault nor the auth services', () => {
    const {files, packages} = reach(
      [join(SRC, 'runner', 'route.ts'), join(SRC, 'runner', 'wrap-service.ts'), join(SRC, 'runner', 'default-deps.ts')],
      true,
    )
    expect(files).to.include(join(SRC, 'runner', 'credentials', 'factory.ts'))
    const heavy = [...packages.keys()].filter((name) => /^(@oclif\/|execa$|@aws-sdk\/|keytar$)/.test(name))
    expect(heavy, JSON.stringify(Object.fromEntries(packages))).to.deep.equal([])
    const loaded = [...files].filter((f) => /[/\\]src[/\\](auth|vault)[/\\](?!credentials[/\\](types|ttl)\.ts)/.test(f))
    expect(loaded).to.deep.equal([])
  })
})
