/** IAM: ListMFADevices (the only IAM call terrace needs: finding the user's MFA serial). */
import type {Params} from './sts-service.js'

import {QueryErrors} from './api-error.js'
import {type CredentialRecord, mfaSerial, type SandboxState} from './state.js'

export function listMfaDevices(state: SandboxState, caller: CredentialRecord, params: Params) {
  const userName = params.get('UserName') ?? caller.principal.userName
  if (!userName) throw QueryErrors.validation('Must specify userName when calling with non-User credentials')
  const user = state.findUser(caller.principal.accountId, userName)
  if (!user) throw QueryErrors.noSuchEntity(`The user with name ${userName} cannot be found.`)
  const enableDate = new Date(Date.UTC(2024, 0, 1)).toISOString().replace('.000Z', 'Z')
  return {
    IsTruncated: false,
    MFADevices: user.mfaDevices.map((device) => ({
      EnableDate: enableDate,
      SerialNumber: mfaSerial(user, device.name),
      UserName: user.name,
    })),
  }
}
