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
