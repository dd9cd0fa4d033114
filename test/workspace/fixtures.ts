/** Sessions and workspaces for the workspace tests. */
import type {Workspace} from '../../src/workspace/session.js'

export const SSO = {
  accountId: '111111111111',
  accountName: 'shared',
  id: '0a1b2c3d-0000-4000-8000-000000000001',
  name: 'shared-admin',
  profile: 'default',
  region: 'eu-west-1',
  roleName: 'Administrator',
  ssoRegion: 'us-east-1',
  startedAt: null,
  startUrl: 'https://example.awsapps.com/start',
  status: 'inactive',
  type: 'aws-sso-role',
} as const

export const USER = {
  id: '0a1b2c3d-0000-4000-8000-000000000002',
  mfaSerial: 'arn:aws:iam::222222222222:mfa/alice',
  name: 'alice',
  profile: 'work',
  region: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-user',
} as const

export const CHAINED = {
  externalId: null,
  id: '0a1b2c3d-0000-4000-8000-000000000003',
  name: 'ops',
  parentId: USER.id,
  profile: 'ops',
  region: 'us-east-2',
  roleArn: 'arn:aws:iam::333333333333:role/DevOps',
  roleSessionName: null,
  startedAt: null,
  status: 'inactive',
  type: 'aws-iam-role-chained',
} as const

export const workspace = (): Workspace =>
  structuredClone({defaultRegion: 'eu-central-1', sessions: [SSO, USER, CHAINED], version: 2}) as Workspace

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
