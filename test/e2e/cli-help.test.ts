import {expect} from 'chai'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

import {assertBuilt, REPO, runCli} from '../helpers/cli.js'

interface ManifestCommand {
  aliases: string[]
  description?: string
  flags: Record<string, {hidden?: boolean}>
  id: string
  pluginName?: string
}

const manifest = (): ManifestCommand[] =>
  Object.values(
    (
      JSON.parse(readFileSync(resolve(REPO, 'oclif.manifest.json'), 'utf8')) as {
        commands: Record<string, ManifestCommand>
      }
    ).commands,
  )
const flags = (help: string) => help.slice(help.indexOf('FLAGS'), help.indexOf('DESCRIPTION'))
const aliases = (help: string) => help.slice(help.indexOf('ALIASES'), help.indexOf('EXAMPLES'))

describe("e2e: terrace's own help, version and unknown commands", function () {
  this.timeout(30_000)
  let tmp: string

  before(() => {
    assertBuilt()
    tmp = mkdtempSync(join(tmpdir(), 'terrace-help-'))
  })

  after(() => rmSync(tmp, {force: true, recursive: true}))

  // outside any project, with no AWS CLI reachable: everything here must be terrace's own answer
  const cli = (args: string[]) =>
    runCli(args, {cwd: tmp, env: {TERRACE_AWS_BIN: join(tmp, 'no-aws'), TERRACE_HOME: join(tmp, 'home')}})

  it('terrace --help shows how to log in: the login, logout and status commands and a first step', async () => {
    const {code, stdout} = await cli(['--help'])
    expect(code).to.equal(0)
    expect(stdout).to.match(/^ {2}login {2,}Log in to AWS IAM Identity Center/m)
    expect(stdout).to.match(/^ {2}logout {2,}/m)
    expect(stdout).to.match(/^ {2}status {2,}/m)
    expect(stdout).to.match(/^ {2}sso {2,}/m)
    expect(stdout).to.contain('terrace login')
  })

  for (const args of [['sso'], ['aws', 'sso'], ['aws', 'configure']]) {
    it(`terrace ${args.join(' ')} --help is terrace's help listing its commands, not the AWS CLI's`, async () => {
      for (const help of ['--help', '-h']) {
        const {code, stderr, stdout} = await cli([...args, help])
        expect(code, stderr).to.equal(0)
        expect(stdout).to.contain(`$ terrace ${args.join(' ')} COMMAND`)
        const sub = args.at(-1) === 'configure' ? 'sso' : 'login'
        expect(stdout).to.contain(`${args.join(' ')} ${sub}`)
      }
    })
  }

  for (const name of ['login', 'logout', 'status']) {
    it(`terrace ${name} is the sso command, with the same flags`, async () => {
      const top = await cli([name, '--help'])
      const sso = await cli(['aws', 'sso', name, '--help'])
      expect(top.code, top.stderr).to.equal(0)
      expect(flags(top.stdout)).to.contain('--start-url').and.equal(flags(sso.stdout))
    })
  }

  it('terrace status runs the status command (outside a project: says what is missing, exit 3 like every command that needs a project)', async () => {
    const {code, stderr} = await cli(['status'])
    expect(code).to.equal(3)
    expect(stderr).to.contain('--start-url')
  })

  for (const args of [['-v'], ['--version'], ['version']]) {
    it(`terrace ${args.join(' ')} prints the version`, async () => {
      const {code, stderr, stdout} = await cli(args)
      expect(code, stderr).to.equal(0)
      expect(stdout).to.match(/^terrace\/\d+\.\d+\.\d+ /)
    })
  }

  it('an unknown command exits 2 and suggests the closest one, without a terminal', async () => {
    const {code, stderr, stdout} = await cli(['lyer', 'info'])
    expect(code).to.equal(2)
    expect(stderr).to.contain('"lyer info" is not a terrace command').and.contain('Did you mean "terrace layer info"?')
    expect(stdout).to.equal('')
    const help = await cli(['chian', '--help'])
    expect(help.code).to.equal(2)
    expect(help.stderr).to.contain('Did you mean "terrace chain"?')
  })

  it("a word after a topic that names none of its commands: the near miss, else the topic's commands (exit 2)", async () => {
    const typo = await cli(['session', 'strat', 'x'])
    expect(typo.code).to.equal(2)
    expect(typo.stderr).to.contain('Did you mean "terrace session start"?')
    const unknown = await cli(['session', 'add', 'bogus'])
    expect(unknown.code).to.equal(2)
    expect(unknown.stderr).to.contain(
      '"session add bogus" is not a terrace command: terrace session add has chained, iam-user, sso-role.',
    )
    const integration = await cli(['integration', 'add', 'foo'])
    expect(integration.code).to.equal(2)
    expect(integration.stderr).to.contain('terrace integration add has aws-sso, dynamodb.')
  })

  it('--json with a missing argument or a bad flag: the {error} object of every failure, exit 2', async () => {
    for (const args of [
      ['session', 'start', '--json'],
      ['integration', 'sync', '--json'],
      ['session', 'start', 'x', '--mode', 'bogus', '--json'],
    ]) {
      const {code, stdout} = await cli(args)
      expect(code, args.join(' ')).to.equal(2)
      const {error} = JSON.parse(stdout) as {error: {code: number; message: string; suggestion: string}}
      expect(Object.keys(error), stdout.slice(0, 200)).to.deep.equal(['code', 'message', 'suggestion'])
      expect(error.code).to.equal(2)
      expect(error.suggestion).to.equal(`terrace ${args.slice(0, 2).join(' ')} --help lists its options and arguments.`)
    }
  })

  it('terrace session default-region names the argument it refuses, not a flag', async () => {
    const {code, stderr} = await cli(['session', 'default-region', 'mars'])
    expect(code).to.equal(2)
    expect(stderr).to.contain('"mars" is not an AWS region').and.not.contain('--region')
  })

  it('terrace tf --help lists its other name as alias, not the name typed', async () => {
    const tf = await cli(['tf', '--help'])
    expect(aliases(tf.stdout)).to.contain('$ terrace terraform').and.not.contain('$ terrace tf\n')
    expect(aliases((await cli(['terraform', '--help'])).stdout)).to.contain('$ terrace tf')
    expect(aliases((await cli(['login', '--help'])).stdout))
      .to.contain('$ terrace aws sso login')
      .and.contain('$ terrace sso login')
      .and.not.contain('$ terrace login')
  })

  it("each topic has its own description, not a subcommand's", async () => {
    const {stdout} = await cli(['--help'])
    const topics = stdout.slice(stdout.indexOf('TOPICS'), stdout.indexOf('COMMANDS'))
    for (const command of manifest()) {
      const summary = (command.description ?? '').split('\n')[0]
      if (command.id.includes(':') && summary) expect(topics).not.to.contain(summary.slice(0, 50))
    }
  })

  it('command descriptions are paragraphs of one line each: oclif does the wrapping', () => {
    for (const command of manifest()) {
      if (command.pluginName !== 'terrace') continue
      for (const paragraph of (command.description ?? '').split('\n\n')) {
        expect(paragraph, `${command.id}: a line break inside a paragraph`).not.to.contain('\n')
      }
    }
  })

  it("--help of a command shows no ragged lines (oclif's wrapping only)", async () => {
    const {stdout} = await cli(['aws', 'sso', 'logout', '--help'])
    const description = stdout.slice(stdout.indexOf('DESCRIPTION'), stdout.indexOf('ALIASES')).split('\n').slice(2, -3)
    // a ragged line is a short line in the middle of a paragraph, followed by more text of the same paragraph
    const ragged = description.filter((line, i) => line.length < 50 && line.trim() && description[i + 1]?.trim())
    expect(ragged).to.deep.equal([])
  })

  it('every command of terrace accepts --debug (the AWS CLI keeps its own)', () => {
    const own = manifest().filter((c) => c.pluginName === 'terrace')
    expect(own.length).to.be.greaterThan(10)
    for (const command of own) {
      expect(command.flags, command.id).to.have.property('debug')
      expect(Boolean(command.flags.debug.hidden), command.id).to.equal(command.id === 'aws')
    }
  })

  it('--debug on an oclif command shows the stack trace of a failure; without it, none', async () => {
    const plain = await cli(['aws', 'sso', 'status'])
    expect(plain.code).to.equal(3) // not inside a project, like every other command there
    expect(plain.stderr)
      .to.match(/^Error: /)
      .and.not.match(/\n\s+at /)
    for (const args of [
      ['aws', 'sso', 'status', '--debug'],
      ['sso', 'logout', '--debug'],
      ['chain', 'add', 'x', '--source', 'security', '--role', 'arn:aws:iam::111111111111:role/R', '--debug'],
      ['credentials', 'configure', '--type', 'security', '--debug'],
      ['--debug', 'layer', 'info'],
      ['--debug', 'tf', 'plan'],
    ]) {
      const debug = await cli(args)
      expect(debug.code, args.join(' ')).to.be.greaterThan(1)
      expect(debug.stderr, args.join(' ')).to.match(/\n\s+at /)
    }

    expect((await cli(['chain', 'list', '--debug'])).code).to.equal(0)
    expect((await cli(['layer', 'info', '--debug'])).code).to.equal(3)
    expect((await cli(['version', '--debug'])).code).to.equal(0)
  })

  it('--debug on the routed commands (tf, exec, aws, credential-process) shows the stack trace', async () => {
    for (const args of [
      ['tf', 'plan', '--debug'],
      ['tf', '--debug', 'plan'],
      ['exec', '--debug', '--', 'no-such-command-here'],
      ['aws', '--debug', 'sts', 'get-caller-identity'],
      ['credential-process', '--profile', 'nope', '--debug'],
    ]) {
      const {code, stderr} = await cli(args)
      expect(code, args.join(' ')).not.to.equal(0)
      expect(stderr, args.join(' '))
        .to.match(/^Error: /)
        .and.match(/\n\s+at /)
    }
  })
})
