/**
 * The sessions a central account table stands for (pure). An item whose role list is [r1, …, rn] becomes the
 * `aws-iam-role-chained` session of rn, stacked on the chained sessions of its earlier hops, the first of them on
 * the integration's source session (the IAM user that reads the table and asks MFA once):
 *
 *   source session ── r1 ── r2 ── … ── rn   (the item's session, named <alias>.<item name>)
 *
 * Intermediate hops are sessions of their own, keyed by the roles leading to them: items that go through the same
 * bastion roles share those sessions (and so their cached credentials). Keys are stable across syncs:
 * `account:<item name>` for an item, `hop:<n>:<digest of r1…rn>` for an intermediate; the framework keeps a session's
 * id by its key. The first region of the item's list becomes the region of its new session.
 */
import {createHash} from 'node:crypto'

import type {AccountItem} from './account-item.js'

/** A chained session's fields as the table decides them (the rest is the user's: name, region, profile, status). */
export interface ChainFields {
  externalId: null
  /** the source session's id for a first hop; replaced through parentKey for later hops */
  parentId: string
  roleArn: string
  roleSessionName: null | string
  type: 'aws-iam-role-chained'
}

/** One session the table holds now (the shape of the integration framework's DesiredSession). */
export interface ChainDesiredSession {
  fields: ChainFields
  /** the session's identity in the table */
  key: string
  /** the name a new session gets (made valid and unique by the framework) */
  name: string
  /** for a hop after the first: the key of the session it is stacked on */
  parentKey?: string
  /** the region a new session gets (null: the workspace default) */
  region: null | string
}

export interface ChainMapping {
  alias: string
  /** RoleSessionName of every hop (null: terrace's default, from the session name) */
  roleSessionName?: null | string
  sourceSessionId: string
}

export const accountKey = (item: AccountItem): string => `account:${item.name}`

/** The key of the intermediate session reached through `roles` (r1…rk). */
export function hopKey(roles: readonly string[]): string {
  return `hop:${roles.length}:${createHash('sha256').update(roles.join('\n')).digest('hex').slice(0, 16)}`
}

const roleLabel = (arn: string): string => {
  const parts = arn.split(':')
  const [account, resource] = [parts[4] ?? '', parts.slice(5).join(':')]
  return `${resource.slice(resource.lastIndexOf('/') + 1)}-${account}`
}

/**
 * The sessions of `items`, parents before their children, each intermediate once (first items first). Pure: the
 * same items give the same list.
 */
export function chainSessions(items: readonly AccountItem[], mapping: ChainMapping): ChainDesiredSession[] {
  const out: ChainDesiredSession[] = []
  const hops = new Set<string>()
  const fields = (roleArn: string): ChainFields => ({
    externalId: null,
    parentId: mapping.sourceSessionId,
    roleArn,
    roleSessionName: mapping.roleSessionName ?? null,
    type: 'aws-iam-role-chained',
  })
  for (const item of items) {
    let parentKey: string | undefined
    for (let index = 0; index < item.roles.length - 1; index++) {
      const key = hopKey(item.roles.slice(0, index + 1))
      if (!hops.has(key)) {
        hops.add(key)
        out.push({
          fields: fields(item.roles[index]),
          key,
          name: `${mapping.alias}.hop${index + 1}.${roleLabel(item.roles[index])}`,
          ...(parentKey ? {parentKey} : {}),
          // a bastion hop serves many accounts: the workspace default region
          region: null,
        })
      }

      parentKey = key
    }

    out.push({
      fields: fields(item.roles.at(-1)!),
      key: accountKey(item),
      name: `${mapping.alias}.${item.name}`,
      ...(parentKey ? {parentKey} : {}),
      region: item.regions[0] ?? null,
    })
  }

  return out
}
