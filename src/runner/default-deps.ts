/**
 * The real-world dependencies of the wrap service: this process, the file system, the layers code (imported
 * lazily so projectless runs never load it) and the credential broker (which loads the auth code only for a child
 * that needs credentials).
 */
import {statSync} from 'node:fs'
import {resolve} from 'node:path'
import {performance} from 'node:perf_hooks'

import type {WrapDeps} from './wrap-service.js'

import {runChild} from './child.js'
import {credentialEnvironmentFactory} from './credentials/factory.js'

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

export function defaultWrapDeps(overrides: Partial<WrapDeps> = {}): WrapDeps {
  const env = overrides.env ?? process.env
  return {
    cwd: process.cwd(),
    env,
    environmentFor: credentialEnvironmentFactory({
      env,
      warn: (message) => process.stderr.write(`${message}\n`),
    }),
    isDirectory,
    async listLayers(dir, onUnreadable) {
      const {listLayers} = await import('../layers/discover.js')
      return listLayers(dir, {onUnreadable})
    },
    now: () => performance.now(),
    async projectBinary(tool, cwd) {
      const [{findRoot}, {loadProjectSettings}] = await Promise.all([
        import('../layers/discover.js'),
        import('../layers/settings.js'),
      ])
      let root: string
      try {
        root = await findRoot(cwd)
      } catch {
        return null // outside a project: no terrace.json
      }

      const settings = await loadProjectSettings(root)
      const named = settings.binaries[tool]
      if (!named || !settings.file) return null
      // a bare name is looked up on PATH; a path is relative to the project root
      return {file: settings.file, path: named.includes('/') ? resolve(root, named) : named}
    },
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
