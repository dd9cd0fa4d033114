import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import type {HclParser, ParserLoader} from '../../src/layers/tfvars/index.js'

import {loadHclParser} from '../../src/layers/tfvars/index.js'

export const FIXTURES = fileURLToPath(new URL('../fixtures/projects/', import.meta.url))
export const BB = join(FIXTURES, 'bb')
export const BB_ORG = join(FIXTURES, 'bb-org')

export async function tempDir(prefix: string): Promise<{cleanup: () => Promise<void>; dir: string}> {
  const dir = await mkdtemp(join(tmpdir(), `terrace-${prefix}-`))
  return {cleanup: () => rm(dir, {force: true, recursive: true}), dir}
}

/** A private TERRACE_HOME: every test uses one. */
export async function tempHome(): Promise<{cleanup: () => Promise<void>; env: NodeJS.ProcessEnv; home: string}> {
  const {cleanup, dir} = await tempDir('home')
  return {cleanup, env: {...process.env, TERRACE_HOME: dir}, home: dir}
}

/** The real hcl2-parser behind a counter, so a test can see when it was loaded. */
export function countingLoader(): {calls: () => number; load: ParserLoader} {
  let calls = 0
  let parser: HclParser | undefined
  return {
    calls: () => calls,
    load() {
      calls++
      parser ??= loadHclParser()
      return parser
    },
  }
}
