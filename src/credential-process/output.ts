import type {AwsCredentials} from '../auth/credentials/types.js'

import {handedOutExpiration} from '../auth/credentials/ttl.js'

/** The JSON a credential_process prints (AWS's `Version: 1` format); Expiration is when terrace wants to be asked again. */
export function credentialProcessJson(creds: AwsCredentials, ttlMs: number): string {
  return JSON.stringify({
    AccessKeyId: creds.accessKeyId,
    Expiration: new Date(handedOutExpiration(creds, ttlMs)).toISOString(),
    SecretAccessKey: creds.secretAccessKey,
    SessionToken: creds.sessionToken,
    Version: 1,
  })
}
