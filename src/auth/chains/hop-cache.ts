/**
 * A chain's credentials in the vault: each intermediate hop under `chain-hop:<chain>/<index>`, the final hop under
 * `chain-credentials:<chain>` (what credential-process and the broker hand out). Every entry carries a fingerprint
 * of the chain up to that hop (source, role ARNs, session name), so credentials cached for a chain that was since
 * removed and added again differently are never used.
 */
import {createHash} from 'node:crypto'

import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials} from '../credentials/types.js'
import type {ChainDefinition} from './chain-definition.js'

import {chainCredentialsEntry, chainHopEntry} from '../../vault/entries.js'
import {parseCachedCredentials} from '../credentials/credential-cache.js'

export interface CachedHop extends AwsCredentials {
  fingerprint: string
}

/** A chain by name, as it is defined now. */
export interface NamedChain {
  definition: ChainDefinition
  name: string
}

/** Identifies hops 0..index of the chain (what those credentials stand for). Pure. */
export function hopFingerprint(chain: string, definition: ChainDefinition, index: number): string {
  const text = JSON.stringify({
    chain,
    hops: definition.hops.slice(0, index + 1).map((hop) => hop.roleArn),
    mfaOnFirstHop: definition.mfaOnFirstHop,
    sessionName: definition.sessionName,
    source: definition.source,
  })
  return createHash('sha256').update(text).digest('hex').slice(0, 24)
}

/** The vault entry of hop `index`: the final hop's is the chain's credentials entry. */
export function hopEntry(chain: string, definition: ChainDefinition, index: number): string {
  return index === definition.hops.length - 1 ? chainCredentialsEntry(chain) : chainHopEntry(chain, index)
}

/** The cached credentials of hop `index`, when they were obtained for the chain as it is defined now. */
export async function readHop(
  store: SecretStore,
  {definition, name: chain}: NamedChain,
  index: number,
): Promise<AwsCredentials | undefined> {
  const raw = await store.get(hopEntry(chain, definition, index))
  if (raw === undefined) return undefined
  const creds = parseCachedCredentials(raw)
  const {fingerprint} = JSON.parse(raw) as {fingerprint?: unknown}
  return creds && fingerprint === hopFingerprint(chain, definition, index) ? creds : undefined
}

export async function writeHop(
  store: SecretStore,
  {definition, name: chain}: NamedChain,
  index: number,
  creds: AwsCredentials,
): Promise<void> {
  const body: CachedHop = {
    accessKeyId: creds.accessKeyId,
    expiration: creds.expiration,
    fingerprint: hopFingerprint(chain, definition, index),
    obtainedAt: creds.obtainedAt,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  }
  await store.set(hopEntry(chain, definition, index), JSON.stringify(body))
}

/** Every vault entry a chain may have left (intermediates up to MAX_HOPS, and the final one). */
export async function deleteChainEntries(store: SecretStore, chain: string, maxHops: number): Promise<number> {
  let deleted = 0
  const names = [chainCredentialsEntry(chain), ...Array.from({length: maxHops}, (_, i) => chainHopEntry(chain, i))]
  const existing = new Set(await store.list())
  for (const name of names) if (existing.has(name) && (await store.delete(name))) deleted++
  return deleted
}
