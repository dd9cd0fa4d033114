/**
 * Delivery when things go wrong: 20 % of AWS requests failing, AWS gone (exit 9, nothing half-written), a login
 * (delivery-layers.test.ts has the login lapsing in a --layers run).
 */
import {expect} from 'chai'
import {join} from 'node:path'

import {readProfileRegistry} from '../../src/auth/credentials/profile-registry.js'
import {openVault} from '../../src/vault/select.js'
import {assertBuilt, readRecord} from '../helpers/cli.js'
import {
  AWS_V2,
  cli,
  LAYERS,
  leftovers,
  login,
  type Scenario,
  setUp,
  ssoArn,
  STS_IDENTITY,
  stsLines,
  tearDown,
} from './delivery-helpers.js'

describe('e2e: delivery with 20% AWS faults, then AWS stopped', function () {
  this.timeout(180_000)
  let s: Scenario

  before(async () => {
    assertBuilt()
    // every fifth AWS request fails (20%), deterministically: the scenario always meets faults
    let draws = 0
    s = await setUp({}, {random: () => (draws++ % 5 === 0 ? 0 : 0.99)})
    await login(s)
    await s.sb.control.updateSettings({faults: {rate: 0.2}})
  })

  after(async () => tearDown(s))

  it('every command of the scenario succeeds (cold caches, both delivery paths, the real AWS CLI)', async () => {
    // the child's own STS calls meet the faults too: let its SDK retry as terrace's own calls do
    const env = {AWS_MAX_ATTEMPTS: '10'}
    const devstg = join(s.project, LAYERS.devstg)
    const exec = await cli(s, ['exec', '--', process.execPath, STS_IDENTITY, 'bb-shared-devops'], {cwd: devstg, env})
    expect(exec.code, exec.stderr).to.equal(0)
    expect(stsLines(exec.stdout)[0].arn).to.match(ssoArn('333333333333', 'DevOps'))
    const args = ['aws', 'sts', 'get-caller-identity', '--endpoint-url', s.sb.url, '--output', 'json']
    const aws = await cli(s, args, {cwd: join(s.project, LAYERS.management), env})
    expect(aws.code, aws.stderr).to.equal(0)
    expect(JSON.parse(aws.stdout).Arn).to.match(ssoArn('111111111111', 'Administrator'))
    const record = join(s.dir, 'faults.jsonl')
    const tf = await cli(s, ['tf', 'plan'], {
      cwd: devstg,
      env: {...env, FAKE_TF_PROFILES: 'bb-shared-devops', FAKE_TF_RECORD: record, FAKE_TF_STS: '1'},
    })
    expect(tf.code, tf.stderr).to.equal(0)
    const sts = readRecord(record).filter((e) => e.event === 'sts')
    expect(sts.map((e) => e.error ?? null)).to.deep.equal([null, null])
    for (let i = 0; i < 2; i++) {
      const again = await cli(
        s,
        [
          'exec',
          '--profile',
          `bb-${['network', 'security', 'apps-prd'][i]}-devops`,
          '--',
          process.execPath,
          STS_IDENTITY,
        ],
        {cwd: devstg, env},
      )
      expect(again.code, again.stderr).to.equal(0)
    }

    // TTL 1 s: every run fetches role credentials again, so terrace's own GetRoleCredentials calls meet faults
    for (let i = 0; i < 12; i++) {
      const fresh = await cli(s, ['exec', '--', '/bin/true'], {cwd: devstg, env: {TERRACE_CREDENTIAL_TTL: '1'}})
      expect(fresh.code, fresh.stderr).to.equal(0)
    }

    const faults = (await s.sb.control.requestLog()).filter((e) => e.outcome.startsWith('fault:'))
    expect(faults.length, 'faults the sandbox injected').to.be.greaterThan(0)
    console.log(
      `      ${faults.length} injected faults: ${[...new Set(faults.map((f) => f.service))].map((k) => `${k} ${faults.filter((f) => f.service === k).length}`).join(', ')}`,
    )
    expect(leftovers(s)).to.deep.equal([])
  })

  it('AWS stopped: exit 9 naming the endpoint within 30 s, nothing half-written', async () => {
    await s.sb.stop()
    const started = Date.now()
    // a role not fetched yet, so terrace must ask AWS before the child may start
    const result = await cli(s, ['exec', '--profile', 'bb-apps-prd-devops', '--', AWS_V2, '--version'], {
      cwd: join(s.project, LAYERS.devstg),
    })
    const seconds = (Date.now() - started) / 1000
    console.log(`      ended with exit ${result.code} after ${seconds.toFixed(1)} s`)
    expect(result.code, result.stderr).to.equal(9)
    expect(seconds).to.be.below(30)
    expect(result.stderr).to.include('127.0.0.1')
    expect(result.stdout).to.equal('')
    expect(leftovers(s)).to.deep.equal([])
    const store = await openVault({
      env: s.env,
      home: s.env.TERRACE_HOME!,
      interactive: false,
      notice() {},
      promptPassphrase: async () => s.env.TERRACE_VAULT_PASSPHRASE!,
    })
    const entries = await store.list()
    expect(entries.length).to.be.greaterThan(2)
    for (const entry of entries) expect(await store.get(entry)).to.be.a('string')
    expect(await readProfileRegistry(join(s.env.TERRACE_HOME!, 'config'))).to.be.an('object')
  })
})
