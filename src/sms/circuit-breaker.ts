/**
 * A circuit breaker per route: after `failureThreshold` consecutive failures (refusals, errors,
 * timeouts) the route is skipped for `openMs`, so a dead provider costs one timeout, not one per
 * request; then a single probe is let through (half-open) and its outcome closes or reopens it.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private current: BreakerState = 'closed';

  constructor(private readonly options: BreakerOptions) {}

  state(now: number): BreakerState {
    if (this.current === 'open' && now - this.openedAt >= this.options.openMs) return 'half_open';
    return this.current;
  }

  /** Whether a send may try this route now; in half-open, only one probe at a time. */
  tryPass(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.current = 'closed';
  }

  failure(now: number): void {
    this.probing = false;
    this.failures += 1;
    if (this.current !== 'closed' || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openedAt = now;
    }
  }
}
