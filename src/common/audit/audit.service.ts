import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../clock';

export interface AuditRecord {
  challengeId: string | null;
  actorId: string | null;
  action: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditEntryView {
  id: string;
  action: string;
  actor: { id: string; name: string; email: string } | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

/** Appends to the audit log inside the use case's transaction, so a change and its record commit together. */
@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(tx: EntityManager, entry: AuditRecord): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (challenge_id, actor_id, action, before, after, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.challengeId, entry.actorId, entry.action, entry.before ?? null, entry.after ?? null, this.clock.now()],
    );
  }

  async forChallenge(db: EntityManager, challengeId: string): Promise<AuditEntryView[]> {
    const rows: { id: string; action: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; created_at: Date; actor_id: string | null; name: string | null; email: string | null }[] =
      await db.query(
        `SELECT a.id, a.action, a.before, a.after, a.created_at, a.actor_id, u.name, u.email
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.challenge_id = $1 ORDER BY a.id DESC LIMIT 500`,
        [challengeId],
      );
    return rows.map((row) => ({
      id: String(row.id),
      action: row.action,
      actor: row.actor_id ? { id: row.actor_id, name: row.name ?? '', email: row.email ?? '' } : null,
      before: row.before,
      after: row.after,
      at: row.created_at.toISOString(),
    }));
  }
}
