#!/usr/bin/env node
// How long `terrace layer info` takes on hostile tfvars input (the target: a result or exit 4 naming file and line
// in under 2 s for anything up to 10 MB). Each case writes one var file into a fresh project whose layer names
// `var.profile` (so the var files are parsed), then runs the built CLI once with an empty parse cache and prints
// the wall time, the exit code and the first line of stderr. Then the two linear passes that run before the parser
// (limits.js shapeProblem and the syntax scanner), in process, at 1, 4 and 16 MB of several shapes: their time
// should grow with the size, not faster. Build first: npm run build.
//   node bench/tfvars-limits.js
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(repo, 'bin', 'run.js')
if (!existsSync(join(repo, 'dist', 'entry.js'))) {
  console.error('dist/entry.js is missing: run `npm run build` first')
  process.exit(1)
}

const MB = 1024 * 1024
const N = 50_000
const fill = (unit, bytes) => unit.repeat(Math.ceil(bytes / unit.length))
const cases = [
  ['20 MB string', () => `x = "${'a'.repeat(20 * MB)}"\n`],
  ['10 MB string', () => `x = "${'a'.repeat(10 * MB)}"\n`],
  ['10 MB list of numbers', () => `x = [${fill('1,', 10 * MB)}]\n`],
  ['10 MB of newlines', () => `${'\n'.repeat(10 * MB)}x = 1\n`],
  ['50,000 nested braces', () => `x = ${'{a = '.repeat(N)}1${'}'.repeat(N)}\n`],
  ['50,000 nested brackets', () => `x = ${'['.repeat(N)}${']'.repeat(N)}\n`],
  ['50,000 unary minus', () => `x = ${'-'.repeat(N)}1\n`],
  ['250 KB string (under the size limit)', () => `x = "${'a'.repeat(250 * 1024)}"\n`],
  ['2,990 list items (under the value limit)', () => `x = [${'1,'.repeat(2990)}]\n`],
  [
    '1,900 map entries (under the value limit)',
    () => `x = {\n${Array.from({length: 1900}, (_, i) => `  k${i} = "v"\n`).join('')}}\n`,
  ],
  ['3,001 list items (over the value limit)', () => `x = [${'1,'.repeat(3001)}]\n`],
]

const tmp = mkdtempSync(join(tmpdir(), 'terrace-bench-tfvars-'))
try {
  const root = join(tmp, 'p')
  mkdirSync(join(root, 'config'), {recursive: true})
  mkdirSync(join(root, 'acct', 'config'), {recursive: true})
  mkdirSync(join(root, 'acct', 'layer'), {recursive: true})
  writeFileSync(join(root, 'config', 'common.tfvars'), 'project = "bb"\nregion_primary = "us-east-1"\n')
  writeFileSync(join(root, 'acct', 'config', 'account.tfvars'), 'sso_role = "DevOps"\n')
  writeFileSync(join(root, 'acct', 'layer', 'main.tf'), 'provider "aws" {\n  profile = var.profile\n}\n')
  const width = Math.max(...cases.map(([name]) => name.length))
  for (const [name, make] of cases) {
    writeFileSync(join(root, 'acct', 'config', 'big.tfvars'), make())
    const home = join(tmp, `home-${Math.random().toString(36).slice(2)}`)
    const started = process.hrtime.bigint()
    const run = spawnSync(process.execPath, [cli, 'layer', 'info'], {
      cwd: join(root, 'acct', 'layer'),
      encoding: 'utf8',
      env: {...process.env, TERRACE_HOME: home},
    })
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    const said = (run.stderr.split('\n')[0] ?? '').replace(root, '<root>').slice(0, 110)
    console.log(`${name.padEnd(width)}  ${seconds.toFixed(2).padStart(6)} s  exit ${run.status}  ${said}`)
  }
} finally {
  rmSync(tmp, {force: true, recursive: true})
}

const {shapeProblem} = await import(join(repo, 'dist', 'layers', 'tfvars', 'limits.js'))
const {findSyntaxError} = await import(join(repo, 'dist', 'layers', 'tfvars', 'hcl-scanner.js'))
const shapes = [
  ['string', (bytes) => `x = "${'a'.repeat(bytes)}"\n`],
  ['list', (bytes) => `x = [${fill('1,', bytes)}]\n`],
  ['map lines', (bytes) => `x = {\n${fill('  k = "v"\n', bytes)}}\n`],
  ['comments', (bytes) => `${fill('# a comment {[(\n', bytes)}x = 1\n`],
  ['heredoc', (bytes) => `x = <<EOT\n${fill(String.raw`text $` + '{a}\n', bytes)}EOT\n`],
]
console.log('\nlinear passes, ms at 1 / 4 / 16 MB (shapeProblem, scanner)')
for (const [name, make] of shapes) {
  const times = [1, 4, 16].map((mb) => {
    const text = make(mb * MB)
    let started = performance.now()
    shapeProblem(text)
    const shape = performance.now() - started
    started = performance.now()
    findSyntaxError(text, {blocks: false})
    return `${Math.round(shape)}/${Math.round(performance.now() - started)}`
  })
  console.log(`${name.padEnd(10)}  ${times.join('  ')}`)
}
