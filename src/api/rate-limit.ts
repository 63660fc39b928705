/**
 * A token bucket: `burst` requests at once, refilled at `ratePerSecond`. One bucket for the
 * whole server: it only listens on loopback, so every client is the same user, and the limit
 * is there to blunt a runaway script or a token-guessing loop, not to share fairly.
 */
export interface RateLimitOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export const defaultRateLimit: RateLimitOptions = { ratePerSecond: 20, burst: 40 };

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = options.burst;
    this.refilledAt = now();
  }

  /** Takes one token: 0 when allowed, else the seconds to wait before retrying (≥ 1). */
  take(): number {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.options.burst, this.tokens + elapsedSeconds * this.options.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    // Retry-After is in whole seconds; round up so a client that obeys it is let in.
    return Math.max(1, Math.ceil((1 - this.tokens) / this.options.ratePerSecond));
  }
}
