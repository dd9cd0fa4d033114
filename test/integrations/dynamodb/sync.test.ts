import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SandboxConfigInput} from '../../../src/sandbox/index.js'
import type {ChainedSession, Session, Workspace} from '../../../src/workspace/session.js'

import {addDynamoDbIntegration} from '../../../src/integrations/dynamodb/add.js'
import {dynamoDbDriver} from '../../../src/integrations/dynamodb/index.js'
import {applySync} from '../../../src/integrations/sync-apply.js'
import {systemClock} from '../../../src/lib/clock.js'
import {addSession} from '../../../src/workspace/session-service.js'
import {workspaceStore} from '../../../src/workspace/store.js'
import {readWorkspace, updateWorkspace} from '../../../src/workspace/workspace-file.js'
import {startTestSandbox, TEMPLATE} from '../../helpers/sandbox.js'

const arn = (account: string) => `arn:aws:iam::${account}:role/DevOps`

function table(generate: number, items: Array<{name: string; role: string[]}> = []): SandboxConfigInput {
  return {
    dynamodb: {
      tables: {
        accounts: {
          account: 'security',
          generate: {count: generate, hops: [1, 3], via: ['security', 'shared']},
          items,
          maxItemsPerPage: 200,
        },
      },
    },
  }
}

/** The role ARNs from the source session to `session`, first hop first. */
function chainOf(workspace: Workspace, session: Session): string[] {
  const byId = new Map(workspace.sessions.map((s) => [s.id, s]))
  const roles: string[] = []
  for (let at: Session | undefined = session; at?.type === 'aws-iam-role-chained'; at = byId.get(at.parentId))
    roles.unshift(at.roleArn)
  return roles
}

describe('dynamodb integration: sync into the workspace (sandbox table, the framework apply)', function () {
  this.timeout(60_000)
  let tmp: string
  let env: NodeJS.ProcessEnv

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'terrace-dynamo-sync-'))
    env = {TERRACE_HOME: join(tmp, 'home')}
  })

  afterEach(() => rmSync(tmp, {force: true, recursive: true}))

  const store = () => workspaceStore(env, () => {})
  const driver = dynamoDbDriver({
    clock: systemClock,
    credentials: async () => ({accessKeyId: TEMPLATE.accessKeyId, secretAccessKey: TEMPLATE.secretAccessKey}),
  })

  /** One sync of `corp` against a sandbox holding `config`'s table. */
  async function sync(config: SandboxConfigInput) {
    const sb = await startTestSandbox(config)
    try {
      const workspace = await readWorkspace(store())
      const integration = workspace.integrations.find((i) => i.alias === 'corp')!
      if (integration.type !== 'dynamodb') throw new Error('not a dynamodb integration')
      const read = await driver.read(integration, {
        env: {AWS_ENDPOINT_URL_DYNAMODB: sb.url},
        onProgress() {},
        rate: 20,
        signal: new AbortController().signal,
        workspace,
      })
      const lastSync = (counts: {added: number; removed: number; unchanged: number; updated: number}) => ({
        at: new Date().toISOString(),
        counts,
        result: 'ok' as const,
      })
      return await applySync(store(), 'corp', read.sessions, {lastSync})
    } finally {
      await sb.stop()
    }
  }

  async function setUp(): Promise<string> {
    const alice = await addSession(store(), 'aws-iam-user', {name: 'alice'})
    await addDynamoDbIntegration(store(), {
      alias: 'corp',
      mfaSerial: TEMPLATE.mfaSerial,
      region: 'us-east-1',
      sourceSession: 'alice',
      table: 'accounts',
    })
    return alice.id
  }

  it('250 items (half 1 hop, half 3) become 250 chained sessions on 2 shared hop sessions, stacked on the source', async () => {
    const aliceId = await setUp()
    const applied = await sync(table(250))
    expect(applied.written).to.equal(true)
    expect(applied.added).to.have.length(252)
    const workspace = await readWorkspace(store())
    const synced = workspace.sessions.filter((s): s is ChainedSession => s.source?.integration === 'corp')
    expect(synced).to.have.length(252)
    const three = synced.find((s) => s.source!.key === 'account:account-0002')!
    expect(three).to.deep.include({name: 'corp.account-0002', profile: 'corp.account-0002', region: 'us-east-1'})
    expect(chainOf(workspace, three)).to.deep.equal([
      arn('222222222222'),
      arn('333333333333'),
      arn(TEMPLATE.accounts.security),
    ])
    const one = synced.find((s) => s.source!.key === 'account:account-0001')!
    expect(one.parentId).to.equal(aliceId)
    const roots = synced.filter((s) => s.parentId === aliceId)
    expect(roots).to.have.length(126) // 125 one-hop items and the shared first hop
    expect(workspace.integrations[0].lastSync?.counts).to.deep.equal({added: 252, removed: 0, unchanged: 0, updated: 0})
    expect(
      statSync(join(tmp, 'home', 'workspace.json'))
        .mode.toString(8)
        .slice(-3),
    ).to.equal('600')
  })

  it('a second sync with nothing changed writes nothing; ids stay; the user edits are kept', async () => {
    await setUp()
    await sync(table(250))
    await updateWorkspace(store(), (workspace) => ({
      result: null,
      workspace: {
        ...workspace,
        sessions: workspace.sessions.map((s) =>
          s.source?.key === 'account:account-0007' ? {...s, name: 'mine', profile: 'p7', region: 'eu-west-1'} : s,
        ),
      },
    }))
    const before = readFileSync(join(tmp, 'home', 'workspace.json'), 'utf8')
    const again = await sync(table(250))
    expect(again).to.deep.include({written: false})
    expect(again.unchanged).to.equal(252)
    expect(readFileSync(join(tmp, 'home', 'workspace.json'), 'utf8')).to.equal(before)
    const edited = (await readWorkspace(store())).sessions.find((s) => s.source?.key === 'account:account-0007')
    expect(edited).to.deep.include({name: 'mine', profile: 'p7', region: 'eu-west-1'})
  })

  it('10 items gone and 10 new: exactly those removed and added, the rest unchanged with the same ids', async () => {
    await setUp()
    await sync(table(250))
    const ids = new Map((await readWorkspace(store())).sessions.map((s) => [s.source?.key, s.id]))
    const fresh = Array.from({length: 10}, (_, i) => ({name: `new-${i}`, role: [arn('444444444444')]}))
    const applied = await sync(table(240, fresh))
    expect(applied.added.map((s) => s.name).sort()).to.deep.equal(fresh.map((item) => `corp.${item.name}`).sort())
    expect(applied.removed.map((s) => s.key).sort()).to.deep.equal(
      Array.from({length: 10}, (_, i) => `account:account-0${241 + i}`).sort(),
    )
    expect(applied.removed.every((s) => s.reason === 'gone')).to.equal(true)
    expect(applied.unchanged).to.equal(242)
    const after = (await readWorkspace(store())).sessions
    for (const session of after)
      if (ids.has(session.source?.key)) expect(session.id).to.equal(ids.get(session.source?.key))
  })
})
