import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {ChainDefinition} from '../../../src/auth/chains/chain-definition.js'
import type {StsPort} from '../../../src/auth/iam/sts-port.js'
import type {ChainRef} from '../../../src/lib/role-refs.js'

import {parseRoleArn} from '../../../src/auth/chains/chain-definition.js'
import {type ChainSourceDeps, createChainSource} from '../../../src/auth/chains/chain-source.js'
import {MfaError, TerraceError} from '../../../src/lib/errors.js'
import {MemoryStore} from '../../../src/vault/memory-store.js'

const T0 = Date.UTC(2026, 0, 1)
const MIN = 60_000
const ARNS = ['333333333333', '444444444444', '555555555555'].map((id) => `arn:aws:iam::${id}:role/DevOps`)
const REF: ChainRef = {
  account: null,
  accountId: '555555555555',
  chain: 'x',
  kind: 'chain',
  role: 'DevOps',
  source: null,
}

interface Call {
  caller: string
  durationSeconds: number
  mfa?: {serialNumber: string; tokenCode: string}
  roleArn: string
}

function world(options: {definition?: Partial<ChainDefinition>; mfaSerial?: null | string} = {}) {
  let now = T0
  let issued = 0
  const calls: Call[] = []
  const progress: string[] = []
  const failures = new Map<string, Error>()
  const codes: string[] = []
  let baseCalls = 0
  let definition: ChainDefinition = {
    hops: ARNS.map((arn) => parseRoleArn(arn)),
    mfaOnFirstHop: false,
    sessionName: null,
    source: {kind: 'iam-user', project: 'bb', userType: 'security'},
    ...options.definition,
  }
  const sts = {
    async assumeRole(creds, input) {
      calls.push({
        caller: creds.accessKeyId,
        durationSeconds: input.durationSeconds,
        mfa: input.mfa,
        roleArn: input.roleArn,
      })
      const failure = failures.get(input.roleArn)
      if (failure) throw failure
      issued++
      return {
        accessKeyId: `ASIA${issued}`,
        expiration: now + input.durationSeconds * 1000,
        secretAccessKey: `secret-${issued}`,
        sessionToken: `token-${issued}`,
      }
    },
  } as StsPort
  const lockDir = mkdtempSync(join(tmpdir(), 'terrace-chain-locks-'))
  const deps: ChainSourceDeps = {
    async base() {
      baseCalls++
      return {credentials: {accessKeyId: 'SESSION', secretAccessKey: 's'}, mfaSerial: options.mfaSerial ?? null}
    },
    clock: {now: () => now, async sleep() {}},
    definition: async () => definition,
    env: {},
    lockDir,
    async mfaCode(serial, attempt) {
      if (attempt > 3) throw new Error('asked too often')
      const code = `code-${attempt}`
      codes.push(code)
      return code
    },
    progress: (line) => progress.push(line),
    store: new MemoryStore(),
    sts,
    ttlMs: 30 * MIN,
  }
  return {
    advance(ms: number) {
      now += ms
    },
    baseCalls: () => baseCalls,
    calls,
    cleanup: () => rmSync(lockDir, {force: true, recursive: true}),
    codes,
    deps,
    failures,
    progress,
    redefine(patch: Partial<ChainDefinition>) {
      definition = {...definition, ...patch}
    },
    source: createChainSource(deps),
  }
}

describe('auth/chains: chain source (walking, caching, MFA once)', () => {
  it('walks the hops in order, each with the previous hop credentials, one hour each, progress per hop', async () => {
    const w = world()
    const creds = await w.source.get(REF)
    expect(creds.accessKeyId).to.equal('ASIA3')
    expect(w.calls.map((c) => [c.caller, c.roleArn, c.durationSeconds])).to.deep.equal([
      ['SESSION', ARNS[0], 3600],
      ['ASIA1', ARNS[1], 3600],
      ['ASIA2', ARNS[2], 3600],
    ])
    expect(w.calls.every((c) => c.mfa === undefined)).to.equal(true)
    expect(w.progress).to.deep.equal(ARNS.map((arn, i) => `[${i + 1}/3] ${arn}`))
    // cached: no more calls, no progress
    expect((await w.source.get(REF)).accessKeyId).to.equal('ASIA3')
    expect(w.calls).to.have.length(3)
    expect(w.progress).to.have.length(3)
    w.cleanup()
  })

  it('with the MFA code on hop 1 (--mfa): only the first AssumeRole carries it; wrong codes are asked again', async () => {
    const w = world({definition: {mfaOnFirstHop: true}, mfaSerial: 'arn:aws:iam::222222222222:mfa/alice'})
    let wrong = 2
    const original = w.deps.sts.assumeRole
    w.deps.sts.assumeRole = async (creds, input) => {
      if (input.mfa && wrong-- > 0) {
        w.calls.push({
          caller: creds.accessKeyId,
          durationSeconds: input.durationSeconds,
          mfa: input.mfa,
          roleArn: input.roleArn,
        })
        throw Object.assign(new Error('MultiFactorAuthentication failed with invalid MFA one time pass code.'), {
          name: 'AccessDenied',
        })
      }

      return original(creds, input)
    }

    await w.source.get(REF)
    expect(w.calls.map((c) => c.mfa?.tokenCode ?? null)).to.deep.equal(['code-1', 'code-2', 'code-3', null, null])
    w.cleanup()
  })

  it('three wrong codes: MfaError (exit 7), nothing cached', async () => {
    const w = world({definition: {mfaOnFirstHop: true}, mfaSerial: 'serial'})
    w.failures.set(ARNS[0], Object.assign(new Error('MultiFactorAuthentication failed'), {name: 'AccessDenied'}))
    const error = await w.source.get(REF).catch((error_: unknown) => error_)
    expect(error).to.be.instanceOf(MfaError)
    expect((error as TerraceError).exitCode).to.equal(7)
    expect(w.codes).to.deep.equal(['code-1', 'code-2', 'code-3'])
    expect(await w.deps.store.list()).to.deep.equal([])
    w.cleanup()
  })

  it('after the TTL only the final hop is called again (from the cached intermediate), no new base/MFA', async () => {
    const w = world()
    await w.source.get(REF)
    w.advance(29 * MIN)
    const renewed = await w.source.get(REF)
    expect(renewed.accessKeyId).to.equal('ASIA4')
    expect(w.calls.slice(3).map((c) => [c.caller, c.roleArn])).to.deep.equal([['ASIA2', ARNS[2]]])
    expect(w.baseCalls()).to.equal(1)
    expect(w.progress.at(-1)).to.equal(`[3/3] ${ARNS[2]}`)
    w.cleanup()
  })

  it('re-walks from the last intermediate still valid; from the source once none is', async () => {
    const w = world()
    await w.source.get(REF)
    // hop 2 (index 1) re-cached later than hop 1: let hop 1 age past its reuse margin only
    w.advance(50 * MIN)
    await w.source.get(REF)
    // intermediates are 50 min old (10 left, over the 5-min margin): still only the final hop
    expect(w.calls.slice(3).map((c) => c.roleArn)).to.deep.equal([ARNS[2]])
    w.advance(8 * MIN)
    await w.source.get(REF, {forceRefresh: true})
    expect(w.calls.slice(4).map((c) => [c.caller, c.roleArn])).to.deep.equal([
      ['SESSION', ARNS[0]],
      ['ASIA5', ARNS[1]],
      ['ASIA6', ARNS[2]],
    ])
    expect(w.baseCalls()).to.equal(2)
    w.cleanup()
  })

  it('a redefined chain never uses credentials cached for the old definition', async () => {
    const w = world()
    await w.source.get(REF)
    w.redefine({sessionName: 'other'})
    await w.source.get(REF)
    expect(w.calls).to.have.length(6)
    w.cleanup()
  })

  it('a refused hop is exit 6 naming the hop and its ARN; a cached intermediate AWS rejects is walked again', async () => {
    const w = world()
    w.failures.set(ARNS[1], Object.assign(new Error('User: x is not authorized'), {name: 'AccessDenied'}))
    const error = (await w.source.get(REF).catch((error_: unknown) => error_)) as TerraceError
    expect(error.exitCode).to.equal(6)
    expect(error.message).to.include(`hop 2/3 (${ARNS[1]}) of chain x`)

    w.failures.clear()
    await w.source.get(REF)
    const before = w.calls.length
    w.advance(31 * MIN)
    w.failures.set(
      ARNS[2],
      Object.assign(new Error('The security token included in the request is expired'), {name: 'ExpiredToken'}),
    )
    let first = true
    const original = w.deps.sts.assumeRole
    w.deps.sts.assumeRole = async (creds, input) => {
      if (first) {
        first = false
        return original(creds, input)
      }

      w.failures.clear()
      return original(creds, input)
    }

    const creds = await w.source.get(REF)
    expect(creds.accessKeyId).to.match(/^ASIA/)
    expect(w.calls.slice(before).map((c) => c.roleArn)).to.deep.equal([ARNS[2], ARNS[0], ARNS[1], ARNS[2]])
    w.cleanup()
  })

  it('concurrent requests make one walk', async () => {
    const w = world()
    const all = await Promise.all(Array.from({length: 8}, () => w.source.get(REF)))
    expect(new Set(all.map((c) => c.accessKeyId)).size).to.equal(1)
    expect(w.calls).to.have.length(3)
    w.cleanup()
  })
})
