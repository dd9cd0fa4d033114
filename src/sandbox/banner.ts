import type {Sandbox} from './server.js'

/** What `terrace sandbox` prints when it starts: where it listens and the lines a user pastes. */
import {exportLines} from './running-sandboxes.js'

export function sandboxBanner(sandbox: Sandbox, autoApprove: boolean): string {
  const {config, url} = sandbox
  const users = config.iamUsers.map((user) => {
    const keys = user.accessKeys.map((key) => key.accessKeyId).join(', ') || 'no access keys'
    const mfa = user.mfaDevices.map((device) => `arn:aws:iam::${user.accountId}:mfa/${device.name}`).join(', ')
    return `  IAM user ${user.name} (account ${user.accountId}): ${keys}${mfa ? `; MFA ${mfa}` : ''}`
  })
  return [
    `Terrace sandbox (local AWS emulator) listening on ${url}`,
    `  SSO user ${config.ssoUser}, ${config.accounts.length} accounts, auto-approve ${autoApprove ? 'on' : 'off'}`,
    ...users,
    ...config.dynamoTables.map(
      (table) =>
        `  DynamoDB table ${table.name} (account ${table.accountId}, ${table.region}): ${table.items.length} items`,
    ),
    '',
    'Point AWS SDKs and terrace at it (paste into your shell):',
    ...exportLines(sandbox.exportVariables()),
    '',
    `The AWS CLI 2.9 does not read AWS_ENDPOINT_URL*: pass --endpoint-url ${url}`,
    `Approve device logins at ${url}/device${autoApprove ? ' (auto-approve is on: not needed)' : ''}`,
    `Control API: ${url}/_sandbox/ (docs/sandbox.md)`,
    '',
    'Press Ctrl-C to stop.',
  ].join('\n')
}

/** Resolves on the first of the given signals, removing its listeners. */
export function untilSignal(
  signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'],
  target: NodeJS.Process = process,
): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => {
      for (const name of signals) target.off(name, handler)
      resolve(signal)
    }

    for (const name of signals) target.on(name, handler)
  })
}
