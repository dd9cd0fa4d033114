/** What each field of a session may hold: one pattern per field, shared by the file's validation and the flags. */
export const PATTERNS = {
  accountId: /^\d{12}$/,
  alias: /^[A-Za-z0-9._-]{1,64}$/,
  externalId: /^[\w+=,.@:/-]{2,1224}$/,
  id: /^[a-f0-9-]{8,64}$/,
  mfaSerial: /^arn:aws(?:-[a-z]+)*:iam::\d{12}:mfa\/[\w+=,.@/-]{1,256}$/,
  name: /^[A-Za-z0-9._-]{1,64}$/,
  profile: /^[A-Za-z0-9._-]{1,64}$/,
  region: /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/,
  roleArn: /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  roleName: /^[\w+=,.@/-]{1,512}$/,
  roleSessionName: /^[\w+=,.@-]{2,64}$/,
  /** a session's identity in its integration's source (`accountId/roleName`): printable, no spaces */
  sourceKey: /^[\u0021-\u007E]{1,1024}$/,
  table: /^[A-Za-z0-9_.-]{3,255}$/,
} as const

export const EXPECTED: Record<'startUrl' | keyof typeof PATTERNS, string> = {
  accountId: 'a 12-digit AWS account id',
  alias: '1 to 64 letters, digits, ".", "_" or "-"',
  externalId: '2 to 1224 characters of letters, digits and +=,.@:/-_',
  id: 'a session id',
  mfaSerial: 'an MFA device ARN, arn:aws:iam::<account id>:mfa/<name>',
  name: '1 to 64 letters, digits, ".", "_" or "-"',
  profile: '1 to 64 letters, digits, ".", "_" or "-"',
  region: 'an AWS region such as eu-west-1',
  roleArn: 'a role ARN, arn:aws:iam::<account id>:role/<name>',
  roleName: 'an IAM role name',
  roleSessionName: '2 to 64 letters, digits and +=,.@-_',
  sourceKey: '1 to 1024 printable characters without spaces',
  startUrl: 'an https:// URL (the IAM Identity Center start URL)',
  table: 'a DynamoDB table name (3 to 255 letters, digits, "_", "-" or ".")',
}

/** True when `value` is an https URL with a host. */
export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' && url.hostname !== ''
  } catch {
    return false
  }
}

/** The account id in a role ARN. */
export const arnAccount = (arn: string): string => arn.split(':')[4] ?? ''
/** The role name (with its path) in a role ARN. */
export const arnRole = (arn: string): string => arn.slice(arn.indexOf(':role/') + ':role/'.length)
