/**
 * What the session commands that need credentials (start, rotate, export) and serve profiles (start, stop, remove)
 * are given: the credential root composed for this run (MFA codes from TERRACE_MFA_CODE, else the terminal when the
 * run is interactive), and the user's AWS files and terrace's registry.
 */
import {join} from 'node:path'

import type {AwsCredentials} from '../auth/credentials/types.js'
import type {SessionRef} from '../lib/role-refs.js'
import type {ServeDeps} from '../workspace/session-serving.js'

import {credentialTtlMs, handedOutExpiration} from '../auth/credentials/ttl.js'
import {awsConfigFile, awsCredentialsFile} from '../awsfiles/aws-file-paths.js'
import {homePaths} from '../lib/paths.js'
import {workspaceStore} from '../workspace/store.js'

export interface SessionCredentials {
  expirationOf(creds: AwsCredentials): number
  obtain(ref: SessionRef, options: {force: boolean}): Promise<AwsCredentials>
}

/** The vault and the credential root are opened on the first obtain (stop and remove of SSO sessions never do). */
export function sessionCredentials(env: NodeJS.ProcessEnv): SessionCredentials {
  let opening: Promise<Awaited<ReturnType<typeof compose>>> | undefined
  const opened = () => {
    opening ??= compose(env)
    return opening
  }

  return {
    expirationOf: (creds) => handedOutExpiration(creds, credentialTtlMs(env)),
    async obtain(ref, options) {
      return (await opened()).source.get(ref, {forceRefresh: options.force})
    },
  }
}

async function compose(env: NodeJS.ProcessEnv) {
  const [{createAuthServices}, {composeCredentials}, {mfaPolicy}, {isInteractive, promptSecret}] = await Promise.all([
    import('../auth/services.js'),
    import('../auth/credential-root.js'),
    import('../auth/iam/mfa-code.js'),
    import('../lib/prompt.js'),
  ])
  const services = await createAuthServices({env})
  const prompt = isInteractive(env, process.stdin)
    ? (question: string) => promptSecret(question, {input: process.stdin, output: process.stderr})
    : null
  return composeCredentials(services, {
    mfa: mfaPolicy({env, prompt}),
    mfaSessionSeconds: null,
    stderr: process.stderr,
  })
}

/** The serve dependencies of this run; `root` is the oclif config root (where bin/run.js is). */
export function serveDeps(env: NodeJS.ProcessEnv, root: string): ServeDeps & SessionCredentials {
  const credentials = sessionCredentials(env)
  return {
    ...credentials,
    configDir: homePaths(env).config,
    configFile: awsConfigFile(env),
    credentialsFile: awsCredentialsFile(env),
    entry: join(root, 'bin', 'run.js'),
    node: process.execPath,
    now: Date.now,
    workspace: workspaceStore(env),
  }
}
