/** The workspace of this run: TERRACE_HOME/workspace.json, restore warnings on stderr. */
import {homePaths} from '../lib/paths.js'
import {workspaceFiles, type WorkspaceStore} from './workspace-file.js'

export function workspaceStore(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = (message) => process.stderr.write(`${message}\n`),
): WorkspaceStore {
  return {files: workspaceFiles(homePaths(env).root), warn}
}
