/**
 * The chain source wired from a command's services: chains.json under TERRACE_HOME/config, STS through the SDK,
 * the project's IAM users and MFA sessions from the vault, SSO role credentials from the SSO source. MFA codes are
 * asked (no-echo, on the terminal) only before a child starts: once it owns the terminal a renewal that would need
 * a new code fails with a clear message instead (the broker warns and the run keeps its current credentials).
 */
import type {Clock} from '../../lib/clock.js'
import type {ChainRef, SsoRoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {CredentialSource} from '../credentials/types.js'
import type {MfaCodeSource} from '../iam/mfa-code.js'
import type {MfaSessions} from '../iam/mfa-session.js'
import type {StsPort} from '../iam/sts-port.js'

import {MfaError} from '../../lib/errors.js'
import {chainBase} from './chain-base.js'
import {createChainSource} from './chain-source.js'
import {readChain} from './chain-store.js'

export interface ChainWiring {
  clock: Clock
  configDir: string
  env: NodeJS.ProcessEnv
  interactive: boolean
  /** true while a child owns the terminal: no prompt, no progress lines */
  isChildRunning(): boolean
  lockDir: string
  /** shared with the IAM-role source when the command has one, so MFA is asked at most once per process */
  sessions?: MfaSessions
  sso: CredentialSource<SsoRoleRef>
  stderr: {write(chunk: string): unknown}
  store: SecretStore
  /** defaults to sdkSts(env) */
  sts?: StsPort
  ttlMs: number
}

/** MFA codes from --mfa-code/TERRACE_MFA_CODE/the terminal, refused while a child owns the terminal. */
export function guardedCodes(codes: MfaCodeSource, isChildRunning: () => boolean): MfaCodeSource {
  return {
    code(serial, attempt) {
      if (isChildRunning()) {
        return Promise.reject(
          new MfaError(`The MFA session expired while the command was running; terrace cannot ask for a code now.`, {
            suggestion: 'Run the command again: terrace asks for the MFA code before the command starts.',
          }),
        )
      }

      return codes.code(serial, attempt)
    },
  }
}

export async function openChainSource(wiring: ChainWiring): Promise<CredentialSource<ChainRef>> {
  const [{createMfaCodeSource}, {createMfaSessions, mfaSessionDurationSeconds}, {sdkSts}, {promptSecret}] =
    await Promise.all([
      import('../iam/mfa-code.js'),
      import('../iam/mfa-session.js'),
      import('../iam/sts-port.js'),
      import('../../lib/prompt.js'),
    ])
  const {env, stderr} = wiring
  const sts = wiring.sts ?? sdkSts(env)
  const codes = guardedCodes(
    createMfaCodeSource({
      env,
      interactive: wiring.interactive,
      prompt: (question) => promptSecret(question, {input: process.stdin, output: process.stderr}),
    }),
    wiring.isChildRunning,
  )
  const sessions =
    wiring.sessions ??
    createMfaSessions({
      clock: wiring.clock,
      codes,
      durationSeconds: mfaSessionDurationSeconds(env, null),
      env,
      lockDir: wiring.lockDir,
      notice: (message) => stderr.write(`${message}\n`),
      store: wiring.store,
      sts,
    })
  return createChainSource({
    base: chainBase({sessions, sso: wiring.sso, store: wiring.store}),
    clock: wiring.clock,
    definition: (ref) => readChain(wiring.configDir, ref.chain, ref.source),
    env,
    lockDir: wiring.lockDir,
    mfaCode: (serial, attempt) => codes.code(serial, attempt),
    progress(line) {
      if (!wiring.isChildRunning()) stderr.write(`${line}\n`)
    },
    store: wiring.store,
    sts,
    ttlMs: wiring.ttlMs,
  })
}
