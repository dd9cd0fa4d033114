/**
 * One item of the central account table (the letme structure): `id` (the account number), `name` (what users look
 * up), `description`, `region` (a list; the first is the account's region), `role` (role ARNs in the order they are
 * assumed, the last one the account's). Lists may be stored as L of S or as a string set (SS). Pure.
 */
import type {AttributeMap, AttributeValue} from './dynamodb-client.js'

export interface AccountItem {
  description: null | string
  /** the account id as written in the table (a number there), null when absent */
  id: null | string
  name: string
  regions: string[]
  roles: string[]
}

export type ItemReading = {item: AccountItem; problem?: undefined} | {item?: undefined; problem: string}

const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/

function text(value: AttributeValue | undefined): string | undefined {
  return value?.S ?? value?.N
}

function strings(value: AttributeValue | undefined): string[] | undefined {
  if (value === undefined) return undefined
  if (value.SS !== undefined) return value.SS
  if (value.S !== undefined) return [value.S]
  if (value.L === undefined) return undefined
  const out = value.L.map((element) => element.S)
  return out.every((element) => element !== undefined) ? (out as string[]) : undefined
}

/** The item, or why it cannot become sessions (named by its `name`, else its position). */
export function readAccountItem(map: AttributeMap, position: number): ItemReading {
  const name = text(map.name)
  const label = name ? `item "${name}"` : `item ${position}`
  if (!name) return {problem: `${label} has no name`}
  const roles = strings(map.role)
  if (!roles || roles.length === 0) return {problem: `${label} has no role list`}
  const badRole = roles.find((role) => !ROLE_ARN.test(role))
  if (badRole !== undefined) return {problem: `${label}: ${JSON.stringify(badRole)} is not a role ARN`}
  const regions = strings(map.region) ?? []
  const badRegion = regions.find((region) => !REGION.test(region))
  if (badRegion !== undefined) return {problem: `${label}: ${JSON.stringify(badRegion)} is not a region`}
  return {
    item: {description: text(map.description) ?? null, id: text(map.id) ?? null, name, regions, roles},
  }
}
