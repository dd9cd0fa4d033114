/**
 * What an oclif command knows about its run, built once per terrace process and read by every step: where it runs
 * (cwd), the environment, terrace's own settings (TERRACE_*, parsed once by lib/terrace-env.ts) and the project
 * around cwd with its settings (terrace.json, build.env), loaded once through the per-invocation project cache
 * (layers/project-cache.ts), as the runner's wrapped commands load theirs. No command loads the project or parses
 * settings itself.
 */
import type {LayerContext} from '../layers/types.js'

import {type ProjectCache, type ProjectLoaders} from '../layers/project-cache.js'
import {type Project} from '../layers/project.js'
import {terraceEnv, type TerraceEnvironment} from '../lib/terrace-env.js'

export interface Invocation {
  /** the layer context of cwd (project, account, layer, profiles), from the same loaded project */
  context(): Promise<LayerContext>
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** the project around cwd; NotInProjectError (exit 3) outside one, ConfigError (exit 4) for a broken one */
  project(): Promise<Project>
  /** TERRACE_* settings */
  readonly settings: TerraceEnvironment
}

/** The loaders are parameters so a test can count what reaches the files (as for the runner). */
export function createInvocation(
  where: {cwd: string; env: NodeJS.ProcessEnv},
  loaders: ProjectLoaders = {},
): Invocation {
  const {cwd, env} = where
  let cache: Promise<ProjectCache> | undefined
  const projects = () => {
    cache ??= import('../layers/project-cache.js').then(({projectCache}) => projectCache({env}, loaders))
    return cache
  }

  let project: Promise<Project> | undefined
  let context: Promise<LayerContext> | undefined
  return {
    context() {
      context ??= (async () => {
        const [{resolveContext}, cached] = await Promise.all([import('../layers/context.js'), projects()])
        return resolveContext(cwd, {env, projectAt: cached.project})
      })()
      return context
    },
    cwd,
    env,
    project() {
      project ??= (async () => {
        const [{findRoot}, cached] = await Promise.all([import('../layers/discover.js'), projects()])
        return cached.project(await findRoot(cwd))
      })()
      return project
    },
    settings: terraceEnv(env),
  }
}

let current: Invocation | undefined

/** This process's invocation (a terrace process runs one command). */
export function processInvocation(): Invocation {
  current ??= createInvocation({cwd: process.cwd(), env: process.env})
  return current
}
