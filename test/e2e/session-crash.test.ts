/**
 * Issue 13, robustness: `session start` and `session stop` killed with SIGKILL (TERRACE_TEST_DIE_AT) at each step of
 * their writes, 20 seeded runs (TERRACE_TEST_SEED replays one) covering every crash point at least once.
 *
 * The rule enforced: the workspace is the truth, and start and stop are idempotent repairs of their session's
 * profile. After a kill the workspace is valid, the AWS files parse with every user byte in place, no lock of the
 * dead process blocks the next command (`session list` runs at once), and the files and registry serve either the
 * workspace as it stands (the before- or after-state) or, when the kill came between two writes, running the
 * interrupted command again (or `session stop` of the session a start was killed on) brings them into agreement: no
 * profile served twice, nothing served for a session not active, no temp file or lock of the dead process left.
 */
import {expect} from 'chai'
import {appendFileSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {assertBuilt, type CliResult} from '../helpers/cli.js'
import {cli, tearDown} from './delivery-helpers.js'
import {
  expectCleanOutcome,
  expectFilesServeWorkspace,
  expectSameBytes,
  pick,
  readValidWorkspace,
  seededRandom,
  SESSIONS,
  type SessionScenario,
  setUpSessions,
  splitAwsFile,
  testSeed,
  USER_CONFIG_START,
  USER_CREDS_START,
} from './session-robustness-helpers.js'

const RUNS = 20
type Operation = 'start-file' | 'start-process' | 'stop'
/** where start dies: its workspace writes, the registry, each AWS file (inside the atomic write too), between them */
const START_POINTS = [
  'workspace:temp-written',
  'session-start:pending-written',
  'config-file:temp-written:profiles.json',
  'session-start:registry-written',
  'aws-config:temp-written',
  'session-start:config-written',
  'session-start:files-written',
]
const STOP_POINTS = [
  'session-stop:credentials-removed',
  'aws-config:temp-written',
  'session-stop:config-removed',
  'config-file:temp-written:profiles.json',
  'session-stop:registry-removed',
  'workspace:temp-written',
]

/** RUNS (operation, point) pairs: every point of each operation once, in a seeded order, then seeded picks. */
function plan(random: () => number): Array<{operation: Operation; point: string}> {
  const starts = (): Operation => (random() < 0.5 ? 'start-file' : 'start-process')
  const runs = [
    ...START_POINTS.map((point) => ({operation: starts(), point})),
    ...STOP_POINTS.map((point) => ({operation: 'stop' as Operation, point})),
  ]
  while (runs.length < RUNS) {
    const operation = pick(random, ['start-file', 'start-process', 'stop'] as Operation[])
    runs.push({operation, point: pick(random, operation === 'stop' ? STOP_POINTS : START_POINTS)})
  }

  return runs
    .map((run) => ({run, sort: random()}))
    .sort((a, b) => a.sort - b.sort)
    .map((x) => x.run)
}

const command = (operation: Operation, name: string): string[] =>
  operation === 'stop'
    ? ['session', 'stop', name]
    : ['session', 'start', name, '--mode', operation === 'start-file' ? 'file' : 'process']

describe('e2e: session start and stop killed (SIGKILL) at each step of their writes', function () {
  this.timeout(400_000)
  let s: SessionScenario

  before(async () => {
    assertBuilt()
    s = await setUpSessions()
  })

  after(() => tearDown(s))

  /** Every user byte is in place; the workspace is valid and the managed blocks parse. */
  const appended = {config: '', credentials: ''}
  const expectUserBytesKept = () => {
    readValidWorkspace(s)
    const config = splitAwsFile(readFileSync(s.configFile, 'latin1'), 'config')
    const credentials = splitAwsFile(readFileSync(s.credentialsFile, 'latin1'), 'credentials')
    expectSameBytes('the config file outside the block', config.outside, USER_CONFIG_START + appended.config)
    expectSameBytes(
      'the credentials file outside the block',
      credentials.outside,
      USER_CREDS_START + appended.credentials,
    )
  }

  /** No temp file, lock or lock-break marker of a dead process in ~/.aws or TERRACE_HOME (and its config folder). */
  const expectNoLeftovers = () => {
    const home = s.env.TERRACE_HOME!
    const left = [
      ...readdirSync(join(s.env.HOME!, '.aws')).filter((f) => !['config', 'credentials'].includes(f)),
      ...[home, join(home, 'config')].flatMap((dir) =>
        readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.lock') || f.endsWith('.break')),
      ),
    ]
    expect(left, 'left by the killed process').to.deep.equal([])
  }

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => cli(s, args, {env})

  it(`${RUNS} seeded runs: after each kill the files agree with the workspace, at once or after the next start/stop`, async () => {
    const random = seededRandom(testSeed('TERRACE_TEST_SEED'))
    const runs = plan(random)
    const repaired: string[] = []
    for (const [i, {operation, point}] of runs.entries()) {
      const label = `run ${i + 1}: ${operation} killed at ${point}`
      const target = pick(random, SESSIONS)
      const rival = SESSIONS.find((x) => x.profile === target.profile && x.name !== target.name)
      // the state before: a known one, reached with ordinary commands (each a repair itself)
      for (const x of readValidWorkspace(s).sessions.filter((y) => y.status !== 'inactive'))
        expectCleanOutcome(`${label}: set-up`, await run(['session', 'stop', x.name]))
      if (operation === 'stop') {
        expectCleanOutcome(label, await run(command(random() < 0.5 ? 'start-file' : 'start-process', target.name)))
      } else if (rival && random() < 0.6) {
        // another session serves the profile: the start stops it
        expectCleanOutcome(label, await run(command(random() < 0.5 ? 'start-file' : 'start-process', rival.name)))
      }

      const line = `# user line ${i}\n`
      appendFileSync(s.configFile, line)
      appendFileSync(s.credentialsFile, line)
      appended.config += line
      appended.credentials += line
      expectFilesServeWorkspace(s)

      const killed = await run(command(operation, target.name), {TERRACE_TEST_DIE_AT: point})
      expect(killed.signal, `${label}: not killed (exit ${killed.code})\n${killed.stderr}`).to.equal('SIGKILL')
      expectUserBytesKept()
      // the dead process's locks block nothing: an ordinary command runs
      const list = await run(['session', 'list', '--json'])
      expectCleanOutcome(`${label}: session list`, list)
      expect(list.code, list.stderr).to.equal(0)
      let consistent = true
      try {
        expectFilesServeWorkspace(s)
      } catch {
        consistent = false
      }

      // the repair: the same command again, or stop after a killed start
      const repair = operation !== 'stop' && random() < 0.3 ? 'stop' : operation
      const again = await run(command(repair, target.name))
      expect(again.code, `${label}: ${repair} again\n${again.stderr}`).to.equal(0)
      if (!consistent) repaired.push(`${operation}@${point} by ${repair}`)
      expectUserBytesKept()
      const active = expectFilesServeWorkspace(s)
      const status = readValidWorkspace(s).sessions.find((x) => x.name === target.name)!
      expect(status.status, label).to.equal(repair === 'stop' ? 'inactive' : 'active')
      if (repair !== 'stop') expect(status.mode).to.equal(repair === 'start-file' ? 'file' : 'process')
      expect(active.some((x) => x.id === status.id)).to.equal(repair !== 'stop')
      expectNoLeftovers()
    }

    console.log(`      repaired by the next command: ${repaired.length > 0 ? repaired.join('; ') : 'none needed'}`)
  })

  it('a start on a profile the user defines (config or credentials file) exits 4 before anything changes', async () => {
    for (const x of readValidWorkspace(s).sessions.filter((y) => y.status !== 'inactive'))
      expectCleanOutcome('set-up', await run(['session', 'stop', x.name]))
    expect((await run(['session', 'start', 's-admin', '--mode', 'file'])).code).to.equal(0)
    // `mine` is the user's own profile in both files
    expect((await run(['session', 'edit', 's-admin3', '--profile', 'mine'])).code).to.equal(0)
    const before = [readFileSync(s.configFile), readFileSync(s.credentialsFile)]
    for (const mode of ['process', 'file']) {
      const refused = await run(['session', 'start', 's-admin3', '--mode', mode])
      expect(refused.code, refused.stderr).to.equal(4)
      expect(refused.stderr).to.include('already define the profile mine').and.include('was not started')
      expect([readFileSync(s.configFile), readFileSync(s.credentialsFile)]).to.deep.equal(before)
      expect(readValidWorkspace(s).sessions.find((x) => x.name === 's-admin3')?.status).to.equal('inactive')
      expect(expectFilesServeWorkspace(s).map((x) => x.name)).to.deep.equal(['s-admin'])
    }

    expect((await run(['session', 'edit', 's-admin3', '--profile', 'pc'])).code).to.equal(0)
    expectNoLeftovers()
  })
})
