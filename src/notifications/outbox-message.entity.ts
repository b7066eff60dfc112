import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type OutboxStatus = 'queued' | 'sent' | 'failed';

/** One email to send, written in the same transaction as the change that causes it. */
@Entity('outbox_messages')
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** One row per (event, recipient): the database refuses a second. */
  @Column('text', { name: 'dedupe_key', unique: true })
  dedupeKey: string;

  @Column('text')
  template: string;

  @Column('text')
  recipient: string;

  @Column('jsonb')
  data: Record<string, unknown>;

  /** Fixed before the first attempt, so a resend after a crash carries the same Message-ID. */
  @Column('text', { name: 'message_id' })
  messageId: string;

  @Column('text', { default: 'queued' })
  status: OutboxStatus;

  @Column('int', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;
}
