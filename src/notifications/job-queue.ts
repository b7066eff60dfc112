import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { DATABASE_URL } from '../database/database-url';

/** The process's pg-boss instance: background jobs stored in PostgreSQL, shared by every module's workers. */
@Injectable()
export class JobQueue implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JobQueue.name);
  readonly boss: PgBoss;

  constructor(@Inject(DATABASE_URL) databaseUrl: string) {
    this.boss = new PgBoss({ connectionString: databaseUrl, max: 4, application_name: 'laurel-jobs' });
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
