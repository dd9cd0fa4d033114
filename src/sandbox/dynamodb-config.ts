/**
 * The sandbox's DynamoDB tables, from the `dynamodb` key of its configuration (docs/sandbox.md): each table lives in
 * one account, holds items in the structure of the central account table (`id`, `name`, `description`, `region`
 * list, `role` list of role ARNs, as the letme tool keeps them), listed and/or generated. Items are stored as
 * DynamoDB attribute maps, in the order given (listed first, then generated): the order Scan walks.
 */
import type {AccountConfig} from './config.js'

/** A DynamoDB attribute value, as the JSON protocol writes it. */
export type AttributeValue =
  | {BOOL: boolean}
  | {L: AttributeValue[]}
  | {M: Record<string, AttributeValue>}
  | {N: string}
  | {NULL: true}
  | {S: string}
  | {SS: string[]}

export type AttributeMap = Record<string, AttributeValue>

/** One item as the configuration writes it: the account table's structure. */
export interface AccountItemInput {
  description?: string
  /** the account id, a number as letme stores it */
  id?: number
  name: string
  region?: string[]
  /** role ARNs in the order they are assumed (the last one is the account's) */
  role: string[]
}

export interface GenerateInput {
  count: number
  /** hop counts, cycled over the generated items (default [1]) */
  hops?: number[]
  /** region list of every generated item (default: the sandbox's region) */
  regions?: string[]
  /** the role name assumed at every hop (default DevOps) */
  role?: string
  /** accounts (name or id) of the hops before the last, in order: an item of h hops goes through the first h-1 */
  via?: string[]
}

export interface TableInput {
  /** the account (name or id) the table lives in: only its principals may read it */
  account: string
  generate?: GenerateInput
  items?: AccountItemInput[]
  /** the partition key attribute (default `name`, what `letme obtain <name>` looks up) */
  key?: string
  /** a Scan page holds at most this many items (stands in for AWS's 1 MB page cap on small tables) */
  maxItemsPerPage?: number
  /** the region the table is in (default: the sandbox's region); a request signed for another region misses it */
  region?: string
}

export interface DynamoDbInput {
  tables?: Record<string, TableInput>
}

export interface DynamoTable {
  accountId: string
  items: AttributeMap[]
  key: string
  maxItemsPerPage: null | number
  name: string
  region: string
}

const TABLE_NAME = /^[\w.-]{3,255}$/
const ATTRIBUTE_NAME = /^[\w.-]{1,255}$/

/** The problem a value has, thrown as a SandboxConfigError by config.ts (which owns that class). */
export type ConfigProblem = (message: string) => Error

function findAccount(accounts: AccountConfig[], ref: string, field: string, fail: ConfigProblem): AccountConfig {
  const account = accounts.find((candidate) => candidate.name === ref || candidate.id === ref)
  if (!account) throw fail(`${field} '${ref}' is not a configured account`)
  return account
}

/** The attribute map of one account item (numbers become N, lists L of S, as the SDK's marshaller writes them). */
export function marshalAccountItem(item: AccountItemInput): AttributeMap {
  const map: AttributeMap = {}
  if (item.id !== undefined) map.id = {N: String(item.id)}
  map.name = {S: item.name}
  if (item.description !== undefined) map.description = {S: item.description}
  if (item.region !== undefined) map.region = {L: item.region.map((region) => ({S: region}))}
  map.role = {L: item.role.map((arn) => ({S: arn}))}
  return map
}

/** What tables are normalised against: the sandbox's accounts and region, and how a problem is thrown. */
interface World {
  accounts: AccountConfig[]
  fail: ConfigProblem
  region: string
}

function generatedItems(input: GenerateInput, field: string, {accounts, fail, region}: World): AccountItemInput[] {
  if (!Number.isInteger(input.count) || input.count < 0 || input.count > 100_000)
    throw fail(`${field}.count must be an integer from 0 to 100000`)
  const hops = input.hops ?? [1]
  if (hops.length === 0 || hops.some((hop) => !Number.isInteger(hop) || hop < 1 || hop > 10))
    throw fail(`${field}.hops must be a non-empty list of integers from 1 to 10`)
  const via = (input.via ?? []).map((ref, index) => findAccount(accounts, ref, `${field}.via[${index}]`, fail))
  const longest = Math.max(...hops)
  if (via.length < longest - 1)
    throw fail(`${field}.via must name at least ${longest - 1} account(s) for items of ${longest} hops`)
  if (input.count > 0 && accounts.length === 0) throw fail(`${field}: generated items need configured accounts`)
  const role = input.role ?? 'DevOps'
  const arn = (accountId: string) => `arn:aws:iam::${accountId}:role/${role}`
  return Array.from({length: input.count}, (_, index) => {
    const target = accounts[index % accounts.length]
    const hopCount = hops[index % hops.length]
    const number = String(index + 1).padStart(4, '0')
    return {
      description: `generated item ${number}: ${target.name} in ${hopCount} hop(s)`,
      id: Number(target.id),
      name: `account-${number}`,
      region: input.regions ?? [region],
      role: [...via.slice(0, hopCount - 1).map((account) => arn(account.id)), arn(target.id)],
    }
  })
}

/** The configured tables, validated (the JSON shape is checked before, by config-schema.ts). */
export function normaliseTables(
  input: DynamoDbInput | undefined,
  accounts: AccountConfig[],
  region: string,
  fail: ConfigProblem,
): DynamoTable[] {
  return Object.entries(input?.tables ?? {}).map(([name, table]) => {
    const field = `dynamodb.tables.${name}`
    if (!TABLE_NAME.test(name)) throw fail(`${field}: a table name is 3 to 255 letters, digits, "_", "-" or "."`)
    const account = findAccount(accounts, table.account, `${field}.account`, fail)
    const key = table.key ?? 'name'
    if (!ATTRIBUTE_NAME.test(key)) throw fail(`${field}.key must be an attribute name`)
    const maxItemsPerPage = table.maxItemsPerPage ?? null
    if (maxItemsPerPage !== null && (!Number.isInteger(maxItemsPerPage) || maxItemsPerPage < 1))
      throw fail(`${field}.maxItemsPerPage must be an integer >= 1`)
    const listed = table.items ?? []
    for (const [index, item] of listed.entries())
      if (item.role.length === 0) throw fail(`${field}.items[${index}].role must list at least one role ARN`)
    const generated = table.generate
      ? generatedItems(table.generate, `${field}.generate`, {accounts, fail, region})
      : []
    const items = [...listed, ...generated].map((item) => marshalAccountItem(item))
    const seen = new Set<string>()
    for (const [index, item] of items.entries()) {
      const value = item[key]
      if (!value || !('S' in value || 'N' in value))
        throw fail(`${field}: item ${index + 1} has no string or number '${key}' (the table's key)`)
      const text = 'S' in value ? value.S : value.N
      if (seen.has(text)) throw fail(`${field}: key '${key}' = ${text} is used by two items`)
      seen.add(text)
    }

    const tableRegion = table.region ?? region
    if (!/^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/.test(tableRegion)) throw fail(`${field}.region must be an AWS region`)
    return {accountId: account.id, items, key, maxItemsPerPage, name, region: tableRegion}
  })
}
