import {expect} from 'chai'
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {DesiredSession} from '../../src/integrations/types.js'
import type {AwsSsoIntegration, DynamoDbIntegration} from '../../src/workspace/integration.js'
import type {ChainedSession, Session, SsoRoleSession, Workspace} from '../../src/workspace/session.js'

import {desiredSessions} from '../../src/integrations/aws-sso/source.js'
import {chainSessions, hopKey} from '../../src/integrations/dynamodb/chain-sessions.js'
import {applySync, planSync} from '../../src/integrations/sync-apply.js'
import {InterruptedError} from '../../src/lib/errors.js'
import {emptyWorkspace} from '../../src/workspace/session.js'
import {validateWorkspace} from '../../src/workspace/validate.js'
import {
  readWorkspace,
  updateWorkspace,
  workspaceFiles,
  type WorkspaceStore,
} from '../../src/workspace/workspace-file.js'
import {rejection} from '../helpers/errors.js'

const CORP: AwsSsoIntegration = {
  alias: 'corp',
  defaultRegion: 'eu-west-1',
  lastSync: null,
  region: 'us-east-1',
  startUrl: 'https://corp.awsapps.com/start',
  type: 'aws-sso',
}

const roles = (accounts: number[], perAccount = ['Admin', 'ReadOnly']) =>
  desiredSessions(
    CORP,
    accounts.flatMap((n) =>
      perAccount.map((roleName) => ({accountId: String(100_000_000_000 + n), accountName: `acct-${n}`, roleName})),
    ),
  )

const lastSync = (counts: {added: number; removed: number; unchanged: number; updated: number}) => ({
  at: '2026-01-01T00:00:00.000Z',
  counts,
  result: 'ok' as const,
})

const withCorp = (): Workspace => ({...emptyWorkspace(), integrations: [structuredClone(CORP)]})

/** The workspace after a sync of `desired` onto `workspace` (validated, as the store would). */
function synced(workspace: Workspace, desired: DesiredSession[]) {
  const plan = planSync(workspace, 'corp', desired, lastSync)
  return {plan, workspace: plan.workspace ? validateWorkspace(plan.workspace) : workspace}
}

const DYNAMO_SOURCE = '0a1b2c3d-0000-4000-8000-0000000000aa'

/** A dynamodb integration `corp` on an IAM user, synced once with one item `prod` whose roles are [a, b, c]. */
function dynamoPath() {
  const dynamo: DynamoDbIntegration = {
    alias: 'corp',
    lastSync: null,
    mfaSerial: null,
    region: 'us-east-1',
    sourceSessionId: DYNAMO_SOURCE,
    table: 'accounts',
    type: 'dynamodb',
  }
  const alice: Session = {
    id: DYNAMO_SOURCE,
    mfaSerial: null,
    mode: null,
    name: 'alice',
    profile: 'alice',
    region: null,
    source: null,
    startedAt: null,
    status: 'inactive',
    type: 'aws-iam-user',
  }
  const roles = ['A', 'B', 'X', 'C'].map((r, n) => `arn:aws:iam::${111_111_111_111 * (n + 1)}:role/${r}`)
  const chain = (path: string[]) =>
    chainSessions([{description: null, id: null, name: 'prod', regions: ['eu-west-1'], roles: path}], {
      alias: 'corp',
      sourceSessionId: DYNAMO_SOURCE,
    })
  const [a, b, , c] = roles
  const before = synced({...emptyWorkspace(), integrations: [dynamo], sessions: [alice]}, chain([a, b, c])).workspace
  return {before, chain, roles, sourceId: DYNAMO_SOURCE}
}

/** A chained session made by hand (no source) on `parentId`. */
const handMade = (id: string, name: string, parentId: string): Session => ({
  externalId: null,
  id,
  mode: null,
  name,
  parentId,
  profile: name,
  region: null,
  roleArn: 'arn:aws:iam::999999999999:role/Mine',
  roleSessionName: null,
  source: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-role-chained',
})

describe('integrations/sync-apply', () => {
  describe('planSync', () => {
    it('adds one session per (account, role): source key, profile = name, the default region, inactive, never started', () => {
      const {plan, workspace} = synced(withCorp(), roles([1, 2]))
      expect(plan.added).to.have.length(4)
      expect(workspace.sessions[0]).to.deep.include({
        accountId: '100000000001',
        accountName: 'acct-1',
        mode: null,
        name: 'corp-acct-1-Admin',
        profile: 'corp-acct-1-Admin',
        region: 'eu-west-1',
        source: {integration: 'corp', key: '100000000001/Admin'},
        status: 'inactive',
        type: 'aws-sso-role',
      })
      expect(workspace.integrations[0].lastSync?.counts).to.deep.equal({added: 4, removed: 0, unchanged: 0, updated: 0})
    })

    it('nothing changed: no next workspace (nothing to write), everything counted unchanged', () => {
      const first = synced(withCorp(), roles([1, 2])).workspace
      const {plan} = synced(first, roles([1, 2]))
      expect(plan.workspace).to.equal(null)
      expect(plan.unchanged).to.equal(4)
    })

    it('10 gone and 10 new: exactly those removed and added; ids and user edits (name, region, profile) kept on the rest', () => {
      const first = synced(withCorp(), roles(Array.from({length: 50}, (_, i) => i + 1))).workspace
      const edited = structuredClone(first)
      const target = edited.sessions.find((s) => s.source?.key === '100000000030/Admin')!
      Object.assign(target, {
        mode: 'process',
        name: 'my-admin',
        profile: 'work',
        region: 'ap-south-1',
        status: 'active',
      })
      const {plan, workspace} = synced(edited, roles(Array.from({length: 50}, (_, i) => i + 11)))
      expect(plan.removed.map((r) => r.key)).to.have.members(
        Array.from({length: 10}, (_, i) => [`${100_000_000_001 + i}/Admin`, `${100_000_000_001 + i}/ReadOnly`]).flat(),
      )
      expect(plan.added.map((s) => s.source?.key)).to.have.members(
        Array.from({length: 10}, (_, i) => [`${100_000_000_051 + i}/Admin`, `${100_000_000_051 + i}/ReadOnly`]).flat(),
      )
      expect(plan.unchanged).to.equal(80)
      const kept = workspace.sessions.find((s) => s.id === target.id)
      expect(kept).to.deep.include({
        mode: 'process',
        name: 'my-admin',
        profile: 'work',
        region: 'ap-south-1',
        status: 'active',
      })
      const before = new Map(first.sessions.map((s) => [s.source!.key, s.id]))
      for (const session of workspace.sessions) {
        if (before.has(session.source!.key)) expect(session.id).to.equal(before.get(session.source!.key))
      }
    })

    it("a changed account name updates the session's source fields only; an active session whose role went is stopped and removed with the sessions chained on it", () => {
      const first = synced(withCorp(), roles([1, 2])).workspace
      const gone = first.sessions.find((s) => s.source?.key === '100000000002/Admin')!
      Object.assign(gone, {mode: 'file', startedAt: '2026-01-01T00:00:00.000Z', status: 'active'})
      const child: Session = {
        externalId: null,
        id: '0a1b2c3d-0000-4000-8000-00000000000c',
        mode: null,
        name: 'hop',
        parentId: gone.id,
        profile: 'hop',
        region: null,
        roleArn: 'arn:aws:iam::100000000003:role/Hop',
        roleSessionName: null,
        source: null,
        startedAt: null,
        status: 'inactive',
        type: 'aws-iam-role-chained',
      }
      first.sessions.push(child)
      first.sessions[0].name = 'renamed'
      const next = roles([1, 2]).filter((d) => d.key !== '100000000002/Admin')
      ;(next[0].fields as SsoRoleSession).accountName = 'acct-1-renamed'
      const {plan, workspace} = synced(first, next)
      expect(plan.removed).to.deep.equal([
        {id: gone.id, key: '100000000002/Admin', name: gone.name, reason: 'gone', stopped: true},
        {id: child.id, key: null, name: 'hop', reason: 'chained', stopped: false},
      ])
      expect(plan.updated.map((s) => s.name)).to.deep.equal(['renamed'])
      expect(workspace.sessions.find((s) => s.name === 'renamed')).to.deep.include({accountName: 'acct-1-renamed'})
      expect(workspace.sessions).to.have.length(3)
    })

    it("an item's role path changing from [a, b, c] to [a, x, c]: its session keeps its id and the user's rename, re-parented on the new hop x (updated); the old hop b is removed; hop a unchanged", () => {
      const {
        before,
        chain,
        roles: [a, b, x, c],
        sourceId,
      } = dynamoPath()
      const account = before.sessions.find((s) => s.source?.key === 'account:prod')!
      const hopA = before.sessions.find((s) => s.source?.key === hopKey([a]))!
      const hopB = before.sessions.find((s) => s.source?.key === hopKey([a, b]))!
      Object.assign(account, {name: 'prod-edited', profile: 'prod-profile', region: 'ap-south-1'})

      const {plan, workspace} = synced(before, chain([a, x, c]))
      expect(plan.removed).to.deep.equal([
        {id: hopB.id, key: hopKey([a, b]), name: hopB.name, reason: 'gone', stopped: false},
      ])
      expect(plan.added.map((s) => s.source?.key)).to.deep.equal([hopKey([a, x])])
      const hopX = plan.added[0] as ChainedSession
      expect(hopX).to.deep.include({parentId: hopA.id, roleArn: x})
      expect(plan.updated.map((s) => s.id)).to.deep.equal([account.id])
      expect(plan.unchanged).to.equal(1)
      expect(workspace.integrations[0].lastSync?.counts).to.deep.equal({added: 1, removed: 1, unchanged: 1, updated: 1})
      const after = workspace.sessions.find((s) => s.source?.key === 'account:prod') as ChainedSession
      expect(after).to.deep.include({
        id: account.id,
        name: 'prod-edited',
        parentId: hopX.id,
        profile: 'prod-profile',
        region: 'ap-south-1',
        roleArn: c,
      })
      expect(workspace.sessions.map((s) => s.id)).to.have.members([sourceId, hopA.id, hopX.id, account.id])
    })

    it('a session chained (by hand) below a kept synced session that is re-parented stays with it; one below the removed hop itself goes', () => {
      const {
        before,
        chain,
        roles: [a, b, x, c],
      } = dynamoPath()
      const account = before.sessions.find((s) => s.source?.key === 'account:prod')!
      const hopB = before.sessions.find((s) => s.source?.key === hopKey([a, b]))!
      const onAccount = handMade('0a1b2c3d-0000-4000-8000-0000000000b1', 'mine-on-prod', account.id)
      const onHopB = handMade('0a1b2c3d-0000-4000-8000-0000000000b2', 'mine-on-b', hopB.id)
      before.sessions.push(onAccount, onHopB)

      const {plan, workspace} = synced(before, chain([a, x, c]))
      expect(plan.removed).to.deep.equal([
        {id: hopB.id, key: hopKey([a, b]), name: hopB.name, reason: 'gone', stopped: false},
        {id: onHopB.id, key: null, name: 'mine-on-b', reason: 'chained', stopped: false},
      ])
      expect(workspace.sessions.find((s) => s.id === onAccount.id)).to.deep.include({parentId: account.id})
      expect(workspace.sessions.find((s) => s.id === account.id)).to.not.equal(undefined)
    })

    it('a taken name gets a suffix; a key given twice by the source arrives once', () => {
      const workspace = withCorp()
      const desired = roles([1])
      const {plan} = synced(
        {
          ...workspace,
          sessions: [
            {
              id: '0a1b2c3d-0000-4000-8000-00000000000a',
              mfaSerial: null,
              mode: null,
              name: 'corp-acct-1-Admin',
              profile: 'default',
              region: null,
              source: null,
              startedAt: null,
              status: 'inactive',
              type: 'aws-iam-user',
            },
          ],
        },
        [...desired, ...desired],
      )
      expect(plan.added.map((s) => s.name)).to.deep.equal(['corp-acct-1-Admin-2', 'corp-acct-1-ReadOnly'])
    })

    it('an unknown alias is exit 4 naming the integrations', () => {
      expect(() => planSync(withCorp(), 'nope', [], lastSync)).to.throw(/No integration named "nope"/)
    })
  })

  describe('applySync (the workspace file)', () => {
    let root: string
    let store: WorkspaceStore

    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'terrace-sync-apply-'))
      store = {files: workspaceFiles(join(root, 'home')), warn() {}}
      await updateWorkspace(store, () => ({result: null, workspace: withCorp()}))
    })

    afterEach(() => rm(root, {force: true, recursive: true}))

    it('applies a sync in one write; a second with nothing changed writes nothing (bytes, mtime, no last good copy change)', async () => {
      const first = await applySync(store, 'corp', roles([1, 2, 3]), {lastSync})
      expect(first).to.include({written: true})
      const bytes = await readFile(store.files.file)
      const {mtimeMs} = await stat(store.files.file)
      const backup = await readFile(store.files.backup)
      await new Promise((resolve) => {
        setTimeout(resolve, 20)
      })
      const second = await applySync(store, 'corp', roles([1, 2, 3]), {lastSync})
      expect(second).to.include({unchanged: 6, written: false})
      expect((await readFile(store.files.file)).equals(bytes)).to.equal(true)
      expect((await stat(store.files.file)).mtimeMs).to.equal(mtimeMs)
      expect((await readFile(store.files.backup)).equals(backup)).to.equal(true)
    })

    it('interrupted at the last moment (under the lock): the workspace is left as it was', async () => {
      const before = await readFile(store.files.file, 'utf8')
      const error = await rejection(
        applySync(store, 'corp', roles([1, 2, 3]), {
          lastSync,
          stillWanted() {
            throw new InterruptedError('interrupted')
          },
        }),
      )
      expect(error).to.be.instanceOf(InterruptedError)
      expect(await readFile(store.files.file, 'utf8')).to.equal(before)
      expect((await readWorkspace(store)).sessions).to.have.length(0)
    })
  })
})
