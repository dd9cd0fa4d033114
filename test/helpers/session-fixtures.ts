/**
 * The sandbox's people and roles as `terrace session add` arguments (after `session add`), and alice's access keys
 * as the AWS console exports them.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {TEMPLATE} from './sandbox.js'

/** The Administrator role of account 111111111111 through the sandbox's IAM Identity Center, as session `name`. */
export const ssoAdminSession = (name = 'admin'): string[] => [
  'sso-role',
  '--name',
  name,
  '--start-url',
  'https://bb-sandbox.awsapps.com/start',
  '--sso-region',
  'us-east-1',
  '--account-id',
  '111111111111',
  '--role',
  'Administrator',
]

/** The IAM user alice from her console CSV, with her MFA device looked up, as session alice. */
export const aliceIamUserSession = (csv: string): string[] => [
  'iam-user',
  '--name',
  'alice',
  '--credentials-file',
  csv,
  '--fetch-mfa-device',
]

/**
 * alice's keys as the console's CSV, in a new temporary folder of its own: outside a scenario's folder, so that its
 * leak scans would find a copy left there. The caller removes `dir`.
 */
export function aliceKeysCsv(): {csv: string; dir: string} {
  const dir = mkdtempSync(join(tmpdir(), 'terrace-csv-'))
  const csv = join(dir, 'alice_accessKeys.csv')
  writeFileSync(csv, `Access key ID,Secret access key\r\n${TEMPLATE.accessKeyId},${TEMPLATE.secretAccessKey}\r\n`)
  return {csv, dir}
}
