import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type PgBoss from 'pg-boss';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobQueue } from './job-queue';
import { MailTemplates, SECRET_DATA } from './mail-templates';
import { MailTransport } from './mail-transport';
import { OutboxMessage } from './outbox-message.entity';
import { OUTBOX_QUEUE } from './outbox.service';

const RETRY_LIMIT = 6;
const BATCH_SIZE = 100;
const WORKERS = 2;
/** Sent messages are marked in groups this size as they go, so a crash leaves only a few per worker to re-send. */
const MARK_EVERY = 10;
const SECRET_DATA_JSON = JSON.stringify(SECRET_DATA);

/**
 * Delivers outbox messages. pg-boss gives at-least-once with retries and exponential backoff; the outbox row's
 * status makes a redelivered job a no-op, and its fixed Message-ID makes a resend after a crash recognisable.
 */
@Injectable()
export class MailWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(MailWorker.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly templates: MailTemplates,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = this.jobs.boss;
    await boss.createQueue(OUTBOX_QUEUE, { name: OUTBOX_QUEUE, retryLimit: RETRY_LIMIT, retryDelay: 1, retryBackoff: true, expireInSeconds: this.config.jobTimeoutSeconds });
    for (let i = 0; i < WORKERS; i += 1) {
      let workerId: string | undefined;
      workerId = await boss.work<object>(OUTBOX_QUEUE, { batchSize: BATCH_SIZE, includeMetadata: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
        await this.deliverBatch(jobs);
        // pg-boss waits out the polling interval after every batch; a full batch means more are waiting, so fetch again now.
        if (jobs.length === BATCH_SIZE && workerId) boss.notifyWorker(workerId);
      });
    }
  }

  /** One query reads the batch; sent messages are marked in small groups as they go; failures are retried. */
  private async deliverBatch(jobs: PgBoss.JobWithMetadata[]): Promise<void> {
    const messages = await this.db.getRepository(OutboxMessage).findBy({ id: In(jobs.map((job) => job.id)) });
    const pending = new Map(messages.filter((m) => m.status !== 'sent').map((m) => [m.id, m]));
    const sent: string[] = [];
    const marks: Promise<unknown>[] = [];
    const markSent = () => {
      const ids = sent.splice(0);
      if (ids.length === 0) return;
      const mark = this.db.query(
        `UPDATE outbox_messages SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = NULL,
           data = data - ARRAY(SELECT jsonb_array_elements_text($3::jsonb -> template))
         WHERE id = ANY($1)`,
        [ids, this.clock.now(), SECRET_DATA_JSON],
      );
      mark.catch(() => undefined); // handled below, once the batch is done; this keeps an early failure from counting as unhandled
      marks.push(mark);
    };
    const failures: { id: string; error: string }[] = [];
    await Promise.all(
      jobs.map(async (job) => {
        const message = pending.get(job.id);
        if (!message) return;
        try {
          await this.deliver(message, job.retryCount >= job.retryLimit);
          sent.push(message.id);
          if (sent.length >= MARK_EVERY) markSent();
        } catch (error) {
          failures.push({ id: job.id, error: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    // A failed mark fails the batch here: pg-boss retries it, and messages already marked are skipped.
    markSent();
    await Promise.all(marks);
    // Failed jobs go back to pg-boss for a retry with backoff; the rest of the batch completes.
    for (const failure of failures) {
      await this.jobs.boss.fail(OUTBOX_QUEUE, failure.id, { message: failure.error });
    }
  }

  private async deliver(message: OutboxMessage, lastAttempt: boolean): Promise<void> {
    try {
      const rendered = this.templates.render(message.template, { ...message.data, publicUrl: this.config.publicUrl });
      await this.transport.send({
        from: this.config.mailFrom,
        to: message.recipient,
        messageId: message.messageId,
        key: `${message.createdAt.toISOString().replace(/[:.]/g, '-')}-${message.template}-${message.id}`,
        ...rendered,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.db.getRepository(OutboxMessage).update(message.id, {
        attempts: () => 'attempts + 1',
        lastError: reason.slice(0, 1000),
        status: lastAttempt ? 'failed' : 'queued',
      });
      this.logger.warn(`message ${message.id} (${message.template}) not sent: ${reason}`);
      throw error;
    }
  }
}
