/**
 * terrace's own environment variables (TERRACE_*), parsed and validated here and nowhere else: every other module
 * asks this one. Values that can be wrong are methods, so a bad TERRACE_CREDENTIAL_TTL fails only the commands that
 * hand out credentials, with exit 4 naming the variable and the fix; `terrace --help` still works.
 */
import {ConfigError} from './errors.js'

/** Handed-out credentials are never older than this (at most 30 minutes). */
export const MAX_CREDENTIAL_TTL_SECONDS = 1800
export const DEFAULT_MFA_SESSION_SECONDS = 10 * 3600
/** GetSessionToken's limits for IAM users */
export const MIN_MFA_SESSION_SECONDS = 900
export const MAX_MFA_SESSION_SECONDS = 129_600

export type VaultMode = 'file' | 'keychain'

/** Whether credential-process and wrapped commands start terrace's agent on demand (auto) or never (off). */
export type AgentMode = 'auto' | 'off'

export interface TerraceEnvironment {
  /** TERRACE_AGENT: auto (default; off when CI=true) or off; exit 4 for anything else */
  agent(): AgentMode
  /** TERRACE_AWS_BIN: the AWS CLI to run, null for terrace.json or PATH */
  readonly awsBin: null | string
  /** TERRACE_CREDENTIAL_TTL: how old handed-out credentials may be, at most 1800 s (default); exit 4 when malformed */
  credentialTtlSeconds(): number
  /** TERRACE_DEBUG: set and not 0 adds stack traces to terrace's own failures */
  readonly debug: boolean
  /** TERRACE_HOME: where terrace keeps its state, null for the platform's default */
  readonly home: null | string
  /** TERRACE_MFA_CODE: a one-time code for an MFA project's IAM user, null when unset or blank */
  readonly mfaCode: null | string
  /** TERRACE_MFA_SESSION_DURATION: seconds, 900 to 129600, null when unset; exit 4 when out of range */
  mfaSessionSeconds(): null | number
  /** TERRACE_NO_INPUT (--no-input): never prompt */
  readonly noInput: boolean
  /** TERRACE_TEST_DIE_AT: a crash point (lib/test-death.ts) where the process kills itself, for tests; null in normal use */
  readonly testDieAt: null | string
  /** TERRACE_TF_BIN: the terraform/tofu binary, null for --bin, terrace.json or PATH */
  readonly tfBin: null | string
  /** TERRACE_VAULT: keychain or file, null to let terrace choose; exit 4 for anything else */
  vault(): null | VaultMode
  /** TERRACE_VAULT_PASSPHRASE: the file vault's passphrase, null when unset or empty */
  readonly vaultPassphrase: null | string
}

/** A variable that counts as on: set, and not empty, 0 or false. */
export function isSet(value: string | undefined): boolean {
  if (value === undefined) return false
  const v = value.trim().toLowerCase()
  return v !== '' && v !== '0' && v !== 'false'
}

const text = (value: string | undefined): null | string => value || null
const trimmed = (value: string | undefined): null | string => value?.trim() || null

export function terraceEnv(env: NodeJS.ProcessEnv = process.env): TerraceEnvironment {
  return {
    agent: () => agentMode(env.TERRACE_AGENT, env.CI),
    awsBin: text(env.TERRACE_AWS_BIN),
    credentialTtlSeconds: () => credentialTtlSeconds(env.TERRACE_CREDENTIAL_TTL),
    debug: Boolean(env.TERRACE_DEBUG && env.TERRACE_DEBUG !== '0'),
    home: text(env.TERRACE_HOME),
    mfaCode: trimmed(env.TERRACE_MFA_CODE),
    mfaSessionSeconds: () => mfaSessionSeconds(env.TERRACE_MFA_SESSION_DURATION),
    noInput: isSet(env.TERRACE_NO_INPUT),
    testDieAt: text(env.TERRACE_TEST_DIE_AT),
    tfBin: text(env.TERRACE_TF_BIN),
    vault: () => vaultMode(env.TERRACE_VAULT),
    vaultPassphrase: text(env.TERRACE_VAULT_PASSPHRASE),
  }
}

/** `terrace --debug <command>`: the option typed before the command counts like TERRACE_DEBUG=1, for this process and its children. */
export function enableDebug(env: NodeJS.ProcessEnv = process.env): void {
  env.TERRACE_DEBUG = '1'
}

/** `--debug` among the arguments, or TERRACE_DEBUG. */
export function isDebug(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--debug') || terraceEnv(env).debug
}

function agentMode(value: string | undefined, ci: string | undefined): AgentMode {
  const mode = value?.trim().toLowerCase()
  if (!mode) return isSet(ci) ? 'off' : 'auto'
  if (mode === 'auto' || mode === 'off') return mode
  throw new ConfigError(`TERRACE_AGENT must be "auto" or "off", not "${value}"`, {
    suggestion: 'Unset TERRACE_AGENT (auto, or off when CI=true), or set it to auto or off.',
  })
}

function credentialTtlSeconds(value: string | undefined): number {
  const raw = value?.trim()
  if (!raw) return MAX_CREDENTIAL_TTL_SECONDS
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) {
    throw new ConfigError(`TERRACE_CREDENTIAL_TTL must be a whole number of seconds above 0, not "${value}".`, {
      suggestion: `Unset it (default ${MAX_CREDENTIAL_TTL_SECONDS} s) or set it to a number of seconds up to ${MAX_CREDENTIAL_TTL_SECONDS}.`,
    })
  }

  return Math.min(Number(raw), MAX_CREDENTIAL_TTL_SECONDS)
}

function mfaSessionSeconds(value: string | undefined): null | number {
  const raw = value?.trim()
  if (!raw) return null
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n < MIN_MFA_SESSION_SECONDS || n > MAX_MFA_SESSION_SECONDS) {
    throw new ConfigError(
      `TERRACE_MFA_SESSION_DURATION must be a whole number of seconds from ${MIN_MFA_SESSION_SECONDS} to ${MAX_MFA_SESSION_SECONDS}, not "${raw}".`,
      {suggestion: `Unset it (default ${DEFAULT_MFA_SESSION_SECONDS} s, 10 hours) or fix the value.`},
    )
  }

  return n
}

function vaultMode(value: string | undefined): null | VaultMode {
  const mode = value?.trim().toLowerCase()
  if (!mode) return null
  if (mode === 'keychain' || mode === 'file') return mode
  throw new ConfigError(`TERRACE_VAULT must be "keychain" or "file", not "${value}"`, {
    suggestion: 'Unset TERRACE_VAULT to let terrace choose, or set it to keychain or file.',
  })
}
