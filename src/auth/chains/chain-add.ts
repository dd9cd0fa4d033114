/** `terrace chain add|list|remove` as services: flags in, chains.json changed, a description out. */
import type {ChainProject} from '../../lib/role-refs.js'

import {ConfigError, UsageError} from '../../lib/errors.js'
import {
  type ChainDefinition,
  type ChainSourceSpec,
  checkChainName,
  checkSessionName,
  describeSource,
  MAX_HOPS,
  parseRoleArn,
  parseSourceFlag,
  sessionNameFor,
} from './chain-definition.js'
import {readChains, updateChains} from './chain-store.js'

export interface AddChainInput {
  mfa: boolean
  name: string
  overwrite: boolean
  roles: string[]
  sessionName?: string
  source: string
}

/** The chain the flags describe, resolved against the project (account name → id, SSO start URL). Pure. */
export function chainFromFlags(input: AddChainInput, project: ChainProject): ChainDefinition {
  checkChainName(input.name)
  if (input.roles.length === 0) throw new UsageError('terrace chain add needs at least one --role ARN')
  if (input.roles.length > MAX_HOPS) throw new UsageError(`a chain has at most ${MAX_HOPS} hops`)
  const flag = parseSourceFlag(input.source)
  const hops = input.roles.map((arn) => parseRoleArn(arn))
  const sessionName = input.sessionName === undefined ? null : checkSessionName(input.sessionName)
  let source: ChainSourceSpec
  if (flag.kind === 'iam-user') {
    source = {kind: 'iam-user', project: project.name, userType: flag.userType}
  } else {
    if (input.mfa) {
      throw new UsageError('--mfa applies to chains that start from an IAM user', {
        suggestion: 'An SSO-sourced chain needs no MFA code: IAM Identity Center did the MFA at login.',
      })
    }

    source = {kind: 'sso', ...resolveSsoAccount(flag.account, project), role: flag.role, ...project.sso()}
  }

  checkSessionName(sessionNameFor(input.name, {sessionName}))
  return {hops, mfaOnFirstHop: input.mfa, sessionName, source}
}

function resolveSsoAccount(account: string, project: ChainProject): {account: null | string; accountId: string} {
  if (/^\d{12}$/.test(account)) {
    const name = Object.entries(project.accountIds).find(([, id]) => id === account)?.[0] ?? null
    return {account: name, accountId: account}
  }

  const id = Object.hasOwn(project.accountIds, account) ? project.accountIds[account] : null
  if (!id) {
    const known = Object.entries(project.accountIds)
      .filter(([, accountId]) => accountId)
      .map(([name]) => name)
    throw new ConfigError(`Project ${project.name} has no account "${account}" with an id.`, {
      suggestion: `Accounts: ${known.join(', ') || '(none)'} (or give the 12-digit account id).`,
    })
  }

  return {account, accountId: id}
}

export async function addChain(
  configDir: string,
  input: AddChainInput,
  project: ChainProject,
): Promise<ChainDefinition> {
  const definition = chainFromFlags(input, project)
  await updateChains(configDir, (chains) => {
    if (Object.hasOwn(chains, input.name) && !input.overwrite) {
      throw new ConfigError(`A chain named "${input.name}" already exists.`, {
        suggestion: `Use --overwrite to replace it, or \`terrace chain remove ${input.name}\` first.`,
      })
    }

    return {...chains, [input.name]: definition}
  })
  return definition
}

export async function removeChain(configDir: string, name: string): Promise<void> {
  await updateChains(configDir, (chains) => {
    if (!Object.hasOwn(chains, name)) {
      throw new ConfigError(`No role chain named "${name}".`, {suggestion: 'See `terrace chain list`.'})
    }

    const rest = {...chains}
    delete rest[name]
    return rest
  })
}

/** One chain as `chain list --json` shows it. */
export interface ChainListing {
  finalRole: {accountId: string; role: string; roleArn: string}
  hops: string[]
  mfaOnFirstHop: boolean
  name: string
  sessionName: string
  source: ChainSourceSpec
  sourceDescription: string
}

export function describeChain(name: string, definition: ChainDefinition): ChainListing {
  const last = definition.hops.at(-1)!
  return {
    finalRole: {accountId: last.accountId, role: last.role, roleArn: last.roleArn},
    hops: definition.hops.map((hop) => hop.roleArn),
    mfaOnFirstHop: definition.mfaOnFirstHop,
    name,
    sessionName: sessionNameFor(name, definition),
    source: definition.source,
    sourceDescription: describeSource(definition.source),
  }
}

export async function listChains(configDir: string): Promise<ChainListing[]> {
  const chains = await readChains(configDir)
  return Object.entries(chains)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, definition]) => describeChain(name, definition))
}

/** Lines for people: the chain, its source, then each hop numbered. Pure. */
export function formatChain(listing: ChainListing): string[] {
  const mfa = listing.mfaOnFirstHop ? ', MFA code on hop 1' : ''
  return [
    `${listing.name}: ${listing.sourceDescription}${mfa} (session ${listing.sessionName})`,
    ...listing.hops.map((arn, i) => `  [${i + 1}/${listing.hops.length}] ${arn}`),
  ]
}
