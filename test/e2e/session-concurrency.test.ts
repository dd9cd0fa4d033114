/**
 * Issue 13, robustness: 50 random session operations (start --mode process / --mode file, stop, rotate, edit
 * --region / --profile) run in parallel as real `terrace` processes against the sandbox, on five sessions sharing
 * three profiles, while a writer keeps appending the user's own lines to the AWS config and credentials files
 * (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE under HOME). Seeded: TERRACE_TEST_SEED replays a run.
 *
 * Each operation ends well or with a typed error (exit 2 or 4, no stack trace). Afterwards the workspace is valid,
 * every user byte is there in order outside the managed blocks, each profile is served by at most one session, the
 * files and the registry serve exactly the workspace's active sessions, and a plain `aws` works for each of them.
 */
import {appendFileSync, readFileSync} from 'node:fs'

import {assertBuilt, type CliResult} from '../helpers/cli.js'
import {cli, tearDown} from './delivery-helpers.js'
import {
  expectAwsServes,
  expectCleanOutcome,
  expectFilesServeWorkspace,
  expectSameBytes,
  pick,
  PROFILES,
  seededRandom,
  SESSIONS,
  type SessionScenario,
  setUpSessions,
  splitAwsFile,
  testSeed,
  USER_CONFIG_START,
  USER_CREDS_START,
} from './session-robustness-helpers.js'

const OPERATIONS = 50
/** terrace processes at once (a 2-core machine shared with other runs) */
const PARALLEL = 6
const REGIONS = ['us-east-1', 'eu-west-1', 'eu-central-1']
const readText = (file: string): string => readFileSync(file, 'latin1')

/** The operation `random` picks: terrace's arguments. */
function operation(random: () => number): string[] {
  const {name} = pick(random, SESSIONS)
  const kind = random()
  if (kind < 0.25) return ['session', 'start', name, '--mode', 'process']
  if (kind < 0.45) return ['session', 'start', name, '--mode', 'file']
  if (kind < 0.7) return ['session', 'stop', name]
  if (kind < 0.8) return ['session', 'rotate', name]
  if (kind < 0.9) return ['session', 'edit', name, '--region', pick(random, REGIONS)]
  return ['session', 'edit', name, '--profile', pick(random, PROFILES)]
}

describe('e2e: session operations in parallel with a user editing the AWS files', function () {
  this.timeout(300_000)
  let s: SessionScenario

  before(async () => {
    assertBuilt()
    s = await setUpSessions()
  })

  after(() => tearDown(s))

  it(`${OPERATIONS} random start/stop/rotate/edit runs at once: files, registry and workspace agree, user bytes kept`, async () => {
    const random = seededRandom(testSeed('TERRACE_TEST_SEED'))
    const operations = Array.from({length: OPERATIONS}, () => operation(random))
    const appended = {config: [] as string[], credentials: [] as string[]}
    const state = {running: true}
    const writer = (async () => {
      for (let i = 0; state.running; i++) {
        const which = i % 2 === 0 ? 'config' : 'credentials'
        const line =
          i % 10 === 4
            ? which === 'config'
              ? `[profile user-${i}]\nregion = us-west-2\n`
              : `[user-${i}]\naws_access_key_id = AKIAUSER${String(i).padStart(10, '0')}\n`
            : `# user line ${i} of ${which}\n`
        // a shell's `>>`: open, append, close at once; terrace's lock is not taken. (A program that keeps the file open
        // across terrace's atomic rename and writes later writes into the replaced file: no rename-based edit, an
        // editor's save included, can keep that.)
        appendFileSync(which === 'config' ? s.configFile : s.credentialsFile, line)
        appended[which].push(line)
        await new Promise((resolve) => {
          setTimeout(resolve, 2 + Math.floor(i % 7))
        })
      }
    })()

    const outcomes: Array<CliResult & {args: string[]}> = []
    let next = 0
    const worker = async () => {
      while (next < operations.length) {
        const args = operations[next++]
        const result = await cli(s, args)
        outcomes.push({args, ...result})
      }
    }

    try {
      await Promise.all(Array.from({length: PARALLEL}, () => worker()))
    } finally {
      state.running = false
      await writer
    }

    for (const outcome of outcomes) expectCleanOutcome(outcome.args.join(' '), outcome)
    const failed = outcomes.filter((x) => x.code !== 0)
    console.log(
      `      ${outcomes.length - failed.length} succeeded, ${failed.length} typed refusals (${[...new Set(failed.map((x) => x.args.slice(0, 2).join(' ')))].join(', ')}); user lines appended: ${appended.config.length} + ${appended.credentials.length}`,
    )
    const config = splitAwsFile(readText(s.configFile), 'config')
    const credentials = splitAwsFile(readText(s.credentialsFile), 'credentials')
    expectSameBytes('the config file outside the block', config.outside, USER_CONFIG_START + appended.config.join(''))
    expectSameBytes(
      'the credentials file outside the block',
      credentials.outside,
      USER_CREDS_START + appended.credentials.join(''),
    )
    const active = expectFilesServeWorkspace(s)
    await expectAwsServes(s, active)
  })
})
