import type {ChainRef, IamRoleRef, RoleRef, SessionRef, SsoRoleRef} from '../../lib/role-refs.js'
import type {AwsCredentials, CredentialSource} from './types.js'

import {ConfigError} from '../../lib/errors.js'

export interface SourcesByKind {
  chain?: CredentialSource<ChainRef>
  iam?: CredentialSource<IamRoleRef>
  session?: CredentialSource<SessionRef>
  sso?: CredentialSource<SsoRoleRef>
}

/** One CredentialSource over the kinds terrace knows: each ref goes to the source of its kind. */
export function dispatchingSource(sources: SourcesByKind): CredentialSource {
  return {
    get(ref: RoleRef, options?: {forceRefresh?: boolean}): Promise<AwsCredentials> {
      switch (ref.kind) {
        case 'chain': {
          if (sources.chain) return sources.chain.get(ref, options)
          break
        }

        case 'iam': {
          if (sources.iam) return sources.iam.get(ref, options)
          break
        }

        case 'session': {
          if (sources.session) return sources.session.get(ref, options)
          break
        }

        case 'sso': {
          if (sources.sso) return sources.sso.get(ref, options)
          break
        }
      }

      return Promise.reject(
        new ConfigError(`terrace cannot get ${ref.kind} credentials in this command.`, {
          suggestion: 'Report this as a bug: a credential source is missing from the command wiring.',
        }),
      )
    },
  }
}

/**
 * A source opened on its first use: commands whose refs are all SSO never load the IAM-user or chain modules
 * (and their imports) on the hot path.
 */
export function lazySource<R extends RoleRef>(open: () => Promise<CredentialSource<R>>): CredentialSource<R> {
  let opening: Promise<CredentialSource<R>> | undefined
  return {
    async get(ref, options) {
      opening ??= open()
      return (await opening).get(ref, options)
    },
  }
}
