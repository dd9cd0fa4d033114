#!/usr/bin/env node
// The dynamodb integration's sync, in process against the sandbox: the account table read page by page (Scan,
// LastEvaluatedKey) and the sync planned, for tables of 250 and 3,000 items (half 1 hop, half 3), pages of at most
// 200 items. Prints the read time, pages, sessions, the plan time and the peak RSS. Build first: npm run build.
import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = (path) => pathToFileURL(join(repo, 'dist', path)).href
if (!existsSync(join(repo, 'dist', 'entry.js'))) {
  console.error('dist/entry.js is missing: run `npm run build` first')
  process.exit(1)
}

const {loadSandboxConfigFile, startSandbox} = await import(dist('sandbox/index.js'))
const {readDynamoDbIntegration} = await import(dist('integrations/dynamodb/read.js'))
const {planSync} = await import(dist('integrations/sync-apply.js'))
const {emptyWorkspace} = await import(dist('workspace/session.js'))
const {systemClock} = await import(dist('lib/clock.js'))

const SOURCE = 'aaaaaaaa-0000-4000-8000-000000000001'
const alice = {accessKeyId: 'AKIASANDBOXALICE0001', secretAccessKey: 'sandbox/alice/secret/key/000000000000000'}
const integration = {
  alias: 'corp',
  lastSync: null,
  mfaSerial: null,
  region: 'us-east-1',
  sourceSessionId: SOURCE,
  table: 'accounts',
  type: 'dynamodb',
}
const user = {
  id: SOURCE,
  mfaSerial: null,
  mode: null,
  name: 'alice',
  profile: 'default',
  region: null,
  source: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-user',
}
let peak = 0
const sample = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 5)

for (const count of [250, 3000]) {
  const table = {
    account: 'security',
    generate: {count, hops: [1, 3], via: ['security', 'shared']},
    maxItemsPerPage: 200,
  }
  const sandbox = await startSandbox({config: {...loadSandboxConfigFile(), dynamodb: {tables: {accounts: table}}}})
  try {
    const workspace = {...emptyWorkspace(), integrations: [integration], sessions: [user]}
    const started = performance.now()
    const read = await readDynamoDbIntegration(
      integration,
      {env: {AWS_ENDPOINT_URL_DYNAMODB: sandbox.url}, workspace},
      {clock: systemClock, credentials: async () => alice},
    )
    const readMs = performance.now() - started
    const plan = planSync(workspace, 'corp', read.sessions, (counts) => ({
      at: new Date().toISOString(),
      counts,
      result: 'ok',
    }))
    const planMs = performance.now() - started - readMs
    console.log(
      `${count} items: read ${readMs.toFixed(0)} ms (${read.stats.pages} Scan pages, ${read.stats.requests} requests), ` +
        `${read.sessions.length} sessions, plan ${planMs.toFixed(0)} ms (${plan.added.length} added)`,
    )
  } finally {
    await sandbox.stop()
  }
}

clearInterval(sample)
console.log(`peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB (sandbox in the same process)`)
