/**
 * `integration add dynamodb --alias A --table T --region R --source-session S [--mfa-serial ARN]`: the integration
 * from its flags, each checked (exit 2 naming the flag). S (name or id) reads the table and is the first hop of every
 * chain the table gives. The MFA device goes where the chain asks for it, on S: an IAM user session without a device
 * gets the given one (so MFA is asked once, at the first hop); one with another device is refused.
 */
import type {DynamoDbIntegration} from '../../workspace/integration.js'
import type {Session, Workspace} from '../../workspace/session.js'

import {UsageError} from '../../lib/errors.js'
import {EXPECTED, PATTERNS} from '../../workspace/patterns.js'
import {findSession} from '../../workspace/session-service.js'
import {updateWorkspace, type WorkspaceStore} from '../../workspace/workspace-file.js'
import {type RequiredFlag, requireFlags} from '../store.js'

export interface DynamoDbFlags {
  alias?: string
  mfaSerial?: string
  region?: string
  sourceSession?: string
  table?: string
}

export interface DynamoDbAdd {
  integration: DynamoDbIntegration
  /** the source session, when the add gave it the MFA device */
  sourceUpdated: null | Session
  workspace: Workspace
}

function flag(value: string | undefined, name: string, key: keyof typeof PATTERNS): string {
  if (value === undefined) throw new UsageError(`Missing ${name}: a dynamodb integration needs it.`)
  if (!PATTERNS[key].test(value)) throw new UsageError(`${name} ${JSON.stringify(value)} is not ${EXPECTED[key]}.`)
  return value
}

/** The flags a dynamodb integration needs, in the order they are asked for. */
export const DYNAMODB_REQUIRED: ReadonlyArray<RequiredFlag<keyof DynamoDbFlags>> = [
  {flag: '--alias', key: 'alias', label: 'Integration alias'},
  {flag: '--table', key: 'table', label: 'DynamoDB table name'},
  {flag: '--region', key: 'region', label: "The table's region"},
  {flag: '--source-session', key: 'sourceSession', label: 'Source session (name or id)'},
]

export function planDynamoDbAdd(workspace: Workspace, flags: DynamoDbFlags): DynamoDbAdd {
  requireFlags('a dynamodb integration', DYNAMODB_REQUIRED, flags, (missing) =>
    missing.includes('--source-session')
      ? '--source-session is the session that reads the table and starts every chain: add it first (usually `terrace session add iam-user --name N --mfa-serial ARN`).'
      : undefined,
  )
  const alias = flag(flags.alias, '--alias', 'alias')
  const table = flag(flags.table, '--table', 'table')
  const region = flag(flags.region, '--region', 'region')
  const mfaSerial = flags.mfaSerial === undefined ? null : flag(flags.mfaSerial, '--mfa-serial', 'mfaSerial')
  if (workspace.integrations.some((integration) => integration.alias === alias)) {
    throw new UsageError(`An integration named "${alias}" already exists.`, {
      suggestion: 'Choose another --alias, or remove the existing one with `terrace integration remove`.',
    })
  }

  const source = findSession(workspace, flag(flags.sourceSession, '--source-session', 'name'))
  let sourceUpdated: null | Session = null
  if (mfaSerial !== null) {
    if (source.type !== 'aws-iam-user') {
      throw new UsageError(
        `--mfa-serial: session ${source.name} is an ${source.type} session; MFA goes with an IAM user's keys.`,
        {suggestion: 'Leave --mfa-serial out, or read the table through an IAM user session.'},
      )
    }

    if (source.mfaSerial !== null && source.mfaSerial !== mfaSerial) {
      throw new UsageError(`--mfa-serial ${mfaSerial}: session ${source.name} already uses ${source.mfaSerial}.`, {
        suggestion: 'Leave --mfa-serial out (the session asks MFA with its own device), or give that device.',
      })
    }

    if (source.mfaSerial === null) sourceUpdated = {...source, mfaSerial}
  }

  const integration: DynamoDbIntegration = {
    alias,
    lastSync: null,
    mfaSerial,
    region,
    sourceSessionId: source.id,
    table,
    type: 'dynamodb',
  }
  const sessions = sourceUpdated
    ? workspace.sessions.map((session) => (session.id === source.id ? sourceUpdated! : session))
    : workspace.sessions
  return {
    integration,
    sourceUpdated,
    workspace: {...workspace, integrations: [...workspace.integrations, integration], sessions},
  }
}

/** Adds the integration (and the source session's MFA device) in one locked update of the workspace. */
export async function addDynamoDbIntegration(
  store: WorkspaceStore,
  flags: DynamoDbFlags,
): Promise<Omit<DynamoDbAdd, 'workspace'>> {
  return updateWorkspace(store, (workspace) => {
    const {workspace: next, ...result} = planDynamoDbAdd(workspace, flags)
    return {result, workspace: next}
  })
}
