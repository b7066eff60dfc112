import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { formatDateTime } from '../common/format';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobQueue } from '../notifications/job-queue';
import { OutboxService } from '../notifications/outbox.service';

const QUEUE = 'deadline-reminders';
const WINDOW_HOURS = 24;

/**
 * About 24 hours before a phase closes, solvers who hold an unsubmitted draft (and no submitted entry) get one
 * `deadline-reminder`. A pg-boss schedule runs the check every 15 minutes on one instance; the outbox dedupe key
 * (challenge, solver, and the phase after the first) makes a second reminder impossible however often it runs.
 */
@Injectable()
export class DeadlineReminders implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeadlineReminders.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = this.jobs.boss;
    await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton', retryLimit: 2, expireInSeconds: 600 });
    await boss.schedule(QUEUE, '*/15 * * * *');
    await boss.work(QUEUE, async () => {
      const sent = await this.run();
      if (sent) this.logger.log(`queued ${sent} deadline reminder(s)`);
    });
  }

  /** Queues the reminders that are due now; returns how many were new. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const due: { challenge_id: string; number: number; title: string; closes_at: Date; time_zone: string; email: string; name: string; solver_id: string; submission_id: string }[] =
      await this.db.query(
        `SELECT DISTINCT ON (p.id, u.id) c.id AS challenge_id, p.number, c.title, p.closes_at, c.time_zone, u.id AS solver_id, u.email, u.name, s.id AS submission_id
         FROM challenge_phases p
         JOIN challenges c ON c.id = p.challenge_id
         JOIN submissions s ON s.phase_id = p.id AND s.status = 'draft'
         JOIN users u ON u.id = s.solver_id
         WHERE c.published_at IS NOT NULL AND c.cancelled_at IS NULL AND phase_status(p, $1) = 'open'
           AND p.closes_at <= $1 + make_interval(hours => $2)
           AND NOT EXISTS (SELECT 1 FROM submissions d WHERE d.phase_id = p.id AND d.solver_id = u.id AND d.status = 'submitted')
         ORDER BY p.id, u.id, s.updated_at DESC`,
        [now, WINDOW_HOURS],
      );
    if (due.length === 0) return 0;
    return this.db.transaction((tx) =>
      this.outbox.enqueue(
        tx,
        due.map((row) => ({
          template: 'deadline-reminder' as const,
          to: row.email,
          dedupeKey: `deadline-reminder:${row.challenge_id}:${row.solver_id}${row.number > 1 ? `:phase-${row.number}` : ''}`,
          data: {
            name: row.name,
            challengeTitle: row.title,
            closesAt: formatDateTime(row.closes_at, row.time_zone),
            link: `${this.config.publicUrl}/submissions/${row.submission_id}/edit`,
          },
        })),
      ),
    );
  }
}
