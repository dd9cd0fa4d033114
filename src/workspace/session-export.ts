/**
 * `terrace session export`: a session's credentials as text for `eval` (env) or other tools (json, AWS's
 * credential_process Version 1 shape plus the region). Pure: the command obtains the credentials and prints.
 */
import type {AwsCredentials} from '../auth/credentials/types.js'

export type ExportFormat = 'env' | 'json'

/** A value for a POSIX shell: single-quoted unless plainly safe. */
const shellWord = (value: string): string =>
  /^[\w+/=.:@-]+$/.test(value) ? value : `'${value.replaceAll("'", String.raw`'\''`)}'`

export function renderExport(
  creds: AwsCredentials,
  options: {expiresAt: number; format: ExportFormat; region: null | string},
): string {
  const expiration = new Date(options.expiresAt).toISOString()
  if (options.format === 'json') {
    const body = {
      AccessKeyId: creds.accessKeyId,
      Expiration: expiration,
      ...(options.region ? {Region: options.region} : {}),
      SecretAccessKey: creds.secretAccessKey,
      SessionToken: creds.sessionToken,
      Version: 1,
    }
    return `${JSON.stringify(body, null, 2)}\n`
  }

  const vars: Array<[string, string | undefined]> = [
    ['AWS_ACCESS_KEY_ID', creds.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', creds.secretAccessKey],
    ['AWS_SESSION_TOKEN', creds.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', expiration],
    ['AWS_REGION', options.region ?? undefined],
    ['AWS_DEFAULT_REGION', options.region ?? undefined],
  ]
  return vars.flatMap(([name, value]) => (value === undefined ? [] : [`export ${name}=${shellWord(value)}\n`])).join('')
}

export const exportWarning = (name: string, expiresAt: number): string =>
  `Warning: these are session ${name}'s credentials in plain text: they are now in your hands (your shell, its history, whatever you pass them to). terrace cannot renew or revoke them; they stop being handed out at ${new Date(expiresAt).toISOString()}.`
