import {homedir} from 'node:os'
import {join} from 'node:path'

import {terraceEnv} from './terrace-env.js'

/**
 * Where terrace keeps its state: TERRACE_HOME, else the platform's config dir.
 * Inside: config/ (settings, profile mappings, chains), cache/ (parse cache, credential locks), logs/.
 */
export function terraceHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const fromEnv = terraceEnv(env).home
  if (fromEnv) return fromEnv
  const home = env.HOME || homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'terrace')
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'terrace')
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'terrace')
}

export const homePaths = (env: NodeJS.ProcessEnv = process.env) => {
  const root = terraceHome(env)
  return {cache: join(root, 'cache'), config: join(root, 'config'), logs: join(root, 'logs'), root}
}

/** Where `terrace sandbox` records the sandboxes it runs, for `terrace sandbox env`. */
export const sandboxRecordDir = (env: NodeJS.ProcessEnv = process.env) => join(homePaths(env).cache, 'sandboxes')
