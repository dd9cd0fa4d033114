/**
 * Shared set-up of the role-chain e2e tests: the delivery scenario (sandbox, sample project copy, file vault) plus
 * alice's IAM user keys stored as the project's `security` user, the way `terrace credentials configure` stores
 * them (through the same vault module).
 */
import {writeIamUser} from '../../src/auth/iam/iam-user-store.js'
import {openVault} from '../../src/vault/select.js'
import {TEMPLATE} from '../helpers/sandbox.js'
import {cli, type Scenario} from './delivery-helpers.js'

export const ALICE_ARN = 'arn:aws:iam::222222222222:user/alice'
export const roleArn = (accountId: string, role = 'DevOps') => `arn:aws:iam::${accountId}:role/${role}`
export const assumedArn = (accountId: string, session: string, role = 'DevOps') =>
  `arn:aws:sts::${accountId}:assumed-role/${role}/${session}`

/** The three-hop chain across three accounts the tests use. */
export const THREE_HOPS = [roleArn('333333333333'), roleArn('444444444444'), roleArn('555555555555')]

/** Stores alice's keys and MFA serial as project bb's security user (the vault entry `credentials configure` writes). */
export async function storeAlice(s: Scenario): Promise<void> {
  const store = await openVault({env: s.env, home: s.env.TERRACE_HOME!, interactive: false})
  await writeIamUser(store, 'bb', 'security', {
    accessKeyId: TEMPLATE.accessKeyId,
    accountId: '222222222222',
    mfaSerial: TEMPLATE.mfaSerial,
    secretAccessKey: TEMPLATE.secretAccessKey,
    storedAt: Date.now(),
    userArn: ALICE_ARN,
  })
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
