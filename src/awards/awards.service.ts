import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { User } from '../auth/user.entity';
import { statusOf } from '../challenges/challenge-status';
import { Challenge } from '../challenges/challenge.entity';
import { ChallengesService, type Viewer } from '../challenges/challenges.service';
import { AuditService } from '../common/audit/audit.service';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError, ValidationFailedError, type FieldError } from '../common/errors/domain-errors';
import { formatMoney } from '../common/format';
import { fromCents, normalizeAmount, toCents } from '../common/money';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JudgingService } from '../judging/judging.service';
import { SubmissionsService, type Contributor } from '../submissions/submissions.service';
import type { Ranking } from '../judging/ranking';
import { JobQueue } from '../notifications/job-queue';
import { OutboxService, type MessageRequest } from '../notifications/outbox.service';
import { Award } from './award.entity';
import type { AwardInputDto, SelectAwardsDto } from './dto/awards.dto';

const FANOUT_QUEUE = 'announcement-fanout';
const FANOUT_BATCH = 500;
const PLACE_TITLES = ['First prize', 'Second prize', 'Third prize', 'Fourth prize', 'Fifth prize'];

/** The dedupe key prefixes of an announcement's messages. */
const announcementKeys = (challenge: Challenge) => [`award-winner:${challenge.id}:`, `contributor-feedback:${challenge.id}:`];

export interface AwardRow {
  award: Award;
  entryTitle: string;
  solverName: string;
}

export interface Delivery {
  expected: number;
  queued: number;
  sent: number;
  failed: number;
  failures: { recipient: string; template: string; error: string | null }[];
}

@Injectable()
export class AwardsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AwardsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly challenges: ChallengesService,
    private readonly judging: JudgingService,
    private readonly submissions: SubmissionsService,
    private readonly outbox: OutboxService,
    private readonly jobs: JobQueue,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.boss.createQueue(FANOUT_QUEUE, { name: FANOUT_QUEUE, retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 1800 });
    await this.jobs.boss.work<{ challengeId: string }>(FANOUT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      const written = await this.fanOut(job.data.challengeId);
      this.logger.log(`announcement ${job.data.challengeId}: ${written} message(s) written`);
    });
  }

  /** Chooses the awards (replacing any earlier choice) while judging; departures from the ranking need a justification. */
  async select(actor: User, challengeId: string, input: SelectAwardsDto): Promise<{ rows: AwardRow[]; warnings: string[] }> {
    const warnings: string[] = [];
    await this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      this.assertJudging(challenge);
      const ranking = await this.judging.rankingOf(challenge.finalPhase, 'none', tx);
      const ranked = ranking.entries.filter((e) => e.score !== null);
      const top = ranked.slice(0, challenge.winnersCount);
      if (top.length && top[top.length - 1].tiedWithNext) {
        warnings.push(`The entry ranked ${top.length} ties on score with the next one; the tie-break chain (${ranking.tieBreak.join(' → ')}) decided between them.`);
      }
      const chosen: AwardInputDto[] = input.fromRanking
        ? top.map((entry) => ({ submissionId: entry.submissionId, place: entry.rank, kind: 'winner' }))
        : (input.awards ?? []);
      if (!input.fromRanking && !input.awards?.length) throw ValidationFailedError.field('awards', 'must list at least one award, or send fromRanking: true');
      const departs = this.checkSelection(challenge, ranked, chosen, input);
      const now = this.clock.now();
      await tx.getRepository(Award).delete({ challengeId: challenge.id });
      await tx.getRepository(Award).insert(
        chosen.map((a) => ({
          challengeId: challenge.id,
          submissionId: a.submissionId,
          kind: a.kind ?? 'winner',
          place: a.place,
          title: a.title || ((a.kind ?? 'winner') === 'winner' ? PLACE_TITLES[a.place - 1] : 'Honorable mention'),
          prizeAmount: a.prize ? normalizeAmount(a.prize.amount) : null,
          prizeCurrency: a.prize ? a.prize.currency : null,
          citation: a.citation ?? '',
          createdAt: now,
        })),
      );
      await this.audit.record(tx, {
        challengeId: challenge.id,
        actorId: actor.id,
        action: departs ? 'awards.selected-departing-from-ranking' : 'awards.selected',
        after: { awards: chosen.map((a) => ({ submissionId: a.submissionId, place: a.place, kind: a.kind ?? 'winner' })), justification: input.justification ?? null },
      });
    });
    return { rows: await this.list(actor, challengeId), warnings };
  }

  async list(actor: User, challengeId: string): Promise<AwardRow[]> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    return this.rowsOf(challenge.id);
  }

  /** Judging → announced, once. The messages are written by a fan-out job created in this same transaction. */
  async announce(actor: User, challengeId: string): Promise<Challenge> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      if (challenge.announcedAt) throw new ConflictError('The winners of this challenge are already announced.', 'already-announced');
      this.assertJudging(challenge);
      const awards = await tx.getRepository(Award).countBy({ challengeId: challenge.id, kind: 'winner' });
      if (awards === 0) throw ValidationFailedError.field('awards', 'choose the winners before announcing');
      const now = this.clock.now();
      await this.challenges.markAnnounced(tx, challenge, now);
      await this.jobs.insertInTransaction(tx, [{ name: FANOUT_QUEUE, data: { challengeId: challenge.id }, singletonKey: challenge.id }]);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'challenge.announced', before: { status: 'judging' }, after: { status: 'announced' } });
      return challenge;
    });
  }

  /**
   * Writes one message per entry of the last phase, in batches: `award-winner` for each winning entry,
   * `contributor-feedback` for every other submitted entry, and a short closing `contributor-feedback` for withdrawn
   * and ineligible ones. Entrants of earlier phases who did not advance heard at advancement (`phase-result`).
   * Dedupe keys make a retried fan-out write nothing twice. Returns how many messages were new.
   */
  async fanOut(challengeId: string): Promise<number> {
    const challenge = await this.challenges.byId(this.db.manager, challengeId);
    const ranking = await this.judging.rankingOf(challenge.finalPhase, 'none', this.db.manager);
    const awards = new Map((await this.db.getRepository(Award).findBy({ challengeId })).map((a) => [a.submissionId, a]));
    const entries = await this.submissions.contributorsOf(this.db.manager, challenge.finalPhase.id);
    const submittedCount = entries.filter((e) => e.status === 'submitted' && !e.ineligible).length;
    let written = 0;
    for (let start = 0; start < entries.length; start += FANOUT_BATCH) {
      const batch = entries.slice(start, start + FANOUT_BATCH);
      const feedback = await this.judging.feedbackFor(challenge, batch.map((e) => e.id), this.db.manager);
      const messages = batch.map((entry) => this.messageFor(challenge, ranking, entry, awards.get(entry.id), feedback.get(entry.id) ?? [], submittedCount));
      written += await this.db.transaction((tx) => this.outbox.enqueue(tx, messages));
    }
    return written;
  }

  /** How the announcement's messages are doing: expected, queued, sent, failed (with reasons). */
  async delivery(actor: User, challengeId: string): Promise<Delivery> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    const expected = await this.submissions.contributorCount(this.db.manager, challenge.finalPhase.id);
    if (!challenge.announcedAt) return { expected, queued: 0, sent: 0, failed: 0, failures: [] };
    const { counts, failures } = await this.outbox.progress(this.db.manager, announcementKeys(challenge));
    const count = (status: string) => counts[status] ?? 0;
    const written = count('queued') + count('sent') + count('failed');
    return { expected, queued: count('queued') + Math.max(0, expected - written), sent: count('sent'), failed: count('failed'), failures };
  }

  /** Sends failed announcement messages again (same rows, same Message-IDs). */
  async retryFailed(actor: User, challengeId: string): Promise<number> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    return this.outbox.retryFailed(this.db.manager, announcementKeys(challenge));
  }

  /** The public winners list, once announced (404 before, like anything not yet public). */
  async winners(viewer: Viewer, challengeIdOrSlug: string): Promise<{ challenge: Challenge; rows: AwardRow[] }> {
    const challenge = await this.challenges.getVisible(viewer, challengeIdOrSlug);
    if (!challenge.announcedAt) throw new NotFoundError('winners list');
    return { challenge, rows: await this.rowsOf(challenge.id) };
  }

  async certificate(viewer: Viewer, challengeIdOrSlug: string, awardId: string): Promise<{ challenge: Challenge; row: AwardRow }> {
    const { challenge, rows } = await this.winners(viewer, challengeIdOrSlug);
    const row = rows.find((r) => r.award.id === awardId);
    if (!row) throw new NotFoundError('award');
    return { challenge, row };
  }

  private async rowsOf(challengeId: string): Promise<AwardRow[]> {
    const awards = await this.db.getRepository(Award).find({ where: { challengeId }, order: { kind: 'DESC', place: 'ASC' } });
    if (!awards.length) return [];
    const credits = await this.submissions.creditsOf(this.db.manager, awards.map((a) => a.submissionId));
    return awards.map((award) => {
      const credit = credits.get(award.submissionId)!;
      return { award, entryTitle: credit.title, solverName: credit.solverName };
    });
  }

  private messageFor(
    challenge: Challenge,
    ranking: Ranking,
    entry: Contributor,
    award: Award | undefined,
    feedback: { judge: string; text: string }[],
    entryCount: number,
  ): MessageRequest {
    const winnersLink = `${this.config.publicUrl}/challenges/${challenge.slug}/winners`;
    const common = { name: entry.name, challengeTitle: challenge.title, entryTitle: entry.title, receipt: entry.receipt ?? '', link: winnersLink };
    if (award && entry.status === 'submitted' && !entry.ineligible) {
      return {
        template: 'award-winner',
        to: entry.email,
        dedupeKey: `award-winner:${challenge.id}:${entry.id}`,
        data: {
          ...common,
          awardTitle: award.title,
          place: award.place,
          honorable: award.kind === 'honorable-mention',
          prize: award.prizeAmount && award.prizeCurrency ? formatMoney(award.prizeAmount, award.prizeCurrency) : '',
          citation: award.citation,
          certificateLink: `${this.config.publicUrl}/challenges/${challenge.slug}/awards/${award.id}/certificate`,
        },
      };
    }
    const ranked = ranking.entries.find((r) => r.submissionId === entry.id);
    const closing = entry.status !== 'submitted' || entry.ineligible;
    return {
      template: 'contributor-feedback',
      to: entry.email,
      dedupeKey: `contributor-feedback:${challenge.id}:${entry.id}`,
      data: {
        ...common,
        closing,
        closingReason: entry.ineligible ? 'it was found ineligible under the challenge rules' : 'it was withdrawn',
        entryCount,
        total: ranked?.score ?? null,
        hasScore: ranked?.score !== null && ranked?.score !== undefined,
        criteria: challenge.finalPhase.rubric.map((c) => ({ name: c.name, mean: ranked?.criteria[c.key] ?? null, maxScore: c.maxScore })),
        feedback: closing ? [] : feedback,
      },
    };
  }

  /** Checks a hand-made selection; returns whether its winners depart from the ranking's top places. */
  private checkSelection(challenge: Challenge, ranked: Ranking['entries'], chosen: AwardInputDto[], input: SelectAwardsDto): boolean {
    const errors: FieldError[] = [];
    const eligible = new Set(ranked.map((e) => e.submissionId));
    const seen = new Set<string>();
    const places = new Set<number>();
    let total = 0n;
    chosen.forEach((award, i) => {
      const at = `awards.${i}`;
      const kind = award.kind ?? 'winner';
      if (!eligible.has(award.submissionId)) errors.push({ field: `${at}.submissionId`, message: 'is not a submitted, eligible entry with a final scorecard' });
      if (seen.has(award.submissionId)) errors.push({ field: `${at}.submissionId`, message: 'is awarded twice' });
      seen.add(award.submissionId);
      if (kind === 'winner') {
        if (award.place > challenge.winnersCount) errors.push({ field: `${at}.place`, message: `must be from 1 to ${challenge.winnersCount} for a winner (use honorable-mention beyond)` });
        if (places.has(award.place)) errors.push({ field: `${at}.place`, message: 'is given twice' });
        places.add(award.place);
      }
      if (award.prize) {
        if (award.prize.currency !== challenge.prizeCurrency) errors.push({ field: `${at}.prize.currency`, message: `must be ${challenge.prizeCurrency}, the challenge's currency` });
        total += toCents(award.prize.amount);
      }
    });
    if (challenge.prizeAmount !== null && total > toCents(challenge.prizeAmount) && !input.allowOverTotal) {
      errors.push({ field: 'awards', message: `prizes add up to ${formatMoney(fromCents(total), challenge.prizeCurrency)}, more than the prize total of ${formatMoney(challenge.prizeAmount, challenge.prizeCurrency)}; send allowOverTotal to confirm` });
    }
    const winners = chosen.filter((a) => (a.kind ?? 'winner') === 'winner').sort((a, b) => a.place - b.place);
    const departs = winners.some((a, i) => ranked[i]?.submissionId !== a.submissionId || a.place !== i + 1);
    if (departs && !input.justification) errors.push({ field: 'justification', message: 'is required when the winners differ from the ranking' });
    if (errors.length) throw new ValidationFailedError(errors, 'The award selection is not valid.');
    return departs;
  }

  /** Awards are chosen while the last phase is judged. */
  private assertJudging(challenge: Challenge): void {
    const status = statusOf(challenge, this.clock.now());
    if (status !== 'judging') throw new ConflictError(`Awards are chosen and announced during judging; this challenge is ${status}.`, 'not-judging');
    if (challenge.currentPhase !== challenge.finalPhase) {
      throw new ConflictError(`Awards come from the last phase; this challenge is judging phase ${challenge.currentPhase.number} of ${challenge.phases.length}.`, 'not-final-phase');
    }
  }
}
