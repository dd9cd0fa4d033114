/**
 * A logged-in terrace for tests that are about something else (argument injection, signals, --layers): an
 * in-process sandbox with auto-approve and a real `terrace aws sso login` into the file vault.
 */
import {runCli} from './cli.js'
import {startTestSandbox} from './sandbox.js'

export interface LoggedIn {
  /** sandbox endpoints + TERRACE_HOME + the file vault's settings: spread into every CLI run of the test */
  env: NodeJS.ProcessEnv
  stop(): Promise<void>
}

export async function loggedIn(options: {cwd: string; terraceHome: string}): Promise<LoggedIn> {
  const sb = await startTestSandbox({autoApprove: true})
  const env: NodeJS.ProcessEnv = {
    ...sb.env,
    TERRACE_HOME: options.terraceHome,
    TERRACE_VAULT: 'file',
    TERRACE_VAULT_PASSPHRASE: 'wrap tests passphrase',
  }
  const result = await runCli(['aws', 'sso', 'login', '--no-browser'], {cwd: options.cwd, env})
  if (result.code !== 0) {
    await sb.stop()
    throw new Error(`terrace aws sso login failed (${result.code}): ${result.stderr}`)
  }

  return {env, stop: () => sb.stop()}
}
