import {expect} from 'chai'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {loadProject} from '../../src/layers/project.js'
import {regionProblem, resolveSsoTarget, startUrlProblem} from '../../src/layers/sso-target.js'
import {ExitCode, formatError, type TerraceError} from '../../src/lib/errors.js'
import {rejection} from '../helpers/errors.js'

const TEMPLATE = join(import.meta.dirname, '..', '..', 'templates', 'sample-project')
const projectAt = (cwd: string) => () => loadProject(cwd, {env: {}})

describe('layers sso-target', () => {
  describe('startUrlProblem', () => {
    const cases: Array<[string, boolean]> = [
      ['https://my-org.awsapps.com/start', true],
      ['https://d-1234567890.awsapps.com/start/', true],
      ['https://sso.example.com/start#/', true],
      ['notaurl', false],
      ['my-org.awsapps.com/start', false],
      ['http://my-org.awsapps.com/start', false],
      ['ftp://my-org.awsapps.com/start', false],
      ['https://user:pw@my-org.awsapps.com/start', false],
      ['', false],
    ]
    for (const [value, ok] of cases)
      it(`${JSON.stringify(value)} -> ${ok ? 'accepted' : 'refused'}`, () => {
        expect(startUrlProblem(value) === null).to.equal(ok)
      })
  })

  describe('regionProblem', () => {
    const cases: Array<[string, boolean]> = [
      ['us-east-1', true],
      ['eu-central-2', true],
      ['us-gov-west-1', true],
      ['ap-southeast-3', true],
      ['us-isob-east-1', true],
      ['US-EAST-1', false],
      ['us-east', false],
      ['useast1', false],
      ['us-east-1 ', false],
      ['us-east-1\n[x]', false],
      ['', false],
    ]
    for (const [value, ok] of cases)
      it(`${JSON.stringify(value)} -> ${ok ? 'accepted' : 'refused'}`, () => {
        expect(regionProblem(value) === null).to.equal(ok)
      })
  })

  describe('resolveSsoTarget', () => {
    let dir: string
    let layer: string
    let common: string

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'terrace-sso-target-'))
      cpSync(TEMPLATE, join(dir, 'project'), {recursive: true})
      layer = join(dir, 'project', 'apps-devstg', 'us-east-1', 'base-network')
      common = join(dir, 'project', 'config', 'common.tfvars')
    })

    afterEach(() => rmSync(dir, {force: true, recursive: true}))

    const edit = (from: RegExp, to: string) => writeFileSync(common, readFileSync(common, 'utf8').replace(from, to))

    it('a bad --start-url is a usage error (exit 2) naming the flag, even outside a project', async () => {
      const error = await rejection<TerraceError>(
        resolveSsoTarget({project: projectAt(dir), region: 'us-east-1', startUrl: 'notaurl'}),
      )
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.include('--start-url').and.include('notaurl')
    })

    it('outside a project without both flags: NotInProjectError (exit 3) asking for the portal', async () => {
      for (const flags of [{}, {startUrl: 'https://my-org.awsapps.com/start'}, {region: 'us-east-1'}]) {
        const error = await rejection<TerraceError>(resolveSsoTarget({project: projectAt(dir), ...flags}))
        expect(error.exitCode, JSON.stringify(flags)).to.equal(ExitCode.NotInProject)
        expect(error.message).to.include('Outside a project, terrace needs the portal to log in to.')
        expect(formatError(error)).to.include('--start-url').and.include('--region')
      }
    })

    it('outside a project with both flags: the flags', async () => {
      expect(
        await resolveSsoTarget({
          project: projectAt(dir),
          region: 'us-east-1',
          startUrl: 'https://my-org.awsapps.com/start',
        }),
      ).to.deep.equal({region: 'us-east-1', source: 'flags', startUrl: 'https://my-org.awsapps.com/start'})
    })

    it('a bad --region is a usage error (exit 2) naming the flag', async () => {
      const error = await rejection<TerraceError>(
        resolveSsoTarget({project: projectAt(layer), region: 'Ireland', startUrl: 'https://my-org.awsapps.com/start'}),
      )
      expect(error.exitCode).to.equal(ExitCode.Usage)
      expect(error.message).to.include('--region').and.include('Ireland')
    })

    it('a bad sso_start_url in common.tfvars: exit 4 naming the file and line', async () => {
      edit(/sso_start_url = ".*"/, 'sso_start_url = "bb-sandbox.awsapps.com/start"')
      const error = await rejection<TerraceError>(resolveSsoTarget({project: projectAt(layer)}))
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.include(`${common}:9:`).and.include('sso_start_url')
      expect(formatError(error)).to.include('--start-url')
    })

    it('a bad sso_region in common.tfvars: exit 4 naming the file and line', async () => {
      edit(/sso_region {4}= ".*"/, 'sso_region    = "virginia"')
      const error = await rejection<TerraceError>(resolveSsoTarget({project: projectAt(layer)}))
      expect(error.exitCode).to.equal(ExitCode.Config)
      expect(error.message).to.include(`${common}:10:`).and.include('sso_region').and.include('virginia')
    })

    it('a flag overrides a bad tfvars value', async () => {
      edit(/sso_region {4}= ".*"/, 'sso_region    = "virginia"')
      const target = await resolveSsoTarget({project: projectAt(layer), region: 'eu-west-1'})
      expect(target).to.deep.include({region: 'eu-west-1', startUrl: 'https://bb-sandbox.awsapps.com/start'})
    })

    it('good values pass', async () => {
      expect(await resolveSsoTarget({project: projectAt(layer)})).to.deep.equal({
        region: 'us-east-1',
        source: common,
        startUrl: 'https://bb-sandbox.awsapps.com/start',
      })
    })
  })
})
