import type {SsoRoleRef} from '../../lib/role-refs.js'
/**
 * Hop 0's caller for a role chain, from the chain's source:
 *   sso:<account>/<role>   that SSO role's credentials (the SSO source: cache, login renewal, single-flight)
 *   an IAM user type       the project's IAM user: its GetSessionToken-with-MFA session (cached in the vault, MFA
 *                          asked only when it is missing or expired), or, for a chain added with --mfa, the user's
 *                          keys with the MFA code passed on hop 0's AssumeRole; a user without an MFA device: its keys.
 */
import type {SecretStore} from '../../vault/secret-store.js'
import type {CredentialSource} from '../credentials/types.js'
import type {MfaSessions} from '../iam/mfa-session.js'
import type {ChainSourceSpec} from './chain-definition.js'
import type {ChainBaseOptions, ChainStart} from './chain-source.js'

import {ConfigError} from '../../lib/errors.js'
import {configureCommand, requireIamUser} from '../iam/iam-user-store.js'

export interface ChainBaseDeps {
  sessions: MfaSessions
  sso: CredentialSource<SsoRoleRef>
  store: SecretStore
}

/** The SSO role a chain starts from, as the SSO source takes it. Pure. */
export function ssoRefOf(source: Extract<ChainSourceSpec, {kind: 'sso'}>, chain: string): SsoRoleRef {
  return {
    account: source.account,
    accountId: source.accountId,
    kind: 'sso',
    role: source.role,
    source: `role chain ${chain}`,
    ssoRegion: source.ssoRegion,
    startUrl: source.startUrl,
  }
}

export function chainBase(deps: ChainBaseDeps) {
  return async (source: ChainSourceSpec, options: ChainBaseOptions): Promise<ChainStart> => {
    const {neededFor} = options
    if (source.kind === 'sso') {
      return {credentials: await deps.sso.get(ssoRefOf(source, options.chain), {neededFor}), mfaSerial: null}
    }

    if (options.mfaOnFirstHop) {
      const keys = await requireIamUser(deps.store, source.project, source.userType, neededFor)
      if (!keys.mfaSerial) {
        throw new ConfigError(
          `Chain ${options.chain} passes an MFA code on its first hop, but the ${source.userType} IAM user of project ${source.project} has no MFA device.`,
          {
            suggestion: `Run \`${configureCommand(source.userType)} --overwrite --fetch-mfa-device\` (or --mfa-serial).`,
          },
        )
      }

      return {credentials: keys, mfaSerial: keys.mfaSerial}
    }

    const caller = await deps.sessions.session({neededFor, project: source.project, userType: source.userType})
    return {credentials: caller.credentials, mfaSerial: null}
  }
}
