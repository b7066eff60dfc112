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

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
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
}
