import { Injectable } from '@nestjs/common';
import { Clock } from './clock';
import { RateLimitedError } from './errors/domain-errors';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * Fixed-window counters kept in this process's memory. Enough for one instance; several instances each
 * count on their own, which multiplies the limit by the number of instances (documented in the README).
 */
@Injectable()
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly clock: Clock) {}

  /** Counts one attempt against `key`; throws RateLimitedError once the window is full. */
  hit(key: string, rule: RateLimit): void {
    const window = this.current(key, rule);
    if (window.count >= rule.limit) {
      const retryAfter = Math.ceil((window.startedAt + rule.windowSeconds * 1000 - this.clock.now().getTime()) / 1000);
      throw new RateLimitedError(Math.max(retryAfter, 1));
    }
    window.count += 1;
  }

  /** Throws if `key` is already over its limit, without counting (for "count failures only" rules). */
  check(key: string, rule: RateLimit): void {
    const window = this.current(key, rule);
    if (window.count >= rule.limit) this.hit(key, rule);
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, rule: RateLimit): Window {
    const now = this.clock.now().getTime();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= rule.windowSeconds * 1000) {
      if (this.windows.size > 100_000) this.evictExpired(now, rule);
      window = { startedAt: now, count: 0 };
      this.windows.set(key, window);
    }
    return window;
  }

  private evictExpired(now: number, rule: RateLimit): void {
    for (const [key, window] of this.windows) {
      if (now - window.startedAt >= rule.windowSeconds * 1000) this.windows.delete(key);
    }
  }
}
