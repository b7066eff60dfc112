import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import { RateLimitedError } from './errors/domain-errors';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

const TABLE = 'rate_limits';

/**
 * Fixed-window counters in PostgreSQL (rate-limiter-flexible's store, table `rate_limits` from the migrations), so
 * every instance counts together. Each row carries its own window's end, and clean-up removes only rows whose own
 * window ended an hour ago: one rule never resets another's counters. Counting is one upsert, atomic under concurrency.
 */
@Injectable()
export class RateLimiter {
  private readonly limiters = new Map<string, RateLimiterPostgres>();
  private readonly store: { query(q: { text: string; values?: unknown[] }): Promise<unknown> };

  constructor(@InjectDataSource() db: DataSource) {
    const pool = (db.driver as unknown as { master: Pool }).master;
    // Without the library's statement names: on the embedded database every connection shares one backend, where a
    // name one connection prepared is already taken for the next.
    this.store = { query: (q) => pool.query(q.text, q.values) };
  }

  /** Counts one attempt against `key`; throws RateLimitedError once more than `rule.limit` fell in the window. */
  async hit(key: string, rule: RateLimit): Promise<void> {
    try {
      await this.limiter(rule).consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RateLimitedError(Math.max(Math.ceil(error.msBeforeNext / 1000), 1));
      throw error;
    }
  }

  /** Forgets what `key` counted under `rule`. */
  async reset(key: string, rule: RateLimit): Promise<void> {
    await this.limiter(rule).delete(key);
  }

  private limiter(rule: RateLimit): RateLimiterPostgres {
    const name = `${rule.limit}/${rule.windowSeconds}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        storeClient: this.store,
        storeType: 'client',
        tableName: TABLE,
        tableCreated: true,
        keyPrefix: 'laurel',
        points: rule.limit,
        duration: rule.windowSeconds,
        // One instance's clean-up covers the whole table.
        clearExpiredByTimeout: this.limiters.size === 0,
      });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
