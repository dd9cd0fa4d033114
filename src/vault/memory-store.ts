import type {SecretStore} from './secret-store.js'

/** A SecretStore in a Map, for unit tests of code that takes a store. Never used by the CLI itself. */
export class MemoryStore implements SecretStore {
  readonly description: string
  readonly kind: 'file' | 'keychain'
  private readonly entries: Map<string, string>

  constructor(initial: Record<string, string> = {}, options: {description?: string; kind?: 'file' | 'keychain'} = {}) {
    this.entries = new Map(Object.entries(initial))
    this.kind = options.kind ?? 'keychain'
    this.description = options.description ?? 'in-memory store (tests only)'
  }

  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account)
  }

  async get(account: string): Promise<string | undefined> {
    return this.entries.get(account)
  }

  async list(prefix = ''): Promise<string[]> {
    return [...this.entries.keys()].filter((account) => account.startsWith(prefix)).sort()
  }

  async set(account: string, secret: string): Promise<void> {
    this.entries.set(account, secret)
  }

  /** A copy of everything held, for assertions. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.entries)
  }
}
