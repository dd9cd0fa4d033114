/** What the file-mode session tests share: the file vault unlocked in the agent, and the agent stopped afterwards. */
import {expect} from 'chai'
import {existsSync} from 'node:fs'

import {runCli} from '../helpers/cli.js'
import {cli, type Scenario} from './delivery-helpers.js'

export const PASSPHRASE = 'correct horse battery staple'

export async function agentStatus(s: Scenario): Promise<{pid?: number; rotating?: number; running: boolean}> {
  return JSON.parse((await cli(s, ['agent', 'status', '--json'])).stdout)
}

/** `vault unlock --passphrase-stdin`: the agent never gets the passphrase (nor an MFA code) from its environment. */
export async function unlockInAgent(s: Scenario): Promise<void> {
  const out = await runCli(['vault', 'unlock', '--passphrase-stdin'], {
    cwd: s.project,
    env: {...s.env, TERRACE_MFA_CODE: undefined, TERRACE_VAULT_PASSPHRASE: undefined},
    input: `${PASSPHRASE}\n`,
  })
  expect(out.code, out.stderr).to.equal(0)
}

/** Stops the scenario's agent (killed when it does not stop): a test never leaves one running. */
export async function stopAgent(s: Scenario | undefined): Promise<void> {
  if (!s) return
  const status = await agentStatus(s).catch(() => {})
  await cli(s, ['agent', 'stop'])
  if (status?.pid && existsSync(`/proc/${status.pid}`)) process.kill(status.pid, 'SIGKILL')
}
