import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DATABASE_URL } from '../database/database-url';

/** The process's pg-boss instance: background jobs stored in PostgreSQL, shared by every module's workers. */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  readonly boss: PgBoss;

  constructor(@Inject(DATABASE_URL) databaseUrl: string, @Inject(APP_CONFIG) config: AppConfig) {
    // Maintenance is what notices expired jobs, so it runs at least as often as a job may take.
    const maintenanceIntervalSeconds = Math.min(120, config.jobTimeoutSeconds);
    this.boss = new PgBoss({ connectionString: databaseUrl, max: 4, application_name: 'laurel-jobs', maintenanceIntervalSeconds });
    this.boss.on('error', (error) => this.logger.error(`job queue: ${error.message}`));
  }

  /**
   * SQL that inserts one job of `queue` (no data) for every `id` a preceding CTE named `source` returns, with the
   * queue's own retry, expiry and retention settings as `boss.insert` applies them: it lets a statement that writes
   * rows create their jobs too, saving the round trip. Without the queue the job has no name, which pg-boss's
   * table refuses: the whole statement fails rather than leave rows that would never be worked.
   */
  static jobsForRowsSql(queue: string, source: string): string {
    return `INSERT INTO pgboss.job (id, name, data, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, dead_letter, policy)
      SELECT ${source}.id, q.name, '{}'::jsonb, COALESCE(q.retry_limit, 2),
             CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
             COALESCE(q.retry_backoff, false), COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
             now() + COALESCE(q.retention_minutes * interval '1 minute', interval '14 days'), q.dead_letter, q.policy
      FROM ${source} LEFT JOIN pgboss.queue q ON q.name = '${queue}'`;
  }

  /** Inserts jobs through the caller's transaction: they exist if, and only if, it commits. */
  async insertInTransaction(tx: EntityManager, jobs: PgBoss.JobInsert[]): Promise<void> {
    await this.boss.insert(jobs, { db: { executeSql: async (text, values) => ({ rows: await tx.query(text, values) }) } });
  }

  async onModuleInit(): Promise<void> {
    await this.boss.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
