/**
 * Exponential backoff with a bounded number of attempts AND a bounded total time, so a
 * flapping server can neither hang playback nor be hammered.
 */
export interface RetryPolicy {
  /** Attempts after the first failure (default 4). */
  readonly maxRetries: number;
  /** Delay before the first retry, doubled each time (default 250 ms). */
  readonly baseDelayMs: number;
  /** Cap on one delay (default 4 s). */
  readonly maxDelayMs: number;
  /** No retry starts later than this after the first failure (default 15 s). */
  readonly maxTotalMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 4000, maxTotalMs: 15_000 };

/** Counts the retries of one logical operation (a download, across its reconnections). */
export class RetryBudget {
  private used = 0;
  private firstFailureAt: number | undefined;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The delay before the next attempt, or undefined when the budget is spent. Jitter of
   * ±20% keeps several clients of one server from retrying in lockstep.
   */
  nextDelay(): number | undefined {
    const now = this.now();
    this.firstFailureAt ??= now;
    if (this.used >= this.policy.maxRetries) return undefined;
    const delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** this.used);
    const jittered = Math.round(delay * (0.8 + Math.random() * 0.4));
    if (now - this.firstFailureAt + jittered > this.policy.maxTotalMs) return undefined;
    this.used++;
    return jittered;
  }

  /** Data flowed again: a later failure gets a fresh budget. */
  reset(): void {
    this.used = 0;
    this.firstFailureAt = undefined;
  }

  get retries(): number {
    return this.used;
  }
}

/** A sleep that a dispose can cut short (resolves false when cancelled). */
export function cancellableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
