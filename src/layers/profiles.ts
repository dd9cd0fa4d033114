import {basename} from 'node:path'

import type {ProfileRef} from './types.js'

import {isRecord} from './config-values.js'

/** A profile expression found in a layer's .tf file, as hcl2-parser renders it (`${var.project}-shared-devops`). */
export interface ProfileExpression {
  expression: string
  file: string
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value])
/** hcl2-parser renders blocks as arrays of objects (or a single object): the objects, either way */
const records = (value: unknown): Array<Record<string, unknown>> => asList(value).filter((item) => isRecord(item))

/**
 * Profile expressions in one parsed .tf file: `provider "aws"` blocks, `terraform { backend … }` blocks and
 * `terraform_remote_state` data sources (their `config.profile`), in file order.
 */
export function profileExpressions(parsed: Record<string, unknown>, file: string): ProfileExpression[] {
  const found: ProfileExpression[] = []
  const add = (value: unknown) => {
    if (typeof value === 'string') found.push({expression: value, file})
  }

  for (const provider of records(parsed.provider)) for (const block of records(provider.aws)) add(block.profile)
  for (const terraform of records(parsed.terraform)) {
    for (const backends of records(terraform.backend)) {
      for (const block of Object.values(backends).flatMap((backend) => records(backend))) add(block.profile)
    }
  }

  for (const data of records(parsed.data)) {
    for (const states of records(data.terraform_remote_state)) {
      for (const block of Object.values(states).flatMap((state) => records(state))) {
        if (isRecord(block.config)) add(block.config.profile)
      }
    }
  }

  return found
}

/** `locals { … }` values of one parsed .tf file. */
export function localValues(parsed: Record<string, unknown>): Record<string, unknown> {
  return Object.assign({}, ...asList(parsed.locals).filter((block) => isRecord(block)))
}

const REFERENCE = /\$\{\s*(var|local)\.([\w-]+)\s*\}/g

/**
 * Substitutes `${var.x}` and `${local.x}` in an expression. Returns null when something stays unresolved
 * (an unknown variable, a function call).
 */
export function substitute(
  expression: string,
  vars: Record<string, unknown>,
  locals: Record<string, unknown>,
  depth = 0,
): null | string {
  let unresolved = false
  const result = expression.replaceAll(REFERENCE, (_match, kind: string, name: string) => {
    const value = kind === 'var' ? vars[name] : locals[name]
    if (typeof value === 'string') {
      const inner = depth < 5 ? substitute(value, vars, locals, depth + 1) : null
      if (inner !== null) return inner
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      return String(value)
    }

    unresolved = true
    return ''
  })
  if (unresolved || result.includes('${') || result.includes('%{') || result === '') return null
  return result
}

export interface AccountRoles {
  [name: string]: {id: null | string; ssoRole: null | string}
}

/**
 * Maps a profile name to (account, account id, role) by matching `<project>-<account>[-<role>]` against the known
 * account names, the longest name first (never by splitting on `-`). The role is the account's sso_role.
 */
export function mapProfile(
  name: string,
  project: null | string,
  accounts: AccountRoles,
): {profile: ProfileRef; warnings: string[]} {
  const unknown = {profile: {account: null, accountId: null, name, role: null}}
  const prefix = project ? `${project}-` : ''
  if (!project || !name.startsWith(prefix)) {
    return {...unknown, warnings: [`profile ${name} does not start with the project name (${project ?? 'unknown'}-)`]}
  }

  const rest = name.slice(prefix.length)
  const account = Object.keys(accounts)
    .filter((candidate) => rest === candidate || rest.startsWith(`${candidate}-`))
    .sort((a, b) => b.length - a.length)[0]
  if (account === undefined) {
    return {...unknown, warnings: [`profile ${name} names no known account of project ${project}`]}
  }

  const {id, ssoRole} = accounts[account]
  const warnings: string[] = []
  const roleInName = rest.slice(account.length + 1)
  if (id === null) warnings.push(`profile ${name}: account ${account} has no id in common.tfvars`)
  if (ssoRole === null) warnings.push(`profile ${name}: account ${account} has no sso_role in its account.tfvars`)
  else if (roleInName && roleInName.toLowerCase() !== ssoRole.toLowerCase()) {
    warnings.push(`profile ${name} names role "${roleInName}" but account ${account}'s sso_role is ${ssoRole}`)
  }

  return {profile: {account, accountId: id, name, role: ssoRole}, warnings}
}

export const describeSource = (found: ProfileExpression): string => `${basename(found.file)}: "${found.expression}"`
