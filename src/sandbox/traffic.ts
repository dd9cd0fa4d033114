/** What the sandbox does to traffic on purpose: a token-bucket rate limit and injected faults. */
import type {FaultKind, FaultSettings, RateLimitSettings, ServiceName} from './config.js'

export class TokenBucket {
  private lastRefill: number
  private tokens: number

  constructor(
    private settings: RateLimitSettings,
    private readonly now: () => number,
  ) {
    this.tokens = settings.burst
    this.lastRefill = now()
  }

  reconfigure(settings: RateLimitSettings): void {
    this.settings = settings
    this.tokens = Math.min(this.tokens, settings.burst)
  }

  /** Takes one token; false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const now = this.now()
    const elapsed = Math.max(0, now - this.lastRefill) / 1000
    this.tokens = Math.min(this.settings.burst, this.tokens + elapsed * this.settings.requestsPerSecond)
    this.lastRefill = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

export class FaultInjector {
  private injected = 0

  constructor(private readonly random: () => number = Math.random) {}

  /** Picks the fault for a request to `service`, if one is due. */
  decide(settings: FaultSettings, service: ServiceName): FaultKind | undefined {
    if (settings.rate <= 0 || !settings.services.includes(service)) return undefined
    if (settings.count !== undefined && this.injected >= settings.count) return undefined
    if (this.random() >= settings.rate) return undefined
    this.injected++
    return settings.kinds[Math.floor(this.random() * settings.kinds.length)] ?? settings.kinds[0]
  }

  /** New fault settings start a new count. */
  reset(): void {
    this.injected = 0
  }
}
