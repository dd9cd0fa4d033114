import type {RoleRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials} from './types.js'

import {
  chainCredentialsEntry,
  iamRoleCredentialsEntry,
  roleCredentialsEntry,
  sessionCredentialsEntry,
} from '../../vault/entries.js'

/**
 * Role credentials cached in the vault (entry `role-credentials:<accountId>/<role>@<startUrl>`), as JSON
 * {accessKeyId, secretAccessKey, sessionToken, expiration, obtainedAt}. Light on purpose: the credential-process
 * fast path reads the cache through this module without loading the AWS SDK.
 */
export function cacheEntryFor(ref: RoleRef): string {
  switch (ref.kind) {
    case 'chain': {
      return chainCredentialsEntry(ref.chain)
    }

    case 'iam': {
      return iamRoleCredentialsEntry(ref.project, ref.userType, ref.accountId, ref.role)
    }

    case 'session': {
      const link = ref.links.at(-1)!
      // an SSO role session's credentials are the SSO role's, shared with projects using that role
      return link.kind === 'sso'
        ? roleCredentialsEntry(link.startUrl, link.accountId, link.role)
        : sessionCredentialsEntry(link.id)
    }

    case 'sso': {
      return roleCredentialsEntry(ref.startUrl, ref.accountId, ref.role)
    }
  }
}

/** The cached credentials, or undefined when there are none or the entry is unreadable (treated as a miss). */
export async function readCachedCredentials(store: SecretStore, ref: RoleRef): Promise<AwsCredentials | undefined> {
  const raw = await store.get(cacheEntryFor(ref))
  return raw === undefined ? undefined : parseCachedCredentials(raw)
}

export async function writeCachedCredentials(store: SecretStore, ref: RoleRef, creds: AwsCredentials): Promise<void> {
  const body: AwsCredentials = {
    accessKeyId: creds.accessKeyId,
    expiration: creds.expiration,
    obtainedAt: creds.obtainedAt,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  }
  await store.set(cacheEntryFor(ref), JSON.stringify(body))
}

/** Pure: a stored entry back into credentials; undefined unless every field has the right type. */
export function parseCachedCredentials(raw: string): AwsCredentials | undefined {
  let value: Partial<AwsCredentials>
  try {
    value = JSON.parse(raw) as Partial<AwsCredentials>
  } catch {
    return undefined
  }

  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.accessKeyId !== 'string' ||
    typeof value.secretAccessKey !== 'string' ||
    typeof value.expiration !== 'number' ||
    typeof value.obtainedAt !== 'number' ||
    (value.sessionToken !== undefined && typeof value.sessionToken !== 'string')
  ) {
    return undefined
  }

  return value as AwsCredentials
}
