import type {SsoRoleRef} from '../../src/lib/role-refs.js'

/** An SSO role reference for unit tests: DevOps in us-east-1 unless told otherwise. */
export const ssoRef = (
  accountId: string,
  options: {account?: null | string; role?: string; startUrl?: string} = {},
): SsoRoleRef => ({
  account: options.account ?? null,
  accountId,
  kind: 'sso',
  role: options.role ?? 'DevOps',
  source: null,
  ssoRegion: 'us-east-1',
  startUrl: options.startUrl ?? 'https://bb.awsapps.com/start',
})
