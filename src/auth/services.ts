import {join} from 'node:path'

import {systemClock} from '../lib/clock.js'
import {homePaths} from '../lib/paths.js'
import {isInteractive} from '../lib/prompt.js'
import {SecretStore} from '../vault/secret-store.js'
import {openVault, terminalPassphrasePrompt} from '../vault/select.js'
import {sdkOidc, sdkPortal} from './sso/sdk-ports.js'
import {SsoLogin} from './sso/sso-login.js'

/**
 * The one place that wires auth's dependencies from the environment (the composition root for commands).
 * Everything below takes its dependencies as arguments, so tests build their own.
 */
export async function createAuthServices(options: {env?: NodeJS.ProcessEnv; notice?: (msg: string) => void} = {}) {
  const env = options.env ?? process.env
  const paths = homePaths(env)
  const interactive = isInteractive(env, process.stdin)
  const store: SecretStore = await openVault({
    env,
    home: paths.root,
    interactive,
    notice: options.notice ?? ((msg) => process.stderr.write(`${msg}\n`)),
    promptPassphrase: terminalPassphrasePrompt({env, input: process.stdin, output: process.stderr}),
  })
  const lockDir = join(paths.cache, 'locks')
  const clock = systemClock
  return {
    clock,
    configDir: paths.config,
    env,
    interactive,
    lockDir,
    paths,
    portal: sdkPortal,
    ssoLogin: new SsoLogin({clock, env, lockDir, oidc: sdkOidc, store}),
    store,
  }
}

export type AuthServices = Awaited<ReturnType<typeof createAuthServices>>
