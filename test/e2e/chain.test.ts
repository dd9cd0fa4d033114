/**
 * Issue 6, role chains, end to end: the built CLI against the sandbox. `terrace chain add|list|remove`; a
 * three-hop chain across three accounts from the project's security IAM user (alice, MFA) through
 * `terrace exec --chain`; an SSO-sourced chain; terrace.json mapping an account to a chain; a refused hop; a leak
 * scan over everything (alice's long-lived secret key included, the child's environment included).
 *
 * The sandbox rejects a reused TOTP code (mfa.rejectReusedCodes), and refuses any SerialNumber/TokenCode sent by an
 * assumed-role caller (it has no MFA device): a walk that succeeds therefore carried the code on exactly one call.
 */
import {expect} from 'chai'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {assertBuilt} from '../helpers/cli.js'
import {scanForSecrets} from '../helpers/leak-scan.js'
import {TEMPLATE, totp} from '../helpers/sandbox.js'
import {addChain, ALICE_ARN, assumedArn, roleArn, storeAlice, stsWalk, THREE_HOPS} from './chain-helpers.js'
import {AWS_V2, cli, LAYERS, login, type Scenario, setUp, tearDown} from './delivery-helpers.js'

const identityArgs = (s: Scenario) => [
  AWS_V2,
  'sts',
  'get-caller-identity',
  '--endpoint-url',
  s.sb.url,
  '--output',
  'json',
]

describe('e2e: role chains', function () {
  this.timeout(120_000)
  let s: Scenario

  before(async () => {
    assertBuilt()
    s = await setUp({mfa: {rejectReusedCodes: true}})
    await storeAlice(s)
  })

  after(async () => tearDown(s))

  it('chain add/list/remove: exit 4 for a malformed ARN or an unknown account, 2 for bad flags, JSON listing', async () => {
    const bad = await addChain(s, {name: 'bad', roles: ['arn:aws:iam::3333:role/DevOps'], source: 'security'})
    expect(bad.code, bad.stderr).to.equal(4)
    expect(bad.stderr).to.include('is not a role ARN')
    const badSource = await addChain(s, {name: 'bad', roles: THREE_HOPS, source: 'ops-user'})
    expect(badSource.code, badSource.stderr).to.equal(2)
    expect(badSource.stderr).to.include('--source')
    const noRole = await cli(s, ['chain', 'add', 'bad', '--source', 'security'])
    expect(noRole.code, noRole.stderr).to.equal(2)
    const mfaSso = await addChain(s, {
      extra: ['--mfa'],
      name: 'bad',
      roles: THREE_HOPS,
      source: 'sso:management/Administrator',
    })
    expect(mfaSso.code, mfaSso.stderr).to.equal(2)
    const unknownAccount = await addChain(s, {name: 'bad', roles: THREE_HOPS, source: 'sso:nowhere/DevOps'})
    expect(unknownAccount.code, unknownAccount.stderr).to.equal(4)
    expect(unknownAccount.stderr).to.include('no account "nowhere"')

    const added = await addChain(s, {
      extra: ['--session-name', 'ops-tmp'],
      name: 'tmp',
      roles: THREE_HOPS.slice(0, 2),
      source: 'security',
    })
    expect(added.code, added.stderr).to.equal(0)
    expect(added.stdout).to.include('[2/2] arn:aws:iam::444444444444:role/DevOps')
    const again = await addChain(s, {name: 'tmp', roles: THREE_HOPS, source: 'security'})
    expect(again.code, again.stderr).to.equal(4)
    expect(again.stderr).to.include('already exists')
    const listed = await cli(s, ['chain', 'list', '--json'])
    expect(listed.code, listed.stderr).to.equal(0)
    const {chains} = JSON.parse(listed.stdout)
    expect(chains).to.deep.equal([
      {
        finalRole: {accountId: '444444444444', role: 'DevOps', roleArn: THREE_HOPS[1]},
        hops: THREE_HOPS.slice(0, 2),
        mfaOnFirstHop: false,
        name: 'tmp',
        sessionName: 'ops-tmp',
        source: {kind: 'iam-user', project: 'bb', userType: 'security'},
        sourceDescription: 'IAM user security of project bb',
      },
    ])
    const stored = readFileSync(join(s.env.TERRACE_HOME!, 'config', 'chains.json'), 'utf8')
    expect(JSON.parse(stored).version).to.equal(1)
    const removed = await cli(s, ['chain', 'remove', 'tmp'])
    expect(removed.code, removed.stderr).to.equal(0)
    const removedAgain = await cli(s, ['chain', 'remove', 'tmp'])
    expect(removedAgain.code, removedAgain.stderr).to.equal(4)
    const empty = await cli(s, ['chain', 'list', '--json'])
    expect(JSON.parse(empty.stdout).chains).to.deep.equal([])
    const unknown = await cli(s, ['exec', '--chain', 'tmp', '--', ...identityArgs(s)])
    expect(unknown.code, unknown.stderr).to.equal(4)
    expect(unknown.stderr).to.include('No role chain named "tmp"')
  })

  it('three hops across three accounts: hop 3 identity, hops in order, the MFA code used once at the start', async () => {
    expect((await addChain(s, {name: 'x', roles: THREE_HOPS, source: 'security'})).code).to.equal(0)
    const first = await cli(s, ['exec', '--chain', 'x', '--', ...identityArgs(s)], {
      env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret)},
    })
    expect(first.code, first.stderr).to.equal(0)
    const identity = JSON.parse(first.stdout)
    expect(identity.Arn).to.equal(assumedArn('555555555555', 'terrace-x'))
    expect(identity.Account).to.equal('555555555555')
    const progress = first.stderr.split('\n').filter((line) => /^\[\d\/\d] /.test(line))
    expect(progress).to.deep.equal(THREE_HOPS.map((arn, i) => `[${i + 1}/3] ${arn}`))

    // GetSessionToken (the only call with the code) → hop 1 with the session → hop 2 with hop 1's → hop 3 with hop 2's
    expect(await stsWalk(s)).to.deep.equal([
      {caller: ALICE_ARN, operation: 'GetSessionToken', outcome: 'ok'},
      {caller: ALICE_ARN, operation: 'AssumeRole', outcome: 'ok'},
      {caller: assumedArn('333333333333', 'terrace-x'), operation: 'AssumeRole', outcome: 'ok'},
      {caller: assumedArn('444444444444', 'terrace-x'), operation: 'AssumeRole', outcome: 'ok'},
    ])

    // a second run (no code given, not interactive): the final hop's credentials come from the vault
    const second = await cli(s, ['exec', '--chain', 'x', '--', ...identityArgs(s)])
    expect(second.code, second.stderr).to.equal(0)
    expect(JSON.parse(second.stdout).Arn).to.equal(identity.Arn)
    expect(second.stderr).not.to.match(/\[\d\/3]/)
    expect(await stsWalk(s)).to.have.length(4)

    // `terrace aws --chain` too
    const aws = await cli(s, ['aws', '--chain', 'x', 'sts', 'get-caller-identity', '--endpoint-url', s.sb.url])
    expect(aws.code, aws.stderr).to.equal(0)
    expect(JSON.parse(aws.stdout).Arn).to.equal(identity.Arn)
  })

  it('a chain added with --mfa passes the code on hop 1 only (no GetSessionToken)', async () => {
    const before = (await stsWalk(s)).length
    expect(
      (
        await addChain(s, {
          extra: ['--mfa', '--session-name', 'ops'],
          name: 'm',
          roles: THREE_HOPS.slice(1),
          source: 'security',
        })
      ).code,
    ).to.equal(0)
    // the next step's code (the sandbox accepts ±1 step, and rejects the step the previous test used)
    const result = await cli(s, ['exec', '--chain', 'm', '--', ...identityArgs(s)], {
      env: {TERRACE_MFA_CODE: totp(TEMPLATE.mfaSecret, Date.now() + 30_000)},
    })
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).Arn).to.equal(assumedArn('555555555555', 'ops'))
    const walk = (await stsWalk(s)).slice(before).filter((e) => e.outcome === 'ok')
    expect(walk).to.deep.equal([
      {caller: ALICE_ARN, operation: 'AssumeRole', outcome: 'ok'},
      {caller: assumedArn('444444444444', 'ops'), operation: 'AssumeRole', outcome: 'ok'},
    ])
  })

  it('an SSO-sourced two-hop chain; a refused hop is exit 6 naming the hop', async () => {
    await login(s)
    const ok = await addChain(s, {
      name: 'sso2',
      roles: [roleArn('333333333333', 'CI'), roleArn('555555555555', 'CI')],
      source: 'sso:management/Administrator',
    })
    expect(ok.code, ok.stderr).to.equal(0)
    const before = (await stsWalk(s)).length
    const result = await cli(s, ['exec', '--chain', 'sso2', '--', ...identityArgs(s)])
    expect(result.code, result.stderr).to.equal(0)
    expect(JSON.parse(result.stdout).Arn).to.equal(assumedArn('555555555555', 'terrace-sso2', 'CI'))
    const walk = (await stsWalk(s)).slice(before)
    expect(walk).to.have.length(2)
    expect(walk[0].caller).to.match(/^arn:aws:sts::111111111111:assumed-role\/AWSReservedSSO_Administrator_\w+\/alice$/)
    expect(walk[1].caller).to.equal(assumedArn('333333333333', 'terrace-sso2', 'CI'))

    // DevOps requires MFA; an SSO session has none: AWS refuses hop 2
    const roles = [roleArn('333333333333', 'CI'), THREE_HOPS[2]]
    await addChain(s, {name: 'refused', roles, source: 'sso:management/Administrator'})
    const refused = await cli(s, ['exec', '--chain', 'refused', '--', ...identityArgs(s)])
    expect(refused.code, refused.stderr).to.equal(6)
    expect(refused.stderr).to.include(`hop 2/2 (${THREE_HOPS[2]}) of chain refused`)
  })

  it("terrace.json maps an account to a chain: the layer's own profile gets the chain's final role", async () => {
    const settings = join(s.project, 'terrace.json')
    writeFileSync(settings, JSON.stringify({chains: {'apps-devstg': 'x'}}))
    try {
      const result = await cli(s, ['exec', '--', ...identityArgs(s)], {cwd: join(s.project, LAYERS.devstg)})
      expect(result.code, result.stderr).to.equal(0)
      expect(JSON.parse(result.stdout).Arn).to.equal(assumedArn('555555555555', 'terrace-x'))
      // a chain terrace.json names but nobody added: exit 4 naming terrace.json
      writeFileSync(settings, JSON.stringify({chains: {'apps-devstg': 'nope'}}))
      const missing = await cli(s, ['exec', '--', ...identityArgs(s)], {cwd: join(s.project, LAYERS.devstg)})
      expect(missing.code, missing.stderr).to.equal(4)
      expect(missing.stderr).to.include('terrace.json')
    } finally {
      rmSync(settings, {force: true})
    }
  })

  it('leak scan: no issued secret nor the IAM user secret key in files, output or the child environment', async () => {
    const env = await cli(s, ['exec', '--chain', 'x', '--', 'env'])
    expect(env.code, env.stderr).to.equal(0)
    expect(env.stdout).to.include('AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:')
    expect(env.stdout).not.to.include('TERRACE_MFA_CODE')
    const secrets = [...(await s.sb.control.secrets()), {kind: 'iam-user-secret-key', value: TEMPLATE.secretAccessKey}]
    expect(secrets.length).to.be.at.least(10)
    const texts = Object.fromEntries(
      s.outputs.flatMap((o, i) => [
        [`output ${i} stdout`, o.stdout],
        [`output ${i} stderr`, o.stderr],
      ]),
    )
    const scan = scanForSecrets({dirs: [s.dir], secrets, texts})
    expect(scan.findings).to.deep.equal([])
    expect(scan.filesScanned).to.be.greaterThan(0)
  })
})
