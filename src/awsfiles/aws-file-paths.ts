import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

/** The user's AWS config file: AWS_CONFIG_FILE when set, else ~/.aws/config (absolute). */
export function awsConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_CONFIG_FILE) return resolve(expandHome(env.AWS_CONFIG_FILE, env))
  return join(env.HOME || homedir(), '.aws', 'config')
}

/** The user's AWS credentials file: AWS_SHARED_CREDENTIALS_FILE when set, else ~/.aws/credentials (absolute). */
export function awsCredentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AWS_SHARED_CREDENTIALS_FILE) return resolve(expandHome(env.AWS_SHARED_CREDENTIALS_FILE, env))
  return join(env.HOME || homedir(), '.aws', 'credentials')
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path
}
