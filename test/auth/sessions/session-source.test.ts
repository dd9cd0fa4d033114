import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {CredentialSource} from '../../../src/auth/credentials/types.js'
import type {StsPort} from '../../../src/auth/iam/sts-port.js'
import type {SsoRoleRef} from '../../../src/lib/role-refs.js'
import type {Session, Workspace} from '../../../src/workspace/session.js'

import {writeSessionKeys} from '../../../src/auth/sessions/session-keys.js'
import {createSessionSource} from '../../../src/auth/sessions/session-source.js'
import {ConfigError, MfaError} from '../../../src/lib/errors.js'
import {MemoryStore} from '../../../src/vault/memory-store.js'
import {sessionRef} from '../../../src/workspace/session-ref.js'
import {CHAINED, SSO, USER} from '../../workspace/fixtures.js'

const T0 = Date.UTC(2026, 0, 1)
const MIN = 60_000
const HOURS = 60 * MIN

const chained = (id: string, parentId: string, account: string, name: string): Session => ({
  ...CHAINED,
  id,
  name,
  parentId,
  roleArn: `arn:aws:iam::${account}:role/DevOps`,
})

/** alice (IAM user, MFA) → ops (333…) → net (444…) → dev (555…); shared-admin (SSO) → ci (333…) */
const WORKSPACE: Workspace = {
  defaultRegion: null,
  integrations: [],
  sessions: [
    {...USER},
    {...CHAINED, externalId: 'ext-1'},
    chained('0a1b2c3d-0000-4000-8000-000000000004', CHAINED.id, '444444444444', 'net'),
    chained('0a1b2c3d-0000-4000-8000-000000000005', '0a1b2c3d-0000-4000-8000-000000000004', '555555555555', 'dev'),
    {...SSO},
    chained('0a1b2c3d-0000-4000-8000-000000000006', SSO.id, '333333333333', 'ci'),
  ],
  version: 3,
}

const refOf = (name: string) =>
  sessionRef(
    WORKSPACE,
    WORKSPACE.sessions.find((s) => s.name === name)!,
  )

function world() {
  let now = T0
  let issued = 0
  const calls: Array<{
    caller: string
    externalId?: string
    op: string
    roleArn?: string
    roleSessionName?: string
    tokenCode?: string
  }> = []
  const progress: string[] = []
  const codes: string[] = []
  const issue = (seconds: number) => {
    issued++
    return {
      accessKeyId: `ASIA${issued}`,
      expiration: now + seconds * 1000,
      secretAccessKey: `secret-${issued}`,
      sessionToken: `token-${issued}`,
    }
  }

  const sts = {
    async assumeRole(creds, input) {
      calls.push({
        caller: creds.accessKeyId,
        externalId: input.externalId,
        op: 'AssumeRole',
        roleArn: input.roleArn,
        roleSessionName: input.roleSessionName,
      })
      return issue(input.durationSeconds)
    },
    async getSessionToken(creds, input) {
      calls.push({caller: creds.accessKeyId, op: 'GetSessionToken', tokenCode: input.mfa?.tokenCode})
      return issue(input.durationSeconds)
    },
  } as StsPort
  const sso: CredentialSource<SsoRoleRef> = {
    async get(ref) {
      calls.push({caller: 'sso', op: `GetRoleCredentials ${ref.accountId}/${ref.role}`})
      return {...issue(3600), obtainedAt: now}
    },
  }
  const store = new MemoryStore()
  const lockDir = mkdtempSync(join(tmpdir(), 'terrace-session-locks-'))
  const source = createSessionSource({
    clock: {now: () => now, async sleep() {}},
    codes: {
      async code() {
        codes.push(`code-${codes.length + 1}`)
        return codes.at(-1)!
      },
    },
    env: {},
    lockDir,
    mfaSessionSeconds: 12 * 3600,
    notice() {},
    progress: (line) => progress.push(line),
    sso,
    store,
    sts,
    ttlMs: 30 * MIN,
  })
  return {
    advance(ms: number) {
      now += ms
    },
    calls,
    codes,
    dispose: () => rmSync(lockDir, {force: true, recursive: true}),
    progress,
    source,
    store,
  }
}

describe('workspace sessions: refs and their credential source', () => {
  let w: ReturnType<typeof world>

  beforeEach(async () => {
    w = world()
    await writeSessionKeys(w.store, USER.id, {
      accessKeyId: 'AKIAALICE',
      accountId: '222222222222',
      mfaSerial: USER.mfaSerial,
      secretAccessKey: 'alice-secret',
      storedAt: T0,
      userArn: 'arn:aws:iam::222222222222:user/alice',
    })
  })

  afterEach(() => w.dispose())

  it('sessionRef: links from the root, the final account and role; a loop is exit 4', () => {
    const ref = refOf('dev')
    expect(ref.links.map((l) => l.kind)).to.deep.equal(['iam-user', 'assume', 'assume', 'assume'])
    expect(ref).to.include({accountId: '555555555555', kind: 'session', name: 'dev', role: 'DevOps'})
    expect(refOf('shared-admin')).to.include({account: 'shared', accountId: '111111111111', role: 'Administrator'})
    const looped: Workspace = {...WORKSPACE, sessions: [{...CHAINED, parentId: CHAINED.id}]}
    expect(() => sessionRef(looped, looped.sessions[0])).to.throw(ConfigError, /loop/)
  })

  it('three hops on an MFA IAM user: one MFA code, GetSessionToken then each hop with the previous credentials, [i/3] lines', async () => {
    const creds = await w.source.get(refOf('dev'))
    expect(w.codes).to.deep.equal(['code-1'])
    expect(w.calls.map((c) => [c.op, c.caller, c.roleArn ?? c.tokenCode])).to.deep.equal([
      ['GetSessionToken', 'AKIAALICE', 'code-1'],
      ['AssumeRole', 'ASIA1', CHAINED.roleArn],
      ['AssumeRole', 'ASIA2', 'arn:aws:iam::444444444444:role/DevOps'],
      ['AssumeRole', 'ASIA3', 'arn:aws:iam::555555555555:role/DevOps'],
    ])
    expect(w.calls[1].externalId).to.equal('ext-1')
    // each hop under its own session's name: net's cached credentials are net's, whoever walked through it
    expect(w.calls.slice(1).map((c) => c.roleSessionName)).to.deep.equal(['terrace-ops', 'terrace-net', 'terrace-dev'])
    expect(w.progress).to.deep.equal([
      `[1/3] ${CHAINED.roleArn}`,
      '[2/3] arn:aws:iam::444444444444:role/DevOps',
      '[3/3] arn:aws:iam::555555555555:role/DevOps',
    ])
    expect(creds.accessKeyId).to.equal('ASIA4')
    // cached: no call; the parent served alone uses the same cached session
    expect((await w.source.get(refOf('dev'))).accessKeyId).to.equal('ASIA4')
    expect((await w.source.get(refOf('alice'))).accessKeyId).to.equal('ASIA1')
    expect(w.calls).to.have.length(4)
  })

  it('after the TTL only the final hop is called again, with no MFA code; the IAM user session lasts its life', async () => {
    await w.source.get(refOf('dev'))
    w.advance(40 * MIN)
    await w.source.get(refOf('ops'))
    // ops renewed with alice's cached MFA session: no new code
    expect(w.codes).to.have.length(1)
    const user = await w.source.get(refOf('alice'))
    expect(user.accessKeyId).to.equal('ASIA1')
    expect(user.obtainedAt).to.equal(T0 + 40 * MIN) // handed out now: asked again within the TTL
    w.advance(12 * HOURS)
    await w.source.get(refOf('alice'))
    expect(w.codes).to.have.length(2) // the MFA session expired: one new code
  })

  it('forceRefresh (rotate) renews only the session asked for', async () => {
    await w.source.get(refOf('ops'))
    const rotated = await w.source.get(refOf('ops'), {forceRefresh: true})
    expect(rotated.accessKeyId).to.equal('ASIA3')
    expect(w.calls.map((c) => c.op)).to.deep.equal(['GetSessionToken', 'AssumeRole', 'AssumeRole'])
    expect(w.codes).to.have.length(1)
  })

  it('an SSO root: the SSO role source, then AssumeRole with its credentials', async () => {
    await w.source.get(refOf('ci'))
    expect(w.calls.map((c) => [c.op, c.caller])).to.deep.equal([
      ['GetRoleCredentials 111111111111/Administrator', 'sso'],
      ['AssumeRole', 'ASIA1'],
    ])
  })

  it('no keys in the vault: exit 5 naming the session; no MFA code to be had: MfaError, nothing cached', async () => {
    await w.store.delete(`session-keys:${USER.id}`)
    const missing = await w.source.get(refOf('alice')).catch((error: Error) => error)
    expect(missing).to.have.property('exitCode', 5)
    expect((missing as Error).message).to.include('session alice')
    const never = world()
    try {
      await writeSessionKeys(never.store, USER.id, {
        accessKeyId: 'AKIAALICE',
        accountId: '222222222222',
        mfaSerial: USER.mfaSerial,
        secretAccessKey: 'alice-secret',
        storedAt: T0,
        userArn: 'arn:aws:iam::222222222222:user/alice',
      })
      const failing = createSessionSource({
        clock: {now: () => T0, async sleep() {}},
        codes: {code: () => Promise.reject(new MfaError('no code'))},
        env: {},
        lockDir: mkdtempSync(join(tmpdir(), 'terrace-session-locks-')),
        mfaSessionSeconds: 3600,
        notice() {},
        progress() {},
        sso: {get: () => Promise.reject(new Error('unused'))},
        store: never.store,
        sts: {} as StsPort,
        ttlMs: 30 * MIN,
      })
      const error = await failing.get(refOf('dev')).catch((error_: Error) => error_)
      expect(error).to.be.instanceOf(MfaError)
      expect(await never.store.list('session-credentials')).to.deep.equal([])
    } finally {
      never.dispose()
    }
  })
})
