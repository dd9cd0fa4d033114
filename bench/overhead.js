#!/usr/bin/env node
// What terrace adds to every wrapped run. Prints medians of N alternating runs (default 21; `node
// bench/overhead.js 51`) of:
//   node -e 0                                the floor for any Node CLI
//   /bin/true                                process start alone
//   terrace tf version                       TERRACE_TF_BIN=/bin/true, the number the target is about
//   terrace tf validate (layer, warm cache)  the same plus project discovery (plan needs a login now: see below)
// and the ratio terrace/node (target: terrace tf version <= 2.5x node -e 0). Build first: npm run build.
// Then (execWithCredentials) warm-cache `terrace exec -- /bin/true` in a layer with credentials delivered (login
// against an in-process sandbox; keychain vault when a D-Bus session is there, e.g. under
// scripts/with-keyring.sh, else the file vault), alternating with node -e 0 (target <= 2.5x), and the same through
// terrace's agent (TERRACE_AGENT=auto: its endpoint asks the agent; target <= 2.2x). Every other case runs with
// TERRACE_AGENT=off in a TERRACE_HOME where no agent runs (a running agent is asked even with off); the agent a bench
// starts is stopped before it ends.
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(repo, 'bin', 'run.js')
const layer = join(repo, 'test', 'fixtures', 'projects', 'bb', 'apps-devstg', 'us-east-1', 'base-network')
if (!existsSync(join(repo, 'dist', 'entry.js'))) {
  console.error('dist/entry.js is missing: run `npm run build` first')
  process.exit(1)
}

const runs = Number(process.argv[2] ?? 21)
const home = mkdtempSync(join(tmpdir(), 'terrace-bench-'))
const env = {...process.env, TERRACE_AGENT: 'off', TERRACE_HOME: home, TERRACE_TF_BIN: '/bin/true'}

const cases = [
  {args: ['-e', '0'], command: process.execPath, name: 'node -e 0'},
  {args: [], command: '/bin/true', name: '/bin/true'},
  {args: [cli, 'tf', 'version'], command: process.execPath, name: 'terrace tf version'},
  {
    args: [cli, 'tf', 'validate'],
    command: process.execPath,
    cwd: layer,
    name: 'terrace tf validate (layer, warm cache)',
  },
]

function time(c) {
  const start = process.hrtime.bigint()
  const result = spawnSync(c.command, c.args, {cwd: c.cwd ?? repo, env, stdio: 'ignore'})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${c.name} exited ${result.status ?? result.signal}`)
  return ms
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

try {
  for (const c of cases) time(c) // warm-up: file cache, terrace's tfvars parse cache
  const samples = new Map(cases.map((c) => [c.name, []]))
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name).push(time(c))
  const medians = new Map([...samples].map(([name, values]) => [name, median(values)]))
  const width = Math.max(...cases.map((c) => c.name.length))
  console.log(`medians of ${runs} alternating runs (node ${process.version})`)
  for (const [name, ms] of medians) console.log(`  ${name.padEnd(width)}  ${ms.toFixed(1).padStart(7)} ms`)
  const node = medians.get('node -e 0')
  const tf = medians.get('terrace tf version')
  const plan = medians.get('terrace tf validate (layer, warm cache)')
  console.log(`ratio terrace tf version / node -e 0: ${(tf / node).toFixed(2)}x (target <= 2.5x)`)
  console.log(`ratio terrace tf validate / node -e 0: ${(plan / node).toFixed(2)}x`)
} finally {
  rmSync(home, {force: true, recursive: true})
}

/** Runs a command without blocking this process (the sandbox answers from it); resolves its duration in ms. */
function timeAsync(command, args, options) {
  const start = process.hrtime.bigint()
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {...options, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) resolvePromise(Number(process.hrtime.bigint() - start) / 1e6)
      else reject(new Error(`${[command, ...args].join(' ')} exited ${code}: ${stderr}`))
    })
  })
}

/** The environment of a bench against the in-process sandbox: the keychain vault under a D-Bus session, else the file vault. */
function sandboxBenchEnv(sandbox, dir) {
  const keychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
  return {
    ...process.env,
    ...sandbox.env(),
    AWS_REGION: 'us-east-1',
    HOME: join(dir, 'home'),
    // the cases through the agent say so
    TERRACE_AGENT: 'off',
    TERRACE_HOME: join(dir, 'terrace-home'),
    TERRACE_VAULT: keychain ? 'keychain' : 'file',
    ...(keychain ? {} : {TERRACE_VAULT_PASSPHRASE: 'bench passphrase'}),
  }
}

/**
 * The environment of the cases without an agent: a TERRACE_HOME of their own, where no agent ever runs. A client
 * asks an agent whenever one runs for its TERRACE_HOME, TERRACE_AGENT=off included, so with one home the cases
 * "without an agent" would be answered by the agent the other cases started.
 */
const directEnv = (dir) => ({TERRACE_AGENT: 'off', TERRACE_HOME: join(dir, 'terrace-home-direct')})

async function execWithCredentials(n) {
  const sandboxModule = join(repo, 'dist', 'sandbox', 'index.js')
  if (!existsSync(sandboxModule)) return
  const {loadSandboxConfigFile, startSandbox} = await import(sandboxModule)
  const sandbox = await startSandbox({config: {...loadSandboxConfigFile(), autoApprove: true}})
  const dir = mkdtempSync(join(tmpdir(), 'terrace-bench-exec-'))
  const benchEnv = {...sandboxBenchEnv(sandbox, dir), TERRACE_TF_BIN: '/bin/true'}
  try {
    cpSync(join(repo, 'templates', 'sample-project'), join(dir, 'project'), {recursive: true})
    const cwd = join(dir, 'project', 'apps-devstg', 'us-east-1', 'base-network')
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'login', '--no-browser'], {cwd, env: benchEnv})
    const direct = directEnv(dir)
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'login', '--no-browser'], {
      cwd,
      env: {...benchEnv, ...direct},
    })
    const viaAgent = 'terrace exec -- /bin/true (through the agent)'
    const cases = [
      {args: ['-e', '0'], name: 'node -e 0'},
      {args: [cli, 'exec', '--', '/bin/true'], env: direct, name: 'terrace exec -- /bin/true (layer, warm cache)'},
      {args: [cli, 'tf', 'plan'], env: direct, name: 'terrace tf plan (layer, warm cache)'},
      {args: [cli, 'exec', '--', '/bin/true'], env: {TERRACE_AGENT: 'auto'}, name: viaAgent},
    ]
    const run = (c) => timeAsync(process.execPath, c.args, {cwd, env: {...benchEnv, ...c.env}})
    for (const c of cases) await run(c) // warm-up: fills the cache (and starts the agent, which then holds the role)
    const samples = new Map(cases.map((c) => [c.name, []]))
    for (let i = 0; i < n; i++) for (const c of cases) samples.get(c.name).push(await run(c))

    const node = median(samples.get(cases[0].name))
    const exec = median(samples.get(cases[1].name))
    console.log(`\nwith credentials (${benchEnv.TERRACE_VAULT} vault), medians of ${n} alternating runs:`)
    for (const [name, values] of samples)
      console.log(`  ${name.padEnd(46)}  ${median(values).toFixed(1).padStart(7)} ms`)
    console.log(`ratio terrace exec / node -e 0: ${(exec / node).toFixed(2)}x (target <= 2.5x)`)
    const agentExec = median(samples.get(viaAgent))
    console.log(`ratio terrace exec through the agent / node -e 0: ${(agentExec / node).toFixed(2)}x (target <= 2.2x)`)
  } finally {
    await timeAsync(process.execPath, [cli, 'agent', 'stop'], {cwd: dir, env: benchEnv}).catch(() => {})
    await sandbox.stop()
    rmSync(dir, {force: true, recursive: true})
  }
}

await execWithCredentials(runs)

/**
 * Warm-cache `terrace credential-process --profile <p>` (what AWS tools run through credential_process, often
 * many at once) alternating with node -e 0 (target <= 1.6x without an agent: every keychain read goes through
 * keytar), and the same answered by terrace's agent (TERRACE_AGENT=auto, target <= 1.2x); and a workspace session's
 * `terrace credential-process --session <id>` (what `session start` writes) answered by the agent (target <= 1.2x,
 * issue 13). Own sandbox, login and
 * profile registry in a temp
 * TERRACE_HOME; the keychain vault when a D-Bus session is there (run under scripts/with-keyring.sh), else the
 * file vault (and it says so: the keychain figure is the one the target is about).
 */
async function credentialProcess(n) {
  const sandboxModule = join(repo, 'dist', 'sandbox', 'index.js')
  if (!existsSync(sandboxModule)) return
  const {loadSandboxConfigFile, startSandbox} = await import(sandboxModule)
  const {updateProfileRegistry} = await import(join(repo, 'dist', 'auth', 'credentials', 'profile-registry.js'))
  const sandbox = await startSandbox({config: {...loadSandboxConfigFile(), autoApprove: true}})
  const dir = mkdtempSync(join(tmpdir(), 'terrace-bench-cp-'))
  const keychain = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
  const project = join(dir, 'project')
  const benchEnv = sandboxBenchEnv(sandbox, dir)
  try {
    cpSync(join(repo, 'templates', 'sample-project'), project, {recursive: true})
    // a keychain shared with earlier runs may hold another sandbox's login: start from none
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'logout'], {cwd: project, env: benchEnv})
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'login', '--no-browser'], {cwd: project, env: benchEnv})
    const direct = directEnv(dir)
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'login', '--no-browser'], {
      cwd: project,
      env: {...benchEnv, ...direct},
    })
    const profile = 'bb-apps-devstg-devops'
    const ref = {
      account: 'apps-devstg',
      accountId: '555555555555',
      kind: 'sso',
      role: 'DevOps',
      source: join(project, 'apps-devstg', 'config', 'account.tfvars'),
      ssoRegion: 'us-east-1',
      startUrl: 'https://bb-sandbox.awsapps.com/start',
    }
    for (const home of [benchEnv.TERRACE_HOME, direct.TERRACE_HOME])
      await updateProfileRegistry(join(home, 'config'), {set: {[profile]: {ref, region: 'us-east-1'}}})
    const viaAgent = 'terrace credential-process (through the agent)'
    // a workspace session of the same SSO role, named by its id as `session start` writes it
    const session = ['--start-url', ref.startUrl, '--sso-region', ref.ssoRegion, '--account-id', ref.accountId]
    await timeAsync(
      process.execPath,
      [cli, 'session', 'add', 'sso-role', '--name', 'bench', ...session, '--role', 'DevOps'],
      {
        cwd: dir,
        env: benchEnv,
      },
    )
    const workspace = JSON.parse(readFileSync(join(benchEnv.TERRACE_HOME, 'workspace.json'), 'utf8'))
    const sessionId = workspace.sessions.find((x) => x.name === 'bench').id
    const sessionViaAgent = 'terrace credential-process --session (agent)'
    const cases = [
      {args: ['-e', '0'], name: 'node -e 0'},
      {
        args: [cli, 'credential-process', '--profile', profile],
        env: direct,
        name: 'terrace credential-process (warm cache)',
      },
      {args: [cli, 'credential-process', '--profile', profile], env: {TERRACE_AGENT: 'auto'}, name: viaAgent},
      {args: [cli, 'credential-process', '--session', sessionId], env: {TERRACE_AGENT: 'auto'}, name: sessionViaAgent},
    ]
    // where the keychain's share goes: node, loading keytar (from terrace's node_modules) and one read, nothing else
    if (keychain)
      cases.push({
        args: [
          '--input-type=module',
          '-e',
          `const k = (await import(${JSON.stringify(join(repo, 'node_modules', 'keytar', 'lib', 'keytar.js'))})).default; await k.getPassword('terrace', 'terrace-probe')`,
        ],
        name: 'node + keytar, one read',
      })
    const run = (c) => timeAsync(process.execPath, c.args, {cwd: dir, env: {...benchEnv, ...c.env}})
    for (const c of cases) await run(c) // warm-up: the first credential-process fills the cache
    const samples = new Map(cases.map((c) => [c.name, []]))
    for (let i = 0; i < n; i++) for (const c of cases) samples.get(c.name).push(await run(c))
    const node = median(samples.get(cases[0].name))
    const cp = median(samples.get(cases[1].name))
    const cpAgent = median(samples.get(viaAgent))
    console.log(`\ncredential-process (${benchEnv.TERRACE_VAULT} vault), medians of ${n} alternating runs:`)
    for (const [name, values] of samples)
      console.log(`  ${name.padEnd(46)}  ${median(values).toFixed(1).padStart(7)} ms`)
    console.log(
      `ratio terrace credential-process / node -e 0: ${(cp / node).toFixed(2)}x (target <= 1.6x without an agent)`,
    )
    console.log(
      `ratio credential-process through the agent / node -e 0: ${(cpAgent / node).toFixed(2)}x (target <= 1.2x)`,
    )
    const cpSession = median(samples.get(sessionViaAgent))
    console.log(
      `ratio credential-process --session through the agent / node -e 0: ${(cpSession / node).toFixed(2)}x (target <= 1.2x)`,
    )
    if (keychain) {
      const keytar = median(samples.get('node + keytar, one read'))
      console.log(`ratio node + keytar, one read / node -e 0: ${(keytar / node).toFixed(2)}x (the keychain's share)`)
    }

    if (!keychain)
      console.log('  (file vault: no D-Bus session; run under scripts/with-keyring.sh for the keychain figure)')
  } finally {
    await timeAsync(process.execPath, [cli, 'agent', 'stop'], {cwd: dir, env: benchEnv}).catch(() => {})
    await timeAsync(process.execPath, [cli, 'aws', 'sso', 'logout'], {cwd: project, env: benchEnv}).catch(() => {})
    await sandbox.stop()
    rmSync(dir, {force: true, recursive: true})
  }
}

await credentialProcess(runs)
