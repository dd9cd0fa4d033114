/**
 * The real-world dependencies of the wrap service: this process, the file system, the layers code (imported
 * lazily so projectless runs never load it) and the credential broker (which loads the auth code only for a child
 * that needs credentials).
 */
import {statSync} from 'node:fs'
import {resolve} from 'node:path'
import {performance} from 'node:perf_hooks'

import type {ProjectCache, ProjectLoaders} from '../layers/project-cache.js'
import type {CredentialFactoryDeps} from './credentials/factory.js'
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

/** How the invocation reaches its project and the auth services (tests count the loads or fake the vault). */
export interface DefaultWiring extends ProjectLoaders {
  openServices?: CredentialFactoryDeps['openServices']
}

export function defaultWrapDeps(overrides: Partial<WrapDeps> = {}, wiring: DefaultWiring = {}): WrapDeps {
  const env = overrides.env ?? process.env
  // the project is loaded once per invocation, however many steps need it (imported lazily: projectless runs
  // never load the layers code)
  let cache: Promise<ProjectCache> | undefined
  const projects = () => {
    cache ??= import('../layers/project-cache.js').then(({projectCache}) => projectCache({env}, wiring))
    return cache
  }

  return {
    cwd: process.cwd(),
    env,
    environmentFor: credentialEnvironmentFactory({
      env,
      openServices: wiring.openServices,
      projectAt: async (root) => (await projects()).project(root),
      warn: (message) => process.stderr.write(`${message}\n`),
    }),
    isDirectory,
    async listLayers(dir, onUnreadable) {
      const {listLayers} = await import('../layers/discover.js')
      return listLayers(dir, {onUnreadable})
    },
    now: () => performance.now(),
    async projectBinary(tool, cwd) {
      const {findRoot} = await import('../layers/discover.js')
      let root: string
      try {
        root = await findRoot(cwd)
      } catch {
        return null // outside a project: no terrace.json
      }

      const settings = await (await projects()).settings(root)
      const named = settings.binaries[tool]
      if (!named || !settings.file) return null
      // a bare name is looked up on PATH; a path is relative to the project root
      return {file: settings.file, path: named.includes('/') ? resolve(root, named) : named}
    },
    async resolveContext(cwd, options) {
      const [{resolveContext}, cached] = await Promise.all([import('../layers/context.js'), projects()])
      return resolveContext(cwd, {...options, projectAt: cached.project})
    },
    runChild,
    signals: process,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdout: process.stdout,
    ...overrides,
  }
}
