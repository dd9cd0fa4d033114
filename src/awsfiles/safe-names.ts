/**
 * What may go into the user's AWS config: names and values that come from the SSO portal (account and role names)
 * end up in a section header or a value, so anything outside these patterns is refused (an INI line break or a `]`
 * would otherwise write new sections, even a credential_process of someone else's choosing).
 */

/** A profile name terrace writes: letters, digits, dots, underscores and hyphens, starting with a letter or digit. */
export const SAFE_PROFILE_NAME = /^[A-Za-z\d][\w.-]{0,127}$/

/** An IAM role name (IAM's own pattern): what a role from the portal must look like to be used. */
export const SAFE_ROLE_NAME = /^[\w+=,.@-]{1,64}$/

/** A 12-digit AWS account id. */
export const SAFE_ACCOUNT_ID = /^\d{12}$/

/** A setting's key. */
export const SAFE_SETTING_KEY = /^[a-z][a-z\d_]*$/

export const isSafeProfileName = (name: string): boolean => SAFE_PROFILE_NAME.test(name)

/** A value stays on its line: no control character (line breaks included). */
// eslint-disable-next-line no-control-regex
export const isSafeValue = (value: string): boolean => !/[\u0000-\u001F\u007F]/.test(value)

/** The text as JSON would quote it: a warning shows hostile names without their line breaks or escapes. */
export const escapeName = (text: string): string => JSON.stringify(text)
