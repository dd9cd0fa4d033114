/**
 * Where an MFA code comes from: `--mfa-code`, else TERRACE_MFA_CODE, else a no-echo prompt on the terminal (only
 * when the run is interactive), else MfaError (exit 7) at once with the advice. A code given by the flag or the
 * variable is used once: when AWS refuses it there is nobody to ask again, so the next attempt is exit 7.
 */
import {MfaError} from '../../lib/errors.js'
import {terraceEnv} from '../../lib/terrace-env.js'

export interface MfaCodeSource {
  /** attempt counts from 1; attempt > 1 follows a code AWS refused */
  code(serial: string, attempt: number): Promise<string>
}

export interface MfaCodeSourceOptions {
  env: NodeJS.ProcessEnv
  /** `--mfa-code` */
  flagCode?: null | string
  /** whether a prompt is possible now (a function: not while a child owns the terminal) */
  interactive: (() => boolean) | boolean
  /** a no-echo prompt on the terminal (promptSecret to stderr) */
  prompt(question: string): Promise<string>
}

const ADVICE = 'Pass the current code with --mfa-code CODE or the TERRACE_MFA_CODE variable, or run from a terminal.'

export function createMfaCodeSource(options: MfaCodeSourceOptions): MfaCodeSource {
  const fromEnv = terraceEnv(options.env).mfaCode
  const given = nonEmpty(options.flagCode)
    ? {from: '--mfa-code', value: options.flagCode!.trim()}
    : fromEnv
      ? {from: 'TERRACE_MFA_CODE', value: fromEnv}
      : null
  let givenUsed = false
  return {
    async code(serial, attempt) {
      if (given) {
        if (givenUsed || attempt > 1) {
          throw new MfaError(`AWS refused the MFA code from ${given.from} for ${serial}.`, {
            suggestion: `Give a current code from the device ${serial} (codes change every 30 seconds).`,
          })
        }

        givenUsed = true
        return given.value
      }

      const interactive = typeof options.interactive === 'function' ? options.interactive() : options.interactive
      if (!interactive) {
        throw new MfaError(`An MFA code for ${serial} is needed, and this run is non-interactive.`, {
          suggestion: ADVICE,
        })
      }

      return (await options.prompt(`MFA code for ${serial}: `)).trim()
    },
  }
}

const nonEmpty = (value: null | string | undefined): boolean => typeof value === 'string' && value.trim() !== ''
