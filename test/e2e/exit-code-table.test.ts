/**
 * One exit code per condition: each error condition is run through every command that can meet it, and every one
 * of them must end with the same exit code and the same first line (paths of this run replaced by placeholders).
 */
import {expect} from 'chai'
import {cp, mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ExitCode} from '../../src/lib/errors.js'
import {assertBuilt, FAKE_AWS, FAKE_TERRAFORM, keyringEnv, runCli} from '../helpers/cli.js'
import {BB} from '../layers/helpers.js'

type Place = {cwd: string; env: NodeJS.ProcessEnv}

interface Condition {
  /** the commands that can meet the condition */
  commands: string[][]
  exit: number
  /** the first line every one of them prints, with <dir>, <project>, <home> for this run's folders */
  firstLine: string
  name: string
  /** where the commands run and with what environment */
  place: (world: World) => Place | Promise<Place>
}

interface World {
  empty: string
  home: string
  layer: string
  project: string
  root: string
}

const WRAPPED = [
  ['tf', 'plan'],
  ['tofu', 'plan'],
  ['exec', '--', 'true'],
  ['aws', 'sts', 'get-caller-identity'],
]
const SSO = [['aws', 'sso', 'login'], ['aws', 'sso', 'status'], ['aws', 'sso', 'refresh'], ['login'], ['status']]

const CONDITIONS: Condition[] = [
  {
    commands: [
      ...WRAPPED.filter(([c]) => c !== 'exec' && c !== 'aws'),
      ['layer', 'info'],
      ['aws', 'configure', 'sso'],
      ...SSO,
    ],
    exit: ExitCode.NotInProject,
    firstLine: 'Error: not inside a terrace project: no config/common.tfvars in <dir> or any folder above it',
    name: 'not inside a project',
    place: (w) => ({cwd: w.empty, env: {}}),
  },
  {
    commands: [...WRAPPED, ['layer', 'info'], ['aws', 'configure', 'sso'], ...SSO],
    exit: ExitCode.Config,
    firstLine:
      "Error: <project>/terrace.json is not valid JSON (Expected ',' or '}' after property value in JSON at position 11).",
    name: 'terrace.json is not valid JSON',
    async place(w) {
      await writeFile(join(w.project, 'terrace.json'), '{"bogus": 1')
      return {cwd: w.layer, env: {}}
    },
  },
  {
    commands: [
      ...WRAPPED,
      ...SSO,
      ['aws', 'sso', 'logout'],
      ['logout'],
      ['credential-process', '--profile', 'bb-apps-devstg-devops'],
    ],
    exit: ExitCode.VaultUnavailable,
    firstLine: 'Error: TERRACE_VAULT=file needs a passphrase for <home>/vault.enc, and this run cannot prompt for one.',
    name: 'a file vault without a passphrase, no terminal to ask',
    async place(w) {
      // the profile must be a managed one for credential-process to reach the vault
      await runCli(['aws', 'configure', 'sso'], {cwd: w.layer, env: {TERRACE_HOME: w.home, ...keyringEnv()}})
      return {cwd: w.layer, env: {TERRACE_VAULT: 'file'}}
    },
  },
  {
    commands: [
      ['chain', 'list'],
      ['aws', 'configure', 'sso'],
      ['credential-process', '--profile', 'x'],
    ],
    exit: ExitCode.Config,
    firstLine: 'Error: cannot <verb> <home>/config/<path>: a file stands where a folder of this path belongs',
    name: 'TERRACE_HOME below a regular file',
    async place(w) {
      await writeFile(join(w.root, 'a-file'), '')
      return {cwd: w.layer, env: {TERRACE_HOME: join(w.root, 'a-file', 'home')}}
    },
  },
  {
    commands: [
      ['--bogus', 'tf', 'plan'],
      ['--bogus', 'layer', 'info'],
      ['--bogus', 'chain', 'list'],
    ],
    exit: ExitCode.Usage,
    firstLine: 'Error: unknown option --bogus before "<command>": terrace\'s options come after the command',
    name: 'an unknown option before the command',
    place: (w) => ({cwd: w.layer, env: {}}),
  },
]

/** The first line of stderr with this run's folders, the command and the file named replaced by placeholders. */
function normalised(stderr: string, world: World, env: NodeJS.ProcessEnv): string {
  const line = stderr.split('\n').find((l) => l.startsWith('Error:')) ?? stderr.split('\n')[0]
  const home = env.TERRACE_HOME ?? world.home
  return line
    .replaceAll(home, '<home>')
    .replaceAll(world.project, '<project>')
    .replaceAll(world.empty, '<dir>')
    .replace(/<home>\/config(\/[\w.-]+)*/, '<home>/config/<path>')
    .replace(/^Error: cannot (open|create the folder|reach) /, 'Error: cannot <verb> ')
    .replace(/ before "[^"]+"/, ' before "<command>"')
}

describe('e2e: one exit code and one first line per condition, whatever the command', function () {
  this.timeout(300_000)
  let world: World

  before(() => assertBuilt())

  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'terrace-exit-table-'))
    const project = join(root, 'p')
    await cp(BB, project, {recursive: true})
    const empty = join(root, 'empty')
    await mkdir(empty)
    world = {
      empty,
      home: join(root, 'home'),
      layer: join(project, 'apps-devstg', 'us-east-1', 'k8s-eks', 'addons', 'monitoring'),
      project,
      root,
    }
  })

  afterEach(() => rm(world.root, {force: true, recursive: true}))

  for (const condition of CONDITIONS) {
    it(`${condition.name}: exit ${condition.exit} from ${condition.commands.length} commands`, async () => {
      const {cwd, env: extra} = await condition.place(world)
      const env = {
        TERRACE_AWS_BIN: FAKE_AWS,
        TERRACE_HOME: world.home,
        TERRACE_TF_BIN: FAKE_TERRAFORM,
        ...keyringEnv(),
        ...extra,
      }
      const results = await Promise.all(
        condition.commands.map(async (command) => {
          const result = await runCli(command, {cwd, env})
          return {code: result.code, command: command.join(' '), line: normalised(result.stderr, world, env)}
        }),
      )
      for (const {code, command, line} of results) {
        expect({code, line}, `terrace ${command}`).to.deep.equal({code: condition.exit, line: condition.firstLine})
      }
    })
  }
})
