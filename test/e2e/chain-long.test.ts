/**
 * A long run through a three-hop chain with short lifetimes: credentials handed out for at most 60 s
 * (TERRACE_CREDENTIAL_TTL), a child calling STS every 5 s for 150 s through the loopback endpoint. The broker renews
 * by re-walking from the cached intermediate hops: no new MFA session (the run has no MFA code and no terminal: a
 * renewal that needed one would fail), no auth failure, only the final hop called again.
 */
import {expect} from 'chai'

import {assertBuilt} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {TEMPLATE, totp} from '../helpers/sandbox.js'
import {addChain, ALICE_ARN, assumedArn, storeAlice, stsWalk, THREE_HOPS} from './chain-helpers.js'
import {cli, type Scenario, setUp, STS_IDENTITY, stsLines, tearDown} from './delivery-helpers.js'

describe('e2e: a chain renews while a long child runs', function () {
  this.timeout(300_000)
  let s: Scenario

  before(async () => {
    assertBuilt()
    s = await setUp()
    await storeAlice(s)
    expect((await addChain(s, {name: 'x', roles: THREE_HOPS, source: 'security'})).code).to.equal(0)
    const first = await cli(s, ['exec', '--chain', 'x', '--', process.execPath, STS_IDENTITY], {
      env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)},
    })
    expect(first.code, first.stderr).to.equal(0)
  })

  after(async () => tearDown(s))

  it('150 s of STS calls every 5 s with a 60 s TTL: no failure, renewed keys, no new MFA session', async () => {
    const env = {STS_EVERY_MS: '5000', STS_FOR_MS: '150000', TERRACE_CREDENTIAL_TTL: '60'}
    const result = await cli(s, ['exec', '--chain', 'x', '--', process.execPath, STS_IDENTITY], {env})
    const lines = stsLines(result.stdout)
    expect(lines.filter((l) => l.error).map((l) => l.error)).to.deep.equal([])
    expect(result.code, result.stderr).to.equal(0)
    expect(result.stderr).not.to.include('could not renew')
    expect(lines.length).to.be.at.least(28)
    for (const line of lines) expect(line.arn).to.equal(assumedArn('555555555555', 'terrace-x'))
    const keys = new Set(lines.map((l) => l.accessKeyId))
    expect(keys.size, 'distinct access keys the child used').to.be.at.least(3)

    const walk = await stsWalk(s)
    const by = (caller: string) => walk.filter((e) => e.operation === 'AssumeRole' && e.caller === caller).length
    expect(walk.filter((e) => e.operation === 'GetSessionToken')).to.have.length(1)
    expect(by(ALICE_ARN), 'hop 1 calls').to.equal(1)
    expect(by(assumedArn('333333333333', 'terrace-x')), 'hop 2 calls').to.equal(1)
    const finalHop = by(assumedArn('444444444444', 'terrace-x'))
    expect(finalHop, 'hop 3 calls').to.be.at.least(3)
    expect(walk.filter((e) => e.outcome !== 'ok')).to.deep.equal([])
    const log = await s.sb.control.requestLog()
    const identity = log.filter((e) => e.operation === 'GetCallerIdentity')
    expect(identity.filter((e) => e.outcome !== 'ok')).to.deep.equal([])

    const secrets = [...(await s.sb.control.secrets()), {kind: 'iam-user-secret-key', value: TEMPLATE.secretAccessKey}]
    const texts = Object.fromEntries(s.outputs.flatMap((o, i) => [[`out ${i}`, o.stdout + o.stderr]]))
    expect(scanForSecrets({dirs: [s.dir], secrets, texts}).findings).to.deep.equal([])
    console.log(`      ${lines.length} STS calls, ${keys.size} distinct keys, ${finalHop} final-hop AssumeRole calls`)
  })
})
