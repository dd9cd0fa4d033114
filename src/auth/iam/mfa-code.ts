/**
 * Where an MFA code comes from, decided once by the command as an explicit MfaPolicy: a code given by `--mfa-code`
 * or TERRACE_MFA_CODE (used once: when AWS refuses it there is nobody to ask again, so the next attempt is exit 7),
 * else a no-echo prompt on the terminal (only when the run is interactive), else never (MfaError, exit 7, at once
 * with the advice).
 */
import {MfaError} from '../../lib/errors.js'
import {terraceEnv} from '../../lib/terrace-env.js'

export interface MfaCodeSource {
  /** attempt counts from 1; attempt > 1 follows a code AWS refused */
  code(serial: string, attempt: number): Promise<string>
}

/** How this run gets an MFA code (built by the command, passed to the credential root). */
export type MfaPolicy =
  | {code: string; from: '--mfa-code' | 'TERRACE_MFA_CODE'; kind: 'given'}
  | {kind: 'interactive'; prompt(question: string): Promise<string>}
  | {kind: 'never'}

export interface MfaPolicyOptions {
  env: NodeJS.ProcessEnv
  /** `--mfa-code` */
  flagCode?: null | string
  /** a no-echo prompt on the terminal (promptSecret to stderr); null when the run is non-interactive */
  prompt?: ((question: string) => Promise<string>) | null
}

/** `--mfa-code`, else TERRACE_MFA_CODE, else the prompt when there is one, else never. */
export function mfaPolicy(options: MfaPolicyOptions): MfaPolicy {
  const fromEnv = terraceEnv(options.env).mfaCode
  if (nonEmpty(options.flagCode)) return {code: options.flagCode!.trim(), from: '--mfa-code', kind: 'given'}
  if (fromEnv) return {code: fromEnv, from: 'TERRACE_MFA_CODE', kind: 'given'}
  return options.prompt ? {kind: 'interactive', prompt: options.prompt} : {kind: 'never'}
}

const ADVICE = 'Pass the current code with --mfa-code CODE or the TERRACE_MFA_CODE variable, or run from a terminal.'

export function mfaCodeSource(policy: MfaPolicy): MfaCodeSource {
  let givenUsed = false
  return {
    async code(serial, attempt) {
      switch (policy.kind) {
        case 'given': {
          if (givenUsed || attempt > 1) {
            throw new MfaError(`AWS refused the MFA code from ${policy.from} for ${serial}.`, {
              suggestion: `Give a current code from the device ${serial} (codes change every 30 seconds).`,
            })
          }

          givenUsed = true
          return policy.code
        }

        case 'interactive': {
          return (await policy.prompt(`MFA code for ${serial}: `)).trim()
        }

        case 'never': {
          throw new MfaError(`An MFA code for ${serial} is needed, and this run is non-interactive.`, {
            suggestion: ADVICE,
          })
        }
      }
    },
  }
}

/** MFA codes by policy, refused while a child owns the terminal (the runner asks only before a child starts). */
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

const nonEmpty = (value: null | string | undefined): boolean => typeof value === 'string' && value.trim() !== ''
