/**
 * What the agent holds, in memory only: named secrets (later the unlocked vault's entries and role credentials),
 * each until it expires. Values are kept as buffers and overwritten with zeros when dropped, so a wipe leaves no
 * copy in the agent's own buffers. `wipe` (vault lock, sso logout, agent stop) drops everything at once.
 */
export class MemoryStore {
  private readonly entries = new Map<string, {expiresAt: null | number; value: Buffer}>()

  constructor(private readonly now: () => number = Date.now) {}

  /** How many unexpired entries it holds. */
  get size(): number {
    this.prune()
    return this.entries.size
  }

  delete(name: string): boolean {
    const entry = this.entries.get(name)
    if (!entry) return false
    entry.value.fill(0)
    return this.entries.delete(name)
  }

  get(name: string): string | undefined {
    const entry = this.entries.get(name)
    if (!entry) return undefined
    if (entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.delete(name)
      return undefined
    }

    return entry.value.toString('utf8')
  }

  /** Holds value under name until expiresAt (epoch ms; null: until wiped), replacing what was there. */
  set(name: string, value: string, expiresAt: null | number = null): void {
    this.delete(name)
    this.entries.set(name, {expiresAt, value: Buffer.from(value, 'utf8')})
  }

  /** Forgets everything; returns how many entries it held. */
  wipe(): number {
    const count = this.entries.size
    for (const name of this.entries.keys()) this.delete(name)
    return count
  }

  private prune(): void {
    const now = this.now()
    for (const [name, entry] of this.entries) if (entry.expiresAt !== null && entry.expiresAt <= now) this.delete(name)
  }
}
