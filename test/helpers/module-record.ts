import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {CLI, type CliResult, collect} from './cli.js'

/**
 * Runs the built CLI under hooks that record the URL of every module the process loads: a resolve hook for ES
 * modules (it runs on the ESM loader thread) and a wrapper of CommonJS resolution for require() (bin/run.js and the
 * credential-process bundle are CommonJS); spawned asynchronously so a sandbox in this process keeps answering.
 */
export async function runRecordingModules(
  args: string[],
  options: {cwd: string; env: NodeJS.ProcessEnv},
): Promise<{modules: string[]; result: CliResult}> {
  const dir = mkdtempSync(join(tmpdir(), 'terrace-modules-'))
  try {
    const record = join(dir, 'modules.txt')
    const hook = join(dir, 'record-hook.mjs')
    const register = join(dir, 'record-register.mjs')
    writeFileSync(record, '')
    writeFileSync(
      hook,
      `import {appendFileSync} from 'node:fs'
export async function resolve(specifier, context, next) {
  const out = await next(specifier, context)
  appendFileSync(process.env.RECORD_MODULES, out.url + '\\n')
  return out
}\n`,
    )
    const requireHook = join(dir, 'record-require.cjs')
    writeFileSync(
      requireHook,
      `const {appendFileSync} = require('node:fs')
const {pathToFileURL} = require('node:url')
const Module = require('node:module')
const resolve = Module._resolveFilename
Module._resolveFilename = function (...args) {
  const file = resolve.apply(this, args)
  appendFileSync(process.env.RECORD_MODULES, (file.startsWith('/') ? pathToFileURL(file).href : file) + '\\n')
  return file
}\n`,
    )
    writeFileSync(
      register,
      `import {register} from 'node:module'\nregister(${JSON.stringify(pathToFileURL(hook).href)})\n`,
    )
    const result = await collect(
      spawn(process.execPath, ['--require', requireHook, '--import', pathToFileURL(register).href, CLI, ...args], {
        cwd: options.cwd,
        // TERRACE_AGENT off unless the test sets it, as in cliEnv
        env: {PATH: process.env.PATH, TERRACE_AGENT: 'off', ...options.env, RECORD_MODULES: record},
      }),
    )
    return {modules: readFileSync(record, 'utf8').split('\n').filter(Boolean), result}
  } finally {
    rmSync(dir, {force: true, recursive: true})
  }
}
