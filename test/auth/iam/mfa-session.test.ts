import {expect} from 'chai'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {StsPort} from '../../../src/auth/iam/sts-port.js'
import type {IamRoleRef} from '../../../src/lib/role-refs.js'

import {createIamCredentialSource, roleSessionName} from '../../../src/auth/iam/iam-source.js'
import {writeIamUser} from '../../../src/auth/iam/iam-user-store.js'
import {mfaCodeSource, mfaPolicy} from '../../../src/auth/iam/mfa-code.js'
import {createMfaSessions, mfaSessionDurationSeconds} from '../../../src/auth/iam/mfa-session.js'
import {MemoryStore} from '../../../src/vault/memory-store.js'

const now = 1_800_000_000_000
const clock = {now: () => now, async sleep() {}}

function fakeSts(validCode = '123456') {
  const calls: string[] = []
  const sts: StsPort = {
    async assumeRole(creds, input) {
      calls.push(`AssumeRole ${input.roleArn} ${input.roleSessionName} by ${creds.accessKeyId}`)
      return {accessKeyId: 'ASIAROLE', expiration: now + 3_600_000, secretAccessKey: 'role-secret', sessionToken: 't'}
    },
    async getCallerIdentity() {
      throw new Error('not used')
    },
    async getSessionToken(_creds, input) {
      calls.push(`GetSessionToken ${input.mfa?.tokenCode} ${input.durationSeconds}`)
      if (input.mfa?.tokenCode !== validCode)
        throw Object.assign(new Error('invalid MFA one time pass code'), {name: 'AccessDenied'})
      return {accessKeyId: 'ASIASESSION', expiration: now + 36_000_000, secretAccessKey: 's', sessionToken: 'st'}
    },
    async listMfaDevices() {
      return []
    },
  }
  return {calls, sts}
}

const prompt = async () => 'typed'

const REF: IamRoleRef = {
  account: 'apps-devstg',
  accountId: '555555555555',
  kind: 'iam',
  project: 'bb',
  role: 'DevOps',
  source: null,
  userType: 'security',
}

describe('auth/iam: MFA code source, MFA session, IAM role source', () => {
  let lockDir: string
  let store: MemoryStore

  beforeEach(async () => {
    lockDir = mkdtempSync(join(tmpdir(), 'terrace-iam-'))
    store = new MemoryStore()
    await writeIamUser(store, 'bb', 'security', {
      accessKeyId: 'AKIAUSER',
      accountId: '222222222222',
      mfaSerial: 'arn:aws:iam::222222222222:mfa/alice',
      secretAccessKey: 'long-term',
      storedAt: now,
      userArn: 'arn:aws:iam::222222222222:user/alice',
    })
  })

  afterEach(() => rmSync(lockDir, {force: true, recursive: true}))

  function sessionsWith(answers: string[], sts: StsPort, notices: string[] = []) {
    const asked: string[] = []
    const codes = mfaCodeSource(
      mfaPolicy({
        env: {},
        async prompt(q) {
          asked.push(q)
          return answers.shift() ?? ''
        },
      }),
    )
    const sessions = createMfaSessions({
      clock,
      codes,
      durationSeconds: 36_000,
      env: {},
      lockDir,
      notice: (m) => notices.push(m),
      store,
      sts,
    })
    return {asked, sessions}
  }

  it('code source: flag first, then TERRACE_MFA_CODE, used once; non-interactive without one → exit 7', async () => {
    const flag = mfaCodeSource(mfaPolicy({env: {TERRACE_MFA_CODE: '222222'}, flagCode: '111111', prompt}))
    expect(await flag.code('s', 1)).to.equal('111111')
    await flag.code('s', 2).then(
      () => expect.fail('a refused flag code must not be asked again'),
      (error: {exitCode: number; message: string}) => {
        expect(error.exitCode).to.equal(7)
        expect(error.message).to.include('--mfa-code')
      },
    )
    expect(await mfaCodeSource(mfaPolicy({env: {TERRACE_MFA_CODE: ' 222222 '}, prompt: null})).code('s', 1)).to.equal(
      '222222',
    )
    await mfaCodeSource(mfaPolicy({env: {}, prompt: null}))
      .code('arn:x', 1)
      .then(
        () => expect.fail('no prompt without a terminal'),
        (error: {exitCode: number; suggestion: string}) => {
          expect(error.exitCode).to.equal(7)
          expect(error.suggestion).to.include('--mfa-code').and.include('TERRACE_MFA_CODE')
        },
      )
  })

  it('session: asked once for many concurrent requests; the next request reads the vault', async () => {
    const {calls, sts} = fakeSts()
    const {asked, sessions} = sessionsWith(['123456'], sts)
    const request = {project: 'bb', userType: 'security' as const}
    const all = await Promise.all([sessions.session(request), sessions.session(request), sessions.session(request)])
    expect(all.map((c) => c.credentials.accessKeyId)).to.deep.equal(['ASIASESSION', 'ASIASESSION', 'ASIASESSION'])
    expect(asked).to.have.length(1)
    expect(calls).to.deep.equal(['GetSessionToken 123456 36000'])
    const again = sessionsWith([], sts)
    expect((await again.sessions.session(request)).mfa).to.equal(true)
    expect(again.asked).to.deep.equal([])
    expect(await store.get('mfa-session:bb/security')).to.be.a('string')
  })

  it('session: a wrong code is asked again; three wrong → exit 7, nothing cached, not asked again in-process', async () => {
    const {calls, sts} = fakeSts()
    const notices: string[] = []
    const {asked, sessions} = sessionsWith(['1', '2', '3', '123456'], sts, notices)
    const request = {project: 'bb', userType: 'security' as const}
    await sessions.session(request).then(
      () => expect.fail('three wrong codes must fail'),
      (error: {exitCode: number}) => expect(error.exitCode).to.equal(7),
    )
    expect(asked).to.have.length(3)
    expect(calls).to.have.length(3)
    expect(notices.join('\n')).to.include('attempt 2 of 3').and.include('attempt 3 of 3')
    expect(await store.get('mfa-session:bb/security')).to.equal(undefined)
    await sessions.session(request).catch(() => {})
    expect(asked).to.have.length(3)
  })

  it('session: no MFA device → the long-term keys, no GetSessionToken', async () => {
    await writeIamUser(store, 'bb', 'management', {
      accessKeyId: 'AKIAMGMT',
      accountId: '111111111111',
      mfaSerial: null,
      secretAccessKey: 'x',
      storedAt: now,
      userArn: 'arn:aws:iam::111111111111:user/bob',
    })
    const {calls, sts} = fakeSts()
    const {sessions} = sessionsWith([], sts)
    const caller = await sessions.session({project: 'bb', userType: 'management'})
    expect(caller.mfa).to.equal(false)
    expect(caller.credentials.accessKeyId).to.equal('AKIAMGMT')
    expect(calls).to.deep.equal([])
  })

  it('no stored keys → exit 5 naming `terrace credentials configure --type bootstrap`', async () => {
    const {sts} = fakeSts()
    const {sessions} = sessionsWith([], sts)
    await sessions.session({project: 'bb', userType: 'bootstrap'}).then(
      () => expect.fail('no keys'),
      (error: {exitCode: number; suggestion: string}) => {
        expect(error.exitCode).to.equal(5)
        expect(error.suggestion).to.include('terrace credentials configure --type bootstrap')
      },
    )
  })

  it('role source: AssumeRole with the MFA session, cached; AccessDenied → exit 6 naming role and account', async () => {
    const {calls, sts} = fakeSts()
    const {sessions} = sessionsWith(['123456'], sts)
    const source = createIamCredentialSource({clock, env: {}, lockDir, sessions, store, sts, ttlMs: 1_800_000})
    const [a, b] = await Promise.all([
      source.get(REF),
      source.get({...REF, account: 'shared', accountId: '333333333333'}),
    ])
    expect(a.accessKeyId).to.equal('ASIAROLE')
    expect(b.accessKeyId).to.equal('ASIAROLE')
    expect(calls.filter((c) => c.startsWith('GetSessionToken'))).to.have.length(1)
    expect(calls).to.include('AssumeRole arn:aws:iam::555555555555:role/DevOps terrace-alice by ASIASESSION')
    await source.get(REF)
    expect(calls.filter((c) => c.startsWith('AssumeRole'))).to.have.length(2)

    sts.assumeRole = async () => {
      throw Object.assign(new Error('not authorized'), {name: 'AccessDenied'})
    }

    await source.get({...REF, role: 'Nope', source: '/p/terrace.json'}).then(
      () => expect.fail('refused'),
      (error: {exitCode: number; message: string}) => {
        expect(error.exitCode).to.equal(6)
        expect(error.message)
          .to.include('role/Nope')
          .and.include('apps-devstg (555555555555)')
          .and.include('/p/terrace.json')
      },
    )
  })

  it('session duration: env, then terrace.json, then 10 h; bad env → exit 4; session names sanitized', () => {
    expect(mfaSessionDurationSeconds({}, null)).to.equal(36_000)
    expect(mfaSessionDurationSeconds({}, 7200)).to.equal(7200)
    expect(mfaSessionDurationSeconds({TERRACE_MFA_SESSION_DURATION: '900'}, 7200)).to.equal(900)
    expect(() => mfaSessionDurationSeconds({TERRACE_MFA_SESSION_DURATION: '10'}, null)).to.throw(
      /TERRACE_MFA_SESSION_DURATION/,
    )
    expect(roleSessionName('arn:aws:iam::222222222222:user/ops/al ice')).to.equal('terrace-al-ice')
  })
})
