/**
 * `terrace session add …` on a terminal: each required value missing from the flags is asked for, in order (an
 * empty answer leaves it missing, and the service then exits 2 naming every missing flag). Not on a terminal
 * (or CI, or TERRACE_NO_INPUT): nothing is asked.
 */
import type {SessionType} from '../workspace/session.js'

import {isInteractive, promptLine} from '../lib/prompt.js'
import {flagOf, missingFields, type SessionInput} from '../workspace/session-service.js'

const LABEL: Partial<Record<keyof SessionInput, string>> = {
  accountId: 'Account id (12 digits)',
  name: 'Session name',
  parent: 'Parent session (name or id)',
  role: 'Role (permission set) name',
  roleArn: 'Role ARN to assume',
  ssoRegion: 'IAM Identity Center region',
  startUrl: 'IAM Identity Center start URL',
}

export async function askMissing(
  type: SessionType,
  input: SessionInput,
  io: {env: NodeJS.ProcessEnv; input?: NodeJS.ReadableStream & {isTTY?: boolean}; output?: NodeJS.WritableStream},
): Promise<SessionInput> {
  const stdin = io.input ?? process.stdin
  const missing = missingFields(type, input)
  if (missing.length === 0 || !isInteractive(io.env, stdin)) return input
  const filled: SessionInput = {...input}
  for (const key of missing) {
    const answer = await promptLine(`${LABEL[key] ?? key} (${flagOf(key)}): `, {
      env: io.env,
      input: stdin,
      output: io.output ?? process.stderr,
    })
    filled[key] = answer.trim() === '' ? undefined : answer.trim()
  }

  return filled
}
