/**
 * The port every secret goes through. Entries are addressed by an account name that tells a person reading the
 * keychain what the entry is (e.g. `sso-token:https://example.awsapps.com/start`). Values are strings (JSON for
 * structured secrets); a store never writes them anywhere in plain text.
 */
export interface SecretStore {
  delete(account: string): Promise<boolean>
  /** Human-readable description: "OS keychain (Secret Service)" / "encrypted file ~/.config/terrace/vault.enc" */
  readonly description: string
  get(account: string): Promise<string | undefined>
  readonly kind: 'file' | 'keychain'
  /** account names of every entry terrace holds, optionally only those starting with prefix */
  list(prefix?: string): Promise<string[]>
  set(account: string, secret: string): Promise<void>
}
