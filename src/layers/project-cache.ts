/**
 * One invocation's view of its project: each root's settings (terrace.json, build.env) and project (common.tfvars,
 * accounts) are loaded once, however many steps ask (the binary lookup, the layer context, the credential plan).
 */
import {type LoadOptions, loadProjectAt, type Project} from './project.js'
import {loadProjectSettings, type ProjectSettings} from './settings.js'

export interface ProjectCache {
  project(root: string): Promise<Project>
  settings(root: string): Promise<ProjectSettings>
}

/** The loaders are parameters so a test can count what reaches the files. */
export interface ProjectLoaders {
  loadProjectAt?: typeof loadProjectAt
  loadProjectSettings?: typeof loadProjectSettings
}

export function projectCache(options: LoadOptions = {}, loaders: ProjectLoaders = {}): ProjectCache {
  const settings = once((root) => (loaders.loadProjectSettings ?? loadProjectSettings)(root))
  const project = once((root) => (loaders.loadProjectAt ?? loadProjectAt)(root, {...options, settingsAt: settings}))
  return {project, settings}
}

function once<T>(load: (root: string) => Promise<T>): (root: string) => Promise<T> {
  const loaded = new Map<string, Promise<T>>()
  return (root) => {
    let value = loaded.get(root)
    if (!value) {
      value = load(root)
      loaded.set(root, value)
    }

    return value
  }
}
