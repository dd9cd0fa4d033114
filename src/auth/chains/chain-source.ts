/**
 * Credentials of a role chain's final hop (a CredentialSource<ChainRef>). Hop i is AssumeRole called with hop
 * i-1's credentials; hop 0's caller comes from the chain's source (chain-base.ts): SSO role credentials, the IAM
 * user's GetSessionToken-with-MFA session, or the user's keys with the MFA code passed on hop 0 itself. The MFA code
 * is used once, at the start, never on later hops. Every hop asks for at most one hour (AWS's cap for chained
 * roles).
 *
 * Caching: the final hop in the vault for at most the credential TTL; intermediate hops until shortly before AWS's
 * expiry, so a renewal re-walks only from the last intermediate still valid (usually just the final hop) and asks
 * for no MFA code. One walk per chain at a time across every terrace process (a lock), re-checking the cache once
 * the lock is held.
 */
import {createHash} from 'node:crypto'
import {join} from 'node:path'

import type {Clock} from '../../lib/clock.js'
import type {ChainRef} from '../../lib/role-refs.js'
import type {SecretStore} from '../../vault/secret-store.js'
import type {AwsCredentials, CredentialRequest, CredentialSource} from '../credentials/types.js'
import type {StaticClientCredentials, StsPort} from '../iam/sts-port.js'
import type {ChainDefinition, ChainSourceSpec} from './chain-definition.js'

import {AwsRefusedError, MfaError} from '../../lib/errors.js'
import {withLock} from '../../lib/lock.js'
import {awsErrorName, endpointFor, isUnreachable, toTerraceError} from '../aws-errors.js'
import {singleFlightSource, usableAfterLock} from '../credentials/single-flight.js'
import {stsRegion} from '../iam/sts-port.js'
import {sessionNameFor} from './chain-definition.js'
import {type NamedChain, readHop, writeHop} from './hop-cache.js'

/** AWS's limit for a role assumed with role credentials, asked for on every hop. */
export const CHAINED_DURATION_SECONDS = 3600
/** An intermediate hop is re-used while it has at least this long left. */
export const HOP_REUSE_MARGIN_MS = 5 * 60 * 1000
/** Wrong MFA codes accepted before giving up (exit 7). */
export const MFA_ATTEMPTS = 3

/** Hop 0's caller: its credentials and, when the MFA code goes with hop 0, the MFA device's serial. */
export interface ChainStart {
  credentials: StaticClientCredentials
  mfaSerial: null | string
}

export interface ChainBaseOptions {
  chain: string
  mfaOnFirstHop: boolean
  /** what the chain's credentials are for (CredentialRequest.neededFor) */
  neededFor?: string
}

export interface ChainSourceDeps {
  /** hop 0's caller (see chain-base.ts) */
  base(source: ChainSourceSpec, options: ChainBaseOptions): Promise<ChainStart>
  clock: Clock
  /** the chain's stored definition (chain-store.ts readChain) */
  definition(ref: ChainRef): Promise<ChainDefinition>
  env: NodeJS.ProcessEnv
  /** directory of the cross-process locks (TERRACE_HOME/cache/locks) */
  lockDir: string
  /** an MFA code for hop 0 (attempt 1..MFA_ATTEMPTS); throws MfaError when none can be had */
  mfaCode(serial: string, attempt: number): Promise<string>
  /** a progress line for stderr (`[1/3] arn:aws:iam::…`); called only when a hop is actually called */
  progress(line: string): void
  store: SecretStore
  sts: StsPort
  /** see credentialTtlMs */
  ttlMs: number
}

export function chainLockPath(lockDir: string, chain: string): string {
  return join(lockDir, `chain-${createHash('sha256').update(chain).digest('hex').slice(0, 16)}.lock`)
}

export function createChainSource(deps: ChainSourceDeps): CredentialSource<ChainRef> {
  async function refresh(
    ref: ChainRef,
    force: boolean,
    seen: AwsCredentials | undefined,
    {neededFor}: CredentialRequest,
  ): Promise<AwsCredentials> {
    return withLock(
      chainLockPath(deps.lockDir, ref.chain),
      async () => {
        const chain = {definition: await deps.definition(ref), name: ref.chain}
        const cached = await readHop(deps.store, chain, chain.definition.hops.length - 1)
        if (usableAfterLock(cached, seen, force, deps)) return cached
        return walkChain(deps, chain, neededFor)
      },
      // an MFA prompt may be open inside the lock: other processes wait for it
      {timeoutMs: 5 * 60 * 1000},
    )
  }

  return singleFlightSource(deps, {
    key: (ref) => ref.chain,
    async read(ref) {
      const definition = await deps.definition(ref)
      return readHop(deps.store, {definition, name: ref.chain}, definition.hops.length - 1)
    },
    refresh,
  })
}

/** The last intermediate hop whose cached credentials can still be used, or -1. */
async function lastUsableHop(
  deps: ChainSourceDeps,
  chain: NamedChain,
): Promise<{creds?: AwsCredentials; index: number}> {
  const now = deps.clock.now()
  for (let index = chain.definition.hops.length - 2; index >= 0; index--) {
    const creds = await readHop(deps.store, chain, index)
    if (creds && creds.expiration - now > HOP_REUSE_MARGIN_MS) return {creds, index}
  }

  return {index: -1}
}

/** Walks the chain from the last usable cached intermediate (or from its source) to the final hop. */
export async function walkChain(deps: ChainSourceDeps, chain: NamedChain, neededFor?: string): Promise<AwsCredentials> {
  const resume = await lastUsableHop(deps, chain)
  try {
    return await walkFrom(deps, chain, resume, neededFor)
  } catch (error) {
    // cached intermediates AWS no longer accepts (revoked sessions): walk once more from the source
    if (resume.index < 0 || !/ExpiredToken|InvalidClientTokenId/.test(awsErrorName((error as Error).cause))) throw error
    return walkFrom(deps, chain, {index: -1}, neededFor)
  }
}

async function walkFrom(
  deps: ChainSourceDeps,
  chain: NamedChain,
  resume: {creds?: AwsCredentials; index: number},
  neededFor: string | undefined,
): Promise<AwsCredentials> {
  const {definition} = chain
  const {hops} = definition
  let caller: StaticClientCredentials
  let mfaSerial: null | string = null
  if (resume.creds) caller = resume.creds
  else {
    const start = await deps.base(definition.source, {
      chain: chain.name,
      mfaOnFirstHop: definition.mfaOnFirstHop,
      neededFor,
    })
    caller = start.credentials
    mfaSerial = start.mfaSerial
  }

  let creds: AwsCredentials | undefined
  for (let index = resume.index + 1; index < hops.length; index++) {
    deps.progress(`[${index + 1}/${hops.length}] ${hops[index].roleArn}`)
    creds = await assumeHop({...chain, deps}, index, caller, index === 0 ? mfaSerial : null)
    await writeHop(deps.store, chain, index, creds)
    caller = creds
  }

  return creds!
}

/** One walk's context: the chain as defined now, and the source's dependencies. */
interface Walk extends NamedChain {
  deps: ChainSourceDeps
}

async function assumeHop(
  walk: Walk,
  index: number,
  caller: StaticClientCredentials,
  mfaSerial: null | string,
): Promise<AwsCredentials> {
  const {definition, deps, name: chain} = walk
  const hop = definition.hops[index]
  for (let attempt = 1; ; attempt++) {
    const mfa = mfaSerial ? {serialNumber: mfaSerial, tokenCode: await deps.mfaCode(mfaSerial, attempt)} : undefined
    try {
      const out = await deps.sts.assumeRole(caller, {
        durationSeconds: CHAINED_DURATION_SECONDS,
        mfa,
        roleArn: hop.roleArn,
        roleSessionName: sessionNameFor(chain, definition),
      })
      return {...out, obtainedAt: deps.clock.now()}
    } catch (error) {
      const message = String((error as Error)?.message ?? '')
      if (mfa && /MultiFactorAuthentication/i.test(message)) {
        if (attempt < MFA_ATTEMPTS) continue
        throw new MfaError(`AWS rejected the MFA code for hop 1 of chain ${chain} ${MFA_ATTEMPTS} times.`, {
          cause: error,
          suggestion: `Check the device ${mfaSerial} and your clock, then try again.`,
        })
      }

      throw hopError(walk, index, error)
    }
  }
}

function hopError({definition, deps, name: chain}: Walk, index: number, error: unknown): Error {
  const name = awsErrorName(error)
  const hop = definition.hops[index]
  const what = `hop ${index + 1}/${definition.hops.length} (${hop.roleArn}) of chain ${chain}`
  if (isUnreachable(error)) {
    return toTerraceError(error, {
      endpoint: endpointFor('sts', stsRegion(deps.env), deps.env),
      what: `assuming ${what}`,
    })
  }

  const message = String((error as Error)?.message ?? error)
  return new AwsRefusedError(`AWS refused ${what}: ${name || 'error'}: ${message}`, {
    cause: error,
    suggestion:
      index === 0
        ? `Check that the chain's source may assume ${hop.roleArn} (its trust policy, and MFA if the role requires it).`
        : `Check that role ${definition.hops[index - 1].roleArn} may assume ${hop.roleArn} (trust policy), and that chained sessions fit within one hour.`,
  })
}
