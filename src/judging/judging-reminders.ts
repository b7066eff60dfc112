import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChallengesService } from '../challenges/challenges.service';
import { Clock } from '../common/clock';
import { JobQueue } from '../notifications/job-queue';
import { JudgingService } from './judging.service';

const QUEUE = 'judging-reminders';
const AHEAD_HOURS = 48;

/**
 * Judges with unfinished scorecards get one `judging-reminder` in the 48 hours before their phase's judgingEndsAt. A pg-boss
 * schedule checks hourly on one instance; the dedupe key (challenge, judge, "final-48h") sends it once.
 */
@Injectable()
export class JudgingReminders implements OnApplicationBootstrap {
  private readonly logger = new Logger(JudgingReminders.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly judging: JudgingService,
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = this.jobs.boss;
    await boss.createQueue(QUEUE, { name: QUEUE, policy: 'singleton', retryLimit: 2, expireInSeconds: 600 });
    await boss.schedule(QUEUE, '7 * * * *');
    await boss.work(QUEUE, async () => {
      const sent = await this.run();
      if (sent) this.logger.log(`queued ${sent} judging reminder(s)`);
    });
  }

  async run(): Promise<number> {
    const now = this.clock.now();
    const due: { challenge_id: string; number: number }[] = await this.db.query(
      `SELECT p.challenge_id, p.number FROM challenge_phases p JOIN challenges c ON c.id = p.challenge_id
       WHERE c.announced_at IS NULL AND c.cancelled_at IS NULL AND phase_status(p, $1) = 'judging'
         AND p.judging_ends_at > $1 AND p.judging_ends_at <= $2`,
      [now, new Date(now.getTime() + AHEAD_HOURS * 3600_000)],
    );
    let sent = 0;
    for (const row of due) {
      const challenge = await this.challenges.byId(this.db.manager, row.challenge_id);
      sent += await this.judging.sendReminders(challenge, this.challenges.phaseOf(challenge, row.number), 'final-48h');
    }
    return sent;
  }
}
