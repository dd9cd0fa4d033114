import {readFile} from 'node:fs/promises'

import {type ConfigFileEditResult, editAwsConfigFile} from './config-file.js'
import {type AwsProfileSection, type BlockEdit, userProfiles} from './managed-block.js'

/**
 * The profiles the user's AWS credentials file defines outside terrace's managed block (`[name]` → name, with its
 * 1-based line). The AWS CLI and SDKs merge it with the config file and its keys win, so a section there named like a
 * terrace profile would silently shadow it. Read as bytes (any encoding); a missing file defines nothing.
 */
export async function credentialsFileProfiles(file: string): Promise<Map<string, number>> {
  let text: string
  try {
    text = (await readFile(file)).toString('latin1')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw error
  }

  return userProfiles(text, file, 'credentials')
}

/**
 * A managed-block edit of the AWS credentials file (sections `[name]`): the same locked, atomic edit as the config
 * file's, every byte outside the block kept; a new file is created 0600. A `set` profile the user defines outside
 * the block is a clash, not written.
 */
export function editAwsCredentialsFile(file: string, edit: Omit<BlockEdit, 'style'>): Promise<ConfigFileEditResult> {
  return editAwsConfigFile(file, {...edit, style: 'credentials'})
}

/** The section of short-lived credentials in the credentials file (file mode of a session). */
export function credentialsSection(
  profile: string,
  creds: {accessKeyId: string; secretAccessKey: string; sessionToken?: string},
): AwsProfileSection {
  const settings: Array<[string, string]> = [
    ['aws_access_key_id', creds.accessKeyId],
    ['aws_secret_access_key', creds.secretAccessKey],
  ]
  if (creds.sessionToken) settings.push(['aws_session_token', creds.sessionToken])
  return {name: profile, settings}
}
