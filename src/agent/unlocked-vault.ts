import {VaultError} from '../lib/errors.js'
import {FileStore} from '../vault/file-store.js'

/** The longest an unlock may last: 24 hours. */
export const MAX_UNLOCK_MS = 24 * 60 * 60 * 1000

/**
 * The file vault the agent holds unlocked, in memory only: a FileStore opened with the passphrase `vault unlock`
 * sent once over the socket (it keeps the derived key; nothing is written but the vault file itself), until a
 * deadline. Every read and write of the vault while unlocked goes through it, so the file is written in one place.
 */
export class UnlockedVault {
  private constructor(
    readonly store: FileStore,
    readonly until: number,
  ) {}

  /**
   * Opens the vault at path with passphrase (one attempt: the client asked the person already); a vault that does
   * not exist yet is created. Throws VaultError for a wrong passphrase.
   */
  static async open(options: {
    passphrase: string
    path: string
    scryptLogN?: number
    until: number
  }): Promise<UnlockedVault> {
    if (!options.passphrase) throw new VaultError('The file vault passphrase is empty')
    const {passphrase} = options
    const store = new FileStore({
      passphrase: async () => passphrase,
      passphraseAttempts: 1,
      path: options.path,
      scryptLogN: options.scryptLogN,
    })
    await store.open()
    return new UnlockedVault(store, options.until)
  }

  /** Zeroes the key the store holds (lock, wipe, time up). */
  close(): void {
    this.store.forget().catch(() => {})
  }

  expired(now: number): boolean {
    return now >= this.until
  }
}
