import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { User } from '../auth/user.entity';
import { phaseStatusIn } from '../challenges/challenge-status';
import type { Challenge } from '../challenges/challenge.entity';
import { ChallengesService } from '../challenges/challenges.service';
import type { Phase } from '../challenges/phase.entity';
import { AuditService } from '../common/audit/audit.service';
import { Clock } from '../common/clock';
import { ConflictError, ValidationFailedError } from '../common/errors/domain-errors';
import { formatDateTime } from '../common/format';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { OutboxService, type MessageRequest } from '../notifications/outbox.service';
import { SubmissionsService, type Contributor } from '../submissions/submissions.service';
import type { AdvanceDto } from './dto/judging.dto';
import { JudgingService } from './judging.service';
import type { Ranking } from './ranking';

export interface AdvancementResult {
  phase: Phase;
  advanced: string[];
  warnings: string[];
}

/**
 * The end of an earlier phase: the chosen entries go on to the next phase, once, and every entrant of the phase
 * gets exactly one `phase-result` message in the same transaction (advanced, or not with scores and feedback).
 */
@Injectable()
export class AdvancementService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly challenges: ChallengesService,
    private readonly submissions: SubmissionsService,
    private readonly judging: JudgingService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The phase that `phase`'s entries would advance to, while that is possible (judging, not yet decided). */
  nextIfAdvanceable(challenge: Challenge, phase: Phase): Phase | null {
    const next = this.challenges.nextPhase(challenge, phase);
    return next && !phase.decidedAt && phaseStatusIn(challenge, phase, this.clock.now()) === 'judging' ? next : null;
  }

  async advance(actor: User, challengeId: string, number: number, input: AdvanceDto): Promise<AdvancementResult> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      const phase = this.challenges.phaseOf(challenge, number);
      const next = this.challenges.nextPhase(challenge, phase);
      const now = this.clock.now();
      if (!next) throw new ConflictError('The last phase ends with the awards, not with advancement.', 'last-phase');
      if (phase.decidedAt) throw new ConflictError('Entries of this phase have already advanced: a phase advances once.', 'already-advanced');
      const status = phaseStatusIn(challenge, phase, now);
      if (status !== 'judging') throw new ConflictError(`Entries advance once the phase is judged; this phase is ${status}.`, 'not-judging');
      const unfinished = await this.judging.unfinishedAssignments(tx, phase);
      if (unfinished > 0 && !input.force) {
        throw new ConflictError(`${unfinished} assignment(s) of this phase have no final scorecard yet; wait for them, or send force with a reason.`, 'scorecards-missing');
      }
      if (unfinished > 0 && !input.reason) throw ValidationFailedError.field('reason', 'is required to advance while scorecards are missing');

      const ranking = await this.judging.rankingOf(phase, 'none', tx);
      const warnings: string[] = [];
      const advanced = await this.chosen(tx, phase, ranking, input, warnings);
      await this.submissions.markAdvanced(tx, advanced, now);
      await this.challenges.markDecided(tx, phase, now);

      const contributors = await this.submissions.contributorsOf(tx, phase.id);
      const feedback = await this.judging.feedbackFor(challenge, contributors.map((c) => c.id), tx);
      const chosen = new Set(advanced);
      const entryCount = contributors.filter((c) => c.status === 'submitted' && !c.ineligible).length;
      await this.outbox.enqueue(
        tx,
        contributors.map((c) => this.resultMessage(challenge, phase, next, ranking, c, chosen.has(c.id), feedback.get(c.id) ?? [], entryCount)),
      );
      const forced = unfinished > 0;
      await this.audit.record(tx, {
        challengeId: challenge.id,
        actorId: actor.id,
        action: forced ? 'phase.advanced-forced' : 'phase.advanced',
        after: { phase: phase.number, advanced, ...(forced ? { unfinished, reason: input.reason } : {}) },
      });
      return { phase, advanced, warnings };
    });
  }

  /** The entries that advance: named ones (each a submitted, eligible entry of the phase) or the ranking's top. */
  private async chosen(tx: EntityManager, phase: Phase, ranking: Ranking, input: AdvanceDto, warnings: string[]): Promise<string[]> {
    if (input.fromRanking) {
      if (!phase.advanceCount) throw ValidationFailedError.field('fromRanking', 'needs the phase\'s advanceCount; set it, or list submissionIds');
      const top = ranking.entries.filter((e) => e.score !== null).slice(0, phase.advanceCount);
      if (top.length && top[top.length - 1].tiedWithNext) {
        warnings.push(`The entry ranked ${top.length} ties on score with the next one; the tie-break chain (${ranking.tieBreak.join(' → ')}) decided between them.`);
      }
      if (!top.length) throw ValidationFailedError.field('fromRanking', 'the ranking has no scored entry yet');
      return top.map((e) => e.submissionId);
    }
    const ids = [...new Set(input.submissionIds ?? [])];
    if (!ids.length) throw ValidationFailedError.field('submissionIds', 'must list at least one entry, or send fromRanking: true');
    const refused = new Set(await this.submissions.notAdvanceable(tx, phase.id, ids));
    if (refused.size) {
      throw new ValidationFailedError(
        (input.submissionIds ?? []).flatMap((id, i) => (refused.has(id) ? [{ field: `submissionIds.${i}`, message: 'is not a submitted, eligible entry of this phase' }] : [])),
      );
    }
    return ids;
  }

  private resultMessage(
    challenge: Challenge,
    phase: Phase,
    next: Phase,
    ranking: Ranking,
    entry: Contributor,
    advanced: boolean,
    feedback: { judge: string; text: string }[],
    entryCount: number,
  ): MessageRequest {
    const ranked = ranking.entries.find((r) => r.submissionId === entry.id);
    return {
      template: 'phase-result',
      to: entry.email,
      dedupeKey: `phase-result:${phase.id}:${entry.id}`,
      data: {
        name: entry.name,
        challengeTitle: challenge.title,
        entryTitle: entry.title,
        receipt: entry.receipt ?? '',
        phaseName: phase.name,
        nextPhaseName: next.name,
        nextOpensAt: next.opensAt ? formatDateTime(next.opensAt, challenge.timeZone) : '',
        nextClosesAt: next.closesAt ? formatDateTime(next.closesAt, challenge.timeZone) : '',
        advanced,
        entryCount,
        total: ranked?.score ?? null,
        hasScore: ranked?.score !== null && ranked?.score !== undefined,
        criteria: phase.rubric.map((c) => ({ name: c.name, mean: ranked?.criteria[c.key] ?? null, maxScore: c.maxScore })),
        feedback: advanced ? [] : feedback,
        link: advanced ? `${this.config.publicUrl}/challenges/${challenge.slug}/enter` : `${this.config.publicUrl}/challenges/${challenge.slug}`,
      },
    };
  }
}
