/**
 * `terrace session add …` on a terminal: each required value missing from the flags is asked for, in order (an
 * empty answer leaves it missing, and the service then exits 2 naming every missing flag). Not on a terminal
 * (or CI, or TERRACE_NO_INPUT): nothing is asked.
 */
import type {SessionType} from '../workspace/session.js'

import {askForMissing, type PromptInput} from '../lib/prompt.js'
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

export function askMissing(
  type: SessionType,
  input: SessionInput,
  io: {env: NodeJS.ProcessEnv; input?: PromptInput; output?: NodeJS.WritableStream},
): Promise<SessionInput> {
  const missing = missingFields(type, input).map((key) => ({flag: flagOf(key), key, label: LABEL[key] ?? key}))
  return askForMissing(missing, input, io)
}
