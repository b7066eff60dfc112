import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Challenge } from '../challenges/challenge.entity';
import { Clock } from '../common/clock';
import { JobQueue } from '../notifications/job-queue';
import { JudgingService } from './judging.service';

const QUEUE = 'judging-reminders';
const AHEAD_HOURS = 48;

/**
 * Judges with unfinished scorecards get one `judging-reminder` in the 48 hours before judgingEndsAt. A pg-boss
 * schedule checks hourly on one instance; the dedupe key (challenge, judge, "final-48h") sends it once.
 */
@Injectable()
export class JudgingReminders implements OnApplicationBootstrap {
  private readonly logger = new Logger(JudgingReminders.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly judging: JudgingService,
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
    const due = await this.db
      .getRepository(Challenge)
      .createQueryBuilder('c')
      .where('c.judging_started_at IS NOT NULL AND c.announced_at IS NULL AND c.cancelled_at IS NULL')
      .andWhere('c.judging_ends_at > :now AND c.judging_ends_at <= :until', { now, until: new Date(now.getTime() + AHEAD_HOURS * 3600_000) })
      .getMany();
    let sent = 0;
    for (const challenge of due) sent += await this.judging.sendReminders(challenge, 'final-48h');
    return sent;
  }
}
