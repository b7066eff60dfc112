import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobQueue } from './job-queue';
import type { EmailTemplate } from './mail-templates';

export const OUTBOX_QUEUE = 'outbox';

export interface MessageRequest {
  template: EmailTemplate;
  to: string;
  data: Record<string, unknown>;
  /** Names the (event, recipient) pair: a second message with the same key is never written. */
  dedupeKey: string;
}

/** A message as the outbox table stores it, with the Message-ID every delivery attempt will carry. */
export interface OutboxRecord {
  dedupe_key: string;
  template: EmailTemplate;
  recipient: string;
  data: Record<string, unknown>;
  message_id: string;
}

/** Writes messages inside the caller's transaction or statement; nothing leaves the process until it commits. */
@Injectable()
export class OutboxService {
  private readonly messageIdHost: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly jobs: JobQueue,
  ) {
    this.messageIdHost = new URL(config.publicUrl).hostname;
  }

  /** Rows of a `jsonb` array of records (from `records`), as a FROM item for `writeSql`. */
  static recordsSql(param: string): string {
    return `jsonb_to_recordset(${param}::jsonb) AS m(dedupe_key text, template text, recipient text, data jsonb, message_id text)`;
  }

  /**
   * Two CTEs, `message` and `job`, that write the records a preceding CTE named `source` returns and their delivery
   * jobs, in the statement of the caller; a message whose dedupe key exists gets neither.
   */
  static writeSql(source: string): string {
    return `message AS (
         INSERT INTO outbox_messages (dedupe_key, template, recipient, data, message_id)
         SELECT dedupe_key, template, recipient, data, message_id FROM ${source}
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id),
       job AS (${JobQueue.jobsForRowsSql(OUTBOX_QUEUE, 'message')})`;
  }

  records(messages: MessageRequest[]): OutboxRecord[] {
    return messages.map((message) => ({
      dedupe_key: message.dedupeKey,
      template: message.template,
      recipient: message.to,
      data: message.data,
      message_id: `<${randomUUID()}@${this.messageIdHost}>`,
    }));
  }

  /** Writes the messages and their jobs in one statement; answers how many were new. */
  async enqueue(transaction: EntityManager, messages: MessageRequest[]): Promise<number> {
    if (messages.length === 0) return 0;
    const [written]: { messages: number }[] = await transaction.query(
      `WITH source AS (SELECT * FROM ${OutboxService.recordsSql('$1')}), ${OutboxService.writeSql('source')}
       SELECT count(*)::int AS messages FROM message`,
      [JSON.stringify(this.records(messages))],
    );
    return written.messages;
  }

  /** How the messages whose dedupe keys start with one of `prefixes` are doing: counts by status, failures with reasons. */
  async progress(db: EntityManager, prefixes: string[]): Promise<{ counts: Record<string, number>; failures: { recipient: string; template: string; error: string | null }[] }> {
    const patterns = startingWith(prefixes);
    const rows: { status: string; n: number }[] = await db.query(`SELECT status, count(*)::int AS n FROM outbox_messages WHERE dedupe_key LIKE ANY($1) GROUP BY status`, [patterns]);
    const failures: { recipient: string; template: string; error: string | null }[] = await db.query(
      `SELECT recipient, template, last_error AS error FROM outbox_messages WHERE status = 'failed' AND dedupe_key LIKE ANY($1) ORDER BY created_at LIMIT 100`,
      [patterns],
    );
    return { counts: Object.fromEntries(rows.map((r) => [r.status, r.n])), failures };
  }

  /** Sends the failed messages whose dedupe keys start with one of `prefixes` again (same rows, same Message-IDs). */
  async retryFailed(db: EntityManager, prefixes: string[]): Promise<number> {
    const patterns = startingWith(prefixes);
    const failed: { id: string }[] = await db.query(
      `UPDATE outbox_messages SET status = 'queued', last_error = NULL WHERE status = 'failed' AND dedupe_key LIKE ANY($1) RETURNING id`,
      [patterns],
    );
    if (failed.length) await this.jobs.boss.retry(OUTBOX_QUEUE, failed.map((f) => f.id));
    return failed.length;
  }
}

/** LIKE patterns for values that start with any of `prefixes` (their own % and _ taken literally). */
function startingWith(prefixes: string[]): string[] {
  return prefixes.map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`);
}
