/**
 * Wires the IamRoleRef source for a command (runner, credential-process): the SDK-backed STS port, the MFA code
 * source (flag, TERRACE_MFA_CODE, no-echo prompt on stderr) and the process's MFA sessions.
 */
import type {Clock} from '../../lib/clock.js'
import type {IamRoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {CredentialSource} from '../credentials/types.js'
import type {StsPort} from './sts-port.js'

import {promptSecret} from '../../lib/prompt.js'
import {createIamCredentialSource} from './iam-source.js'
import {createMfaCodeSource} from './mfa-code.js'
import {createMfaSessions, type MfaSessionDeps, mfaSessionDurationSeconds} from './mfa-session.js'
import {sdkSts} from './sts-port.js'

export interface OpenIamSourceOptions {
  clock: Clock
  env: NodeJS.ProcessEnv
  /** whether the MFA code may be asked on the terminal now (false while a child owns it, and in non-interactive runs) */
  interactive: () => boolean
  lockDir: string
  /** `--mfa-code` of this invocation, read when a code is first needed */
  mfaCode?: () => null | string
  /** terrace.json's mfaSessionDurationSeconds, read when a session is made */
  settingsSessionSeconds?: () => null | number
  stderr: NodeJS.WritableStream
  store: SecretStore
  /** tests */
  sts?: StsPort
  ttlMs: number
}

export function openIamSource(options: OpenIamSourceOptions): CredentialSource<IamRoleRef> {
  const {clock, env, lockDir, stderr, store, ttlMs} = options
  const sts = options.sts ?? sdkSts(env)
  let codes: ReturnType<typeof createMfaCodeSource> | undefined
  const sessionDeps: MfaSessionDeps = {
    clock,
    codes: {
      code(serial, attempt) {
        codes ??= createMfaCodeSource({
          env,
          flagCode: options.mfaCode?.() ?? null,
          interactive: options.interactive,
          prompt: (question) => promptSecret(question, {input: process.stdin, output: stderr}),
        })
        return codes.code(serial, attempt)
      },
    },
    get durationSeconds() {
      return mfaSessionDurationSeconds(env, options.settingsSessionSeconds?.() ?? null)
    },
    env,
    lockDir,
    notice: (message) => stderr.write(`${message}\n`),
    store,
    sts,
  }
  return createIamCredentialSource({clock, env, lockDir, sessions: createMfaSessions(sessionDeps), store, sts, ttlMs})
}
