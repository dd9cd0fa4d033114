/**
 * The real-world dependencies of the wrap service: this process, the file system, the layers room (imported
 * lazily so projectless runs never load it) and the pass-through child environment.
 */
import {statSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

import type {WrapDeps} from './wrap-service.js'

import {passThroughFactory} from './child-environment.js'
import {runChild} from './child.js'

function kindOf(path: string): 'dir' | 'file' | null {
  try {
    const stat = statSync(path)
    if (stat.isDirectory()) return 'dir'
    return stat.isFile() ? 'file' : null
  } catch {
    return null
  }
}

export function defaultWrapDeps(overrides: Partial<WrapDeps> = {}): WrapDeps {
  return {
    cwd: process.cwd(),
    env: process.env,
    environmentFor: passThroughFactory,
    isDirectory: (path) => kindOf(path) === 'dir',
    isFile: (path) => kindOf(path) === 'file',
    async listLayers(dir) {
      const {listLayers} = await import('../layers/discover.js')
      return listLayers(dir)
    },
    now: () => performance.now(),
    async resolveContext(cwd, options) {
      const {resolveContext} = await import('../layers/context.js')
      return resolveContext(cwd, options)
    },
    runChild,
    signals: process,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdout: process.stdout,
    ...overrides,
  }
}
