/** Sessions and workspaces for the workspace tests. */
import type {Workspace} from '../../src/workspace/session.js'

export const SSO = {
  accountId: '111111111111',
  accountName: 'shared',
  id: '0a1b2c3d-0000-4000-8000-000000000001',
  mode: null,
  name: 'shared-admin',
  profile: 'default',
  region: 'eu-west-1',
  roleName: 'Administrator',
  source: null,
  ssoRegion: 'us-east-1',
  startedAt: null,
  startUrl: 'https://example.awsapps.com/start',
  status: 'inactive',
  type: 'aws-sso-role',
} as const

export const USER = {
  id: '0a1b2c3d-0000-4000-8000-000000000002',
  mfaSerial: 'arn:aws:iam::222222222222:mfa/alice',
  mode: null,
  name: 'alice',
  profile: 'work',
  region: null,
  source: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-user',
} as const

export const CHAINED = {
  externalId: null,
  id: '0a1b2c3d-0000-4000-8000-000000000003',
  mode: null,
  name: 'ops',
  parentId: USER.id,
  profile: 'ops',
  region: 'us-east-2',
  roleArn: 'arn:aws:iam::333333333333:role/DevOps',
  roleSessionName: null,
  source: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-role-chained',
} as const

export const SSO_INTEGRATION = {
  alias: 'corp',
  defaultRegion: 'eu-west-1',
  lastSync: {at: '2026-01-02T03:04:05.000Z', counts: {added: 1, removed: 0, unchanged: 0, updated: 0}, result: 'ok'},
  region: 'us-east-1',
  startUrl: 'https://corp.awsapps.com/start',
  type: 'aws-sso',
} as const

export const DYNAMODB_INTEGRATION = {
  alias: 'accounts',
  lastSync: null,
  mfaSerial: null,
  region: 'eu-west-1',
  sourceSessionId: USER.id,
  table: 'letme-accounts',
  type: 'dynamodb',
} as const

/** A synced session: an SSO role from the aws-sso integration, started in process mode. */
export const SYNCED = {
  ...SSO,
  accountId: '444444444444',
  id: '0a1b2c3d-0000-4000-8000-000000000004',
  mode: 'process',
  name: 'corp-444444444444-ReadOnly',
  profile: 'corp-ro',
  roleName: 'ReadOnly',
  source: {integration: 'corp', key: '444444444444/ReadOnly'},
  startedAt: '2026-01-02T03:04:05.000Z',
  startUrl: 'https://corp.awsapps.com/start',
  status: 'active',
} as const

export const workspace = (): Workspace =>
  structuredClone({
    defaultRegion: 'eu-central-1',
    integrations: [SSO_INTEGRATION, DYNAMODB_INTEGRATION],
    sessions: [SSO, USER, CHAINED, SYNCED],
    version: 3,
  }) as Workspace

/** A session as version 2 held it: without mode or source. */
export function withoutVersion3Fields<T extends {mode: unknown; source: unknown}>({
  mode: _mode,
  source: _source,
  ...rest
}: T): Omit<T, 'mode' | 'source'> {
  return rest
}

/** A version-2 file: no integrations, sessions without mode or source. */
export const VERSION_2 = {
  defaultRegion: 'eu-central-1',
  sessions: [{...SSO, startedAt: '2026-01-02T03:04:05.000Z', status: 'active'}, USER, CHAINED].map(
    (session) => withoutVersion3Fields(session) as Record<string, unknown>,
  ),
  version: 2,
}

/** A version-1 file: sessions by name only, a chained one naming its parent. */
export const VERSION_1 = {
  sessions: [
    {
      accountId: '111111111111',
      name: 'admin',
      region: 'eu-west-1',
      roleName: 'Administrator',
      ssoRegion: 'us-east-1',
      startUrl: 'https://example.awsapps.com/start',
      type: 'aws-sso-role',
    },
    {mfaSerial: 'arn:aws:iam::222222222222:mfa/alice', name: 'alice', type: 'aws-iam-user'},
    {name: 'ops', parent: 'alice', roleArn: 'arn:aws:iam::333333333333:role/DevOps', type: 'aws-iam-role-chained'},
    {name: 'deep', parent: 'ops', roleArn: 'arn:aws:iam::444444444444:role/Deep', type: 'aws-iam-role-chained'},
  ],
  version: 1,
}
