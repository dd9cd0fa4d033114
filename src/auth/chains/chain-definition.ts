/**
 * Role chains as terrace stores them (TERRACE_HOME/config/chains.json, format version 1): names, role ARNs,
 * session names and where the first hop's credentials come from. No secret is ever part of a chain. Pure.
 */
import type {IamUserType} from '../../lib/role-refs.js'

import {ConfigError, UsageError} from '../../lib/errors.js'

export const CHAINS_FORMAT_VERSION = 1
/** AWS allows more, but a longer chain is almost certainly a mistake */
export const MAX_HOPS = 10

/** Where the first hop's caller credentials come from. */
export type ChainSourceSpec =
  | {
      /** the project's name for the account, when it has one */
      account: null | string
      accountId: string
      kind: 'sso'
      role: string
      ssoRegion: string
      startUrl: string
    }
  | {kind: 'iam-user'; project: string; userType: IamUserType}

export interface ChainHop {
  accountId: string
  role: string
  roleArn: string
}

export interface ChainDefinition {
  hops: ChainHop[]
  /** the MFA code goes with the first AssumeRole (SerialNumber/TokenCode) instead of a GetSessionToken session */
  mfaOnFirstHop: boolean
  /** RoleSessionName of every hop; null: terrace-<chain> */
  sessionName: null | string
  source: ChainSourceSpec
}

export interface ChainsFile {
  chains: Record<string, ChainDefinition>
  version: typeof CHAINS_FORMAT_VERSION
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/((?:[\w+=,.@-]+\/)*)([\w+=,.@-]{1,64})$/
const CHAIN_NAME = /^[A-Za-z\d][\w.-]{0,47}$/
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const USER_TYPES: readonly IamUserType[] = ['bootstrap', 'management', 'security']

/** `arn:aws:iam::<12 digits>:role/<path/><name>` → its account and role name; ConfigError (exit 4) otherwise. */
export function parseRoleArn(arn: string): ChainHop {
  const match = ROLE_ARN.exec(arn.trim())
  if (!match) {
    throw new ConfigError(`"${arn}" is not a role ARN.`, {
      suggestion: 'A role ARN looks like arn:aws:iam::123456789012:role/DevOps.',
    })
  }

  return {accountId: match[1], role: match[3], roleArn: arn.trim()}
}

export function checkChainName(name: string): string {
  if (!CHAIN_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a usable chain name.`, {
      suggestion: 'Use letters, digits, ".", "_" and "-" (up to 48 characters), starting with a letter or digit.',
    })
  }

  return name
}

/** The RoleSessionName of every hop of `chain`. */
export function sessionNameFor(chain: string, definition: Pick<ChainDefinition, 'sessionName'>): string {
  return definition.sessionName ?? `terrace-${chain}`.slice(0, 64)
}

export function checkSessionName(name: string): string {
  if (!SESSION_NAME.test(name)) {
    throw new ConfigError(`"${name}" is not a valid role session name.`, {
      suggestion: 'Use 2 to 64 of: letters, digits and + = , . @ _ -',
    })
  }

  return name
}

/** What `--source` says, before it is resolved against a project. */
export type SourceFlag = {account: string; kind: 'sso'; role: string} | {kind: 'iam-user'; userType: IamUserType}

/** `security|management|bootstrap` or `sso:<account>/<role>`; UsageError (exit 2) otherwise. */
export function parseSourceFlag(text: string): SourceFlag {
  const value = text.trim()
  if ((USER_TYPES as readonly string[]).includes(value)) return {kind: 'iam-user', userType: value as IamUserType}
  const sso = /^sso:([^/\s]+)\/([\w+=,.@-]+)$/.exec(value)
  if (sso) return {account: sso[1], kind: 'sso', role: sso[2]}
  throw new UsageError(`--source "${text}" is neither an IAM user type nor an SSO role.`, {
    suggestion: 'Use --source security (or management, bootstrap) or --source sso:<account>/<role>.',
  })
}

/** A chain's text for people: `security user of bb → arn:… → arn:…`. */
export function describeSource(source: ChainSourceSpec): string {
  if (source.kind === 'iam-user') return `IAM user ${source.userType} of project ${source.project}`
  const account = source.account ? `${source.account} (${source.accountId})` : source.accountId
  return `SSO role ${source.role} in ${account}`
}

/** Checks a stored chain (chains.json may have been edited by hand); ConfigError naming the chain otherwise. */
export function validateDefinition(name: string, value: unknown, file: string): ChainDefinition {
  const bad = (what: string) =>
    new ConfigError(`Chain "${name}" in ${file} is malformed: ${what}.`, {
      suggestion: `Remove it with \`terrace chain remove ${name}\` and add it again with \`terrace chain add\`.`,
    })
  if (typeof value !== 'object' || value === null) throw bad('not an object')
  const def = value as Partial<ChainDefinition>
  if (!Array.isArray(def.hops) || def.hops.length === 0) throw bad('it has no hops')
  if (def.hops.length > MAX_HOPS) throw bad(`more than ${MAX_HOPS} hops`)
  const hops = def.hops.map((hop: Partial<ChainHop>) => {
    if (typeof hop?.roleArn !== 'string') throw bad('a hop has no roleArn')
    try {
      return parseRoleArn(hop.roleArn)
    } catch {
      throw bad(`"${hop.roleArn}" is not a role ARN`)
    }
  })
  const sessionName = def.sessionName ?? null
  if (sessionName !== null && (typeof sessionName !== 'string' || !SESSION_NAME.test(sessionName)))
    throw bad('its session name is invalid')
  const source = def.source as Partial<ChainSourceSpec> | undefined
  if (source?.kind === 'iam-user') {
    if (typeof source.project !== 'string' || !(USER_TYPES as readonly unknown[]).includes(source.userType))
      throw bad('its IAM-user source needs a project and a type')
  } else if (source?.kind === 'sso') {
    const fields = [source.accountId, source.role, source.startUrl, source.ssoRegion]
    if (fields.some((field) => typeof field !== 'string' || field === '') || !/^\d{12}$/.test(source.accountId!))
      throw bad('its SSO source needs an account id, a role, a start URL and a region')
  } else throw bad('its source is neither an IAM user nor an SSO role')

  return {
    hops,
    mfaOnFirstHop: def.mfaOnFirstHop === true,
    sessionName,
    source: {...source} as ChainSourceSpec,
  }
}

/** chains.json's text → its chains; ConfigError for bad JSON, an unknown version or a malformed chain. */
export function parseChainsFile(text: string, file: string): Record<string, ChainDefinition> {
  let parsed: Partial<ChainsFile>
  try {
    parsed = JSON.parse(text) as Partial<ChainsFile>
  } catch {
    throw new ConfigError(`${file} is not valid JSON.`, {
      suggestion: 'Fix it by hand, or move it aside and add your chains again with `terrace chain add`.',
    })
  }

  if (typeof parsed !== 'object' || parsed === null || parsed.version !== CHAINS_FORMAT_VERSION) {
    throw new ConfigError(`${file} has format version ${String(parsed?.version)}; this terrace reads version 1.`, {
      suggestion: 'Upgrade terrace, or move the file aside.',
    })
  }

  const chains: Record<string, ChainDefinition> = {}
  for (const [name, value] of Object.entries(parsed.chains ?? {})) chains[name] = validateDefinition(name, value, file)
  return chains
}

export function renderChainsFile(chains: Record<string, ChainDefinition>): string {
  const sorted = Object.fromEntries(Object.entries(chains).sort(([a], [b]) => a.localeCompare(b)))
  const body: ChainsFile = {chains: sorted, version: CHAINS_FORMAT_VERSION}
  return `${JSON.stringify(body, null, 2)}\n`
}
