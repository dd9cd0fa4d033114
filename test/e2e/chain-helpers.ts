/**
 * Shared set-up of the role-chain e2e tests: the delivery scenario (sandbox, sample project copy, file vault) plus
 * alice's IAM user keys stored as the project's `security` user by `terrace credentials configure`.
 */
import {expect} from 'chai'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {readIamUser} from '../../src/auth/iam/iam-user-store.js'
import {openVault} from '../../src/vault/select.js'
import {TEMPLATE} from '../helpers/sandbox.js'
import {cli, type Scenario} from './delivery-helpers.js'

export const ALICE_ARN = 'arn:aws:iam::222222222222:user/alice'
export const roleArn = (accountId: string, role = 'DevOps') => `arn:aws:iam::${accountId}:role/${role}`
export const assumedArn = (accountId: string, session: string, role = 'DevOps') =>
  `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`

/** The three-hop chain across three accounts the tests use. */
export const THREE_HOPS = [roleArn('333333333333'), roleArn('444444444444'), roleArn('555555555555')]

/**
 * Stores alice's keys as project bb's security user with `terrace credentials configure --credentials-file`
 * (a console CSV kept outside the scenario's folder, so the leak scan would find a copy) and `--fetch-mfa-device`.
 */
export async function storeAlice(s: Scenario): Promise<void> {
  const csvDir = mkdtempSync(join(tmpdir(), 'terrace-csv-'))
  const csv = join(csvDir, 'alice_accessKeys.csv')
  writeFileSync(csv, `Access key ID,Secret access key\r\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\r\n`)
  try {
    const args = ['credentials', 'configure', '--type', 'security', '--credentials-file', csv, '--fetch-mfa-device']
    const result = await cli(s, args)
    expect(result.code, result.stderr).to.equal(0)
  } finally {
    rmSync(csvDir, {force: true, recursive: true})
  }

  const store = await openVault({env: s.env, home: s.env.TERRACE_HOME!, interactive: false})
  const stored = await readIamUser(store, 'bb', 'security')
  expect(stored?.mfaSerial).to.equal(TEMPLATE.mfaSerial)
  expect(stored?.userArn).to.equal(ALICE_ARN)
}

/** `terrace chain add <name> --source <source> --role … <extra…>` */
export async function addChain(s: Scenario, chain: {extra?: string[]; name: string; roles: string[]; source: string}) {
  const {extra = [], name, roles, source} = chain
  const args = ['chain', 'add', name, '--source', source, ...roles.flatMap((arn) => ['--role', arn]), ...extra]
  return cli(s, args)
}

/** The STS calls of the chain walk (GetSessionToken / AssumeRole), in order, as the sandbox logged them. */
export async function stsWalk(s: Scenario): Promise<Array<{caller: string; operation: string; outcome: string}>> {
  return (await s.sb.control.requestLog())
    .filter((e) => e.operation === 'GetSessionToken' || e.operation === 'AssumeRole')
    .map(({caller, operation, outcome}) => ({caller, operation, outcome}))
}
