#!/usr/bin/env node
// terrace integration sync of an IAM Identity Center with 1,000 accounts x 3 roles (node bench/integration-sync.js
// [accounts] [fault rate: 0.2 answers that share of portal requests 429 or 500]), against an in-process sandbox whose portal answers 429 above 20 requests/s. Prints the requests,
// throttled answers, retries and achieved rate of the sync (target: >= 90% of the limit, 18 requests/s, i.e.
// <= 56 s for ~1,010 requests), and the sync process's peak RSS (target <= 200 MB), measured by /usr/bin/time
// when there is one (else the high-water mark in /proc/<pid>/status, read until it exits). Build first.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(repo, 'bin', 'run.js')
const sandboxModule = join(repo, 'dist', 'sandbox', 'index.js')
if (!existsSync(sandboxModule)) {
  console.error('dist/ is missing: run `npm run build` first')
  process.exit(1)
}

const accounts = Number(process.argv[2] ?? 1000)
const faultRate = Number(process.argv[3] ?? 0)
const LIMIT = 20
const START_URL = 'https://bench.awsapps.com/start'
const {loadSandboxConfigFile, startSandbox} = await import(sandboxModule)
const sandbox = await startSandbox({
  config: {
    ...loadSandboxConfigFile(),
    accounts: {},
    autoApprove: true,
    generateAccounts: {count: accounts, rolesPerAccount: 3},
    iamUsers: [],
    rateLimit: {portal: {burst: LIMIT, requestsPerSecond: LIMIT}},
  },
})
const dir = mkdtempSync(join(tmpdir(), 'terrace-bench-integration-'))
const env = {
  ...process.env,
  ...sandbox.env(),
  AWS_REGION: 'us-east-1',
  HOME: dir,
  TERRACE_HOME: join(dir, 'home'),
  TERRACE_VAULT: 'file',
  TERRACE_VAULT_PASSPHRASE: 'bench passphrase',
}

/** Runs the CLI without blocking this process (the sandbox answers from it). */
function run(args, options = {}) {
  const timed = options.peakRss && existsSync('/usr/bin/time')
  const rssFile = join(dir, 'rss')
  const [command, argv] = timed
    ? ['/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, cli, ...args]]
    : [process.execPath, [cli, ...args]]
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, argv, {env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    let peakKb = 0
    const poll =
      options.peakRss && !timed
        ? setInterval(() => {
            try {
              const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
              if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]))
            } catch {}
          }, 50)
        : undefined
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (poll) clearInterval(poll)
      if (code === 0) {
        resolvePromise({peakKb: timed ? Number(readFileSync(rssFile, 'utf8').trim()) : peakKb, stdout})
      } else {
        reject(new Error(`terrace ${args.join(' ')} exited ${code}: ${stderr}`))
      }
    })
  })
}

try {
  await run(['integration', 'add', 'aws-sso', '--alias', 'bench', '--start-url', START_URL, '--region', 'us-east-1'])
  await run(['integration', 'login', 'bench', '--no-browser'])
  if (faultRate > 0)
    await sandbox.control.updateSettings({faults: {kinds: ['429', '5xx'], rate: faultRate, services: ['portal']}})
  const started = Date.now()
  const {peakKb, stdout} = await run(['integration', 'sync', 'bench', '--json'], {peakRss: true})
  const wall = (Date.now() - started) / 1000
  const summary = JSON.parse(stdout)
  const {elapsedMs, ratePerSecond, requests, retries, throttled} = summary.requests
  const faults = faultRate > 0 ? `, ${faultRate * 100}% of answers 429 or 500` : ''
  console.log(`integration sync: ${accounts} accounts x 3 roles, portal limit ${LIMIT} requests/s${faults}`)
  console.log(`  sessions added              ${summary.counts.added}`)
  console.log(`  requests                    ${requests} (throttled ${throttled}, retries ${retries})`)
  console.log(
    `  listing                     ${(elapsedMs / 1000).toFixed(1)} s, ${ratePerSecond} requests/s = ${Math.round((ratePerSecond / LIMIT) * 100)}% of the limit (target >= 90%)`,
  )
  console.log(`  whole command               ${wall.toFixed(1)} s`)
  console.log(`  peak RSS of the sync        ${(peakKb / 1024).toFixed(0)} MB (target <= 200 MB)`)
} finally {
  await sandbox.stop()
  rmSync(dir, {force: true, recursive: true})
}
