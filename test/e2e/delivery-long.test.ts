/**
 * A long-running child never sees an expired key: credentials valid 90 s in the sandbox, handed out for at most
 * 60 s (TERRACE_CREDENTIAL_TTL), a child calling STS every 5 s for 4 minutes through the loopback endpoint.
 */
import {expect} from 'chai'
import {join} from 'node:path'

import {assertBuilt} from '../helpers/cli.js'
import {cli, LAYERS, login, type Scenario, setUp, ssoArn, STS_IDENTITY, stsLines, tearDown} from './delivery-helpers.js'

describe('e2e: credentials renew while a long child runs', function () {
  this.timeout(330_000)
  let s: Scenario

  before(async () => {
    assertBuilt()
    s = await setUp({sso: {roleCredentialLifetime: 90}})
    await login(s)
  })

  after(async () => tearDown(s))

  it('4 minutes of STS calls every 5 s: no failure, at least 3 distinct access keys', async () => {
    const env = {STS_EVERY_MS: '5000', STS_FOR_MS: '240000', TERRACE_CREDENTIAL_TTL: '60'}
    const result = await cli(s, ['exec', '--', process.execPath, STS_IDENTITY], {
      cwd: join(s.project, LAYERS.devstg),
      env,
    })
    const lines = stsLines(result.stdout)
    expect(lines.filter((l) => l.error).map((l) => l.error)).to.deep.equal([])
    expect(result.code, result.stderr).to.equal(0)
    expect(lines.length).to.be.at.least(45)
    for (const line of lines) expect(line.arn).to.match(ssoArn('555555555555', 'DevOps'))
    const keys = new Set(lines.map((l) => l.accessKeyId))
    expect(keys.size, 'distinct access keys the child used').to.be.at.least(3)

    const log = await s.sb.control.requestLog()
    const sts = log.filter((e) => e.operation === 'GetCallerIdentity')
    expect(sts.length).to.equal(lines.length)
    expect(sts.filter((e) => e.outcome !== 'ok')).to.deep.equal([])
    const issued = (await s.sb.control.secrets()).filter((x) => x.kind === 'session-token')
    expect(issued.length, 'role credentials the sandbox issued').to.be.at.least(3)
    const fetches = log.filter((e) => e.operation === 'GetRoleCredentials' && e.outcome === 'ok').length
    expect(fetches).to.be.at.least(3)
    console.log(`      ${lines.length} STS calls, ${keys.size} distinct keys, ${fetches} GetRoleCredentials`)
  })
})
