#!/usr/bin/env node
import {spawnSync} from 'node:child_process'
// `terrace session list` over a workspace of 3,000 sessions (all three types), against `node -e 0`, the floor for
// any Node CLI. Prints the median of N alternating runs (default 21; `node bench/session-list.js 51`) of each, and
// the ratio (the target: <= 2.5x). The table and --json are both measured. Build first: npm run build.
import {randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(repo, 'bin', 'run.js')
if (!existsSync(join(repo, 'dist', 'entry.js'))) {
  console.error('dist/entry.js is missing: run `npm run build` first')
  process.exit(1)
}

const runs = Number(process.argv[2] ?? 21)
const count = 3000
const home = mkdtempSync(join(tmpdir(), 'terrace-bench-sessions-'))
const env = {...process.env, TERRACE_HOME: home}

/** 3,000 sessions: a third of each type, every chained one on an IAM user. */
function workspace() {
  const sessions = []
  for (let i = 0; i < count / 3; i++) {
    const account = String(100_000_000_000 + i)
    const base = {
      mode: null,
      profile: `p${i % 50}`,
      region: i % 2 ? 'eu-west-1' : null,
      source: null,
      startedAt: null,
      status: 'inactive',
    }
    sessions.push({
      ...base,
      accountId: account,
      accountName: `account-${i}`,
      id: randomUUID(),
      name: `sso-${i}`,
      roleName: 'Administrator',
      ssoRegion: 'us-east-1',
      startUrl: 'https://example.awsapps.com/start',
      type: 'aws-sso-role',
    })
    const user = {
      ...base,
      id: randomUUID(),
      mfaSerial: `arn:aws:iam::${account}:mfa/u${i}`,
      name: `user-${i}`,
      type: 'aws-iam-user',
    }
    sessions.push(user, {
      ...base,
      externalId: null,
      id: randomUUID(),
      name: `chained-${i}`,
      parentId: user.id,
      roleArn: `arn:aws:iam::${account}:role/DevOps`,
      roleSessionName: null,
      type: 'aws-iam-role-chained',
    })
  }

  return {defaultRegion: 'us-east-2', integrations: [], sessions, version: 3}
}

const cases = [
  {args: ['-e', '0'], name: 'node -e 0'},
  {args: [cli, 'session', 'list'], name: 'terrace session list (3,000 sessions)'},
  {args: [cli, 'session', 'list', '--json'], name: 'terrace session list --json (3,000 sessions)'},
]

function time(c) {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, c.args, {
    env,
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${c.name} exited ${result.status ?? result.signal}: ${result.stderr}`)
  return ms
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

try {
  mkdirSync(home, {recursive: true})
  writeFileSync(join(home, 'workspace.json'), JSON.stringify(workspace(), null, 2), {mode: 0o600})
  for (const c of cases) time(c) // warm-up: the file cache
  const samples = new Map(cases.map((c) => [c.name, []]))
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name).push(time(c))
  const floor = median(samples.get('node -e 0'))
  console.log(`median of ${runs} runs each`)
  for (const [name, values] of samples) {
    const ms = median(values)
    console.log(`${name.padEnd(46)} ${ms.toFixed(1).padStart(8)} ms  ${(ms / floor).toFixed(2)}x node -e 0`)
  }
} finally {
  rmSync(home, {force: true, recursive: true})
}
