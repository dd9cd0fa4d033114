import {readFileSync, statSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {join, resolve} from 'node:path'

import {ConfigError} from '../../lib/errors.js'
import {homePaths} from '../../lib/paths.js'
import {findSyntaxError} from './hcl-scanner.js'
import {MAX_BYTES, MAX_TFVARS_VALUES, shapeProblem, sizeProblem} from './limits.js'
import {readCached, writeCached} from './parse-cache.js'
import {type HclParser, loadHclParser, type ParserLoader} from './parser-loader.js'

export interface ParseOptions {
  /** where parse results are cached; normally tfvarsCacheDir(env) */
  cacheDir: string
  /** 'tfvars' (default) rejects blocks and checks syntax before the parser loads; 'tf' allows blocks */
  kind?: 'tf' | 'tfvars'
  /** injected in tests to count loads; defaults to requiring hcl2-parser */
  loadParser?: ParserLoader
  /** keep only these top-level keys in the result (and the cache) */
  pick?: readonly string[]
}

export const tfvarsCacheDir = (env: NodeJS.ProcessEnv = process.env): string => join(homePaths(env).cache, 'tfvars')

let memoParser: HclParser | undefined
const defaultLoader: ParserLoader = () => {
  memoParser ??= loadHclParser()
  return memoParser
}

/** Parses a .tfvars file into plain JSON values, from the cache when the file's size and mtime are unchanged. */
export async function parseTfvarsFile(path: string, options: ParseOptions): Promise<Record<string, unknown>> {
  const absolute = resolve(path)
  const kind = options.kind ?? 'tfvars'
  const cacheKey = `${absolute}\0${kind}\0${options.pick?.join(',') ?? '*'}`
  let info
  try {
    info = statSync(absolute)
  } catch (error) {
    throw new ConfigError(`${absolute}: cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, {
      cause: error,
    })
  }

  const id = {mtimeMs: info.mtimeMs, path: cacheKey, size: info.size}
  const cached = await readCached(options.cacheDir, id)
  if (cached) return cached
  if (info.size > MAX_BYTES[kind]) {
    // only the part up to the limit is read, to name the line where it is crossed
    const problem = sizeProblem(info.size, await readHead(absolute, MAX_BYTES[kind]), kind)!
    throw syntaxError(absolute, problem.line, problem.message)
  }

  const text = readFileSync(absolute, 'utf8')
  const value = pickKeys(parseHclText(text, absolute, kind, options.loadParser ?? defaultLoader), options.pick)
  await writeCached(options.cacheDir, id, value)
  return value
}

async function readHead(path: string, bytes: number): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const {bytesRead} = await handle.read(buffer, 0, bytes, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}

const syntaxError = (file: string, line: number, message: string) =>
  new ConfigError(`${file}:${line}: ${message}`, {suggestion: `Fix the syntax in ${file} and run the command again.`})

/**
 * Parses HCL text (no cache). Throws ConfigError `<file>:<line>: <what is wrong>` on a syntax error, and on text
 * over the size limit, nested too deeply or holding too many values (limits.ts), before anything recursive sees it.
 */
export function parseHclText(
  text: string,
  file: string,
  kind: 'tf' | 'tfvars',
  loadParser: ParserLoader = defaultLoader,
): Record<string, unknown> {
  const fail = (line: number, message: string) => syntaxError(file, line, message)
  const limit =
    sizeProblem(Buffer.byteLength(text), text, kind) ??
    shapeProblem(text, kind === 'tfvars' ? MAX_TFVARS_VALUES : undefined) ??
    (kind === 'tfvars' ? findSyntaxError(text, {blocks: false}) : null)
  if (limit) throw fail(limit.line, limit.message)
  const result = runParser(text, loadParser, () => {
    // the parser ran out of stack (limits.ts keeps that from happening): say where the text is hard to read
    const problem = findSyntaxError(text, {blocks: kind === 'tf'})
    return fail(problem?.line ?? 1, problem?.message ?? 'too deeply nested for terrace to read')
  })
  const json = Array.isArray(result) ? result[0] : result
  if (typeof json === 'string' && json !== '') {
    const parsed = JSON.parse(json) as unknown
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  }

  if (text.trim() === '') return {}
  const problem = findSyntaxError(text, {blocks: kind === 'tf'})
  if (problem) throw fail(problem.line, problem.message)
  throw fail(1, 'invalid HCL (the parser gave no position; check for duplicate or invalid keys)')
}

function runParser(
  text: string,
  loadParser: ParserLoader,
  overflow: () => Error,
): ReturnType<HclParser['parseToString']> {
  try {
    return loadParser().parseToString(text)
  } catch (error) {
    if (error instanceof RangeError) throw overflow()
    throw error
  }
}

function pickKeys(value: Record<string, unknown>, pick: readonly string[] | undefined): Record<string, unknown> {
  if (!pick) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => pick.includes(key)))
}
