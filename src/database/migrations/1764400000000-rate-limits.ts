import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters, shared by every instance: the table rate-limiter-flexible's PostgreSQL store expects
 * (one row per rule and key; `expire` in epoch milliseconds ends that row's own window). `key` is text rather than the
 * library's varchar(255), since keys carry an address of up to 254 characters and a client address.
 */
export class RateLimits1764400000000 implements MigrationInterface {
  name = 'RateLimits1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE rate_limits (
        key text PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await db.query('CREATE INDEX rate_limits_expire_idx ON rate_limits (expire)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE rate_limits');
  }
}
