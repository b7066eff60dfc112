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

/** Writes messages inside the caller's transaction; nothing leaves the process until that transaction commits. */
@Injectable()
export class OutboxService {
  private readonly messageIdHost: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.messageIdHost = new URL(config.publicUrl).hostname;
  }

  async enqueue(transaction: EntityManager, messages: MessageRequest[]): Promise<number> {
    if (messages.length === 0) return 0;
    const records = messages.map((message) => ({
      dedupe_key: message.dedupeKey,
      template: message.template,
      recipient: message.to,
      data: message.data,
      message_id: `<${randomUUID()}@${this.messageIdHost}>`,
    }));
    // The messages and their delivery jobs in one statement; a message whose dedupe key exists gets neither.
    const [written]: { messages: number; jobs: number }[] = await transaction.query(
      `WITH message AS (
         INSERT INTO outbox_messages (dedupe_key, template, recipient, data, message_id)
         SELECT dedupe_key, template, recipient, data, message_id
         FROM jsonb_to_recordset($1::jsonb) AS m(dedupe_key text, template text, recipient text, data jsonb, message_id text)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id),
       job AS (${JobQueue.jobsForRowsSql(OUTBOX_QUEUE, 'message')} RETURNING id)
       SELECT (SELECT count(*) FROM message)::int AS messages, (SELECT count(*) FROM job)::int AS jobs`,
      [JSON.stringify(records)],
    );
    if (written.jobs !== written.messages) throw new Error(`the ${OUTBOX_QUEUE} job queue does not exist: messages would never be delivered`);
    return written.messages;
  }
}
