import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuthService } from '../auth/auth.service';
import { hashSecretToken, newSecretToken } from '../auth/secret-token';
import type { User } from '../auth/user.entity';
import { UsersService } from '../auth/users.service';
import { phaseStatusIn, statusOf } from '../challenges/challenge-status';
import type { Challenge } from '../challenges/challenge.entity';
import { ChallengesService } from '../challenges/challenges.service';
import type { Phase } from '../challenges/phase.entity';
import { AuditService } from '../common/audit/audit.service';
import { Clock } from '../common/clock';
import { ConflictError, NotAllowedError, NotFoundError, ValidationFailedError, type FieldError } from '../common/errors/domain-errors';
import { formatDateTime } from '../common/format';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/postgres-errors';
import { OutboxService, type MessageRequest } from '../notifications/outbox.service';
import { SubmissionFile } from '../submissions/submission-file.entity';
import { Submission } from '../submissions/submission.entity';
import { SubmissionsService } from '../submissions/submissions.service';
import { assignJudges } from './assignment';
import { Assignment, Conflict, Judge, Scorecard, type AssignmentStatus } from './judging.entities';
import { rankEntries, weightedScore, type Normalization, type Ranking } from './ranking';

export interface ScorecardInput {
  scores: Record<string, unknown>;
  feedback?: string;
  note?: string;
  final: boolean;
}

export interface JudgeRow {
  judge: Judge;
  counts: Record<AssignmentStatus, number>;
}

export interface QueueItem {
  assignment: Assignment;
  challenge: Challenge;
  phase: Phase;
  submission: Submission;
  files: SubmissionFile[];
  scorecard: Scorecard | null;
  /** In a later phase: the solver's entry that advanced from the phase before, with its final scores there. */
  earlier: { submission: Submission; phase: Phase; files: SubmissionFile[]; scores: EntryScores } | null;
}

/** An entry's final scores in a phase: the 0–100 total and each criterion's mean, as contributors see them. */
export interface EntryScores {
  total: number | null;
  criteria: { key: string; name: string; mean: number | null; maxScore: number }[];
}

function entryScores(phase: Phase, cards: Record<string, number>[]): EntryScores {
  const mean = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null);
  return {
    total: mean(cards.map((scores) => weightedScore(phase.rubric, scores))),
    criteria: phase.rubric.map((c) => ({ key: c.key, name: c.name, mean: mean(cards.map((scores) => scores[c.key] ?? 0)), maxScore: c.maxScore })),
  };
}

const UNFINISHED: AssignmentStatus[] = ['pending', 'draft'];

/** How long a judge invitation link works after it was sent (a new invitation sends a new link). */
export const INVITATION_DAYS = 14;

function invitationExpiresAt(judge: Judge): Date {
  return new Date(judge.invitedAt.getTime() + INVITATION_DAYS * 24 * 60 * 60 * 1000);
}

@Injectable()
export class JudgingService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly challenges: ChallengesService,
    private readonly submissions: SubmissionsService,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Judges read the entries assigned to them and those entries' earlier entries (nothing else), through the submissions module's checks. */
  onModuleInit(): void {
    this.submissions.registerJudgeReader(async (actor, submission, laterEntryIds) => {
      const rows: unknown[] = await this.db.query(
        `SELECT 1 FROM assignments a JOIN judges j ON j.id = a.judge_id
         WHERE a.submission_id = ANY($1) AND j.user_id = $2 AND j.status = 'accepted' AND a.status <> 'recused' LIMIT 1`,
        [[submission.id, ...laterEntryIds], actor.id],
      );
      return rows.length > 0;
    });
  }

  // ---- panel -------------------------------------------------------------------------------------------------

  /** Invites a judge by email (again, if they declined or were removed); the link carries a fresh token. */
  async invite(actor: User, challengeId: string, email: string, name?: string): Promise<Judge> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      this.assertNotFinal(challenge);
      const judges = tx.getRepository(Judge);
      const existing = await judges.findOneBy({ challengeId: challenge.id, email });
      if (existing?.status === 'accepted') throw new ConflictError('This person already judges this challenge.', 'already-judge');
      const { token, hash } = newSecretToken();
      const judge = existing ?? judges.create({ challengeId: challenge.id, email, userId: null });
      Object.assign(judge, { name: name ?? existing?.name ?? '', status: 'invited', invitationHash: hash, invitedAt: this.clock.now(), respondedAt: null });
      await judges.save(judge);
      const account = await this.users.byEmail(tx, email);
      await this.outbox.enqueue(tx, [
        {
          template: 'judge-invitation',
          to: email,
          dedupeKey: `judge-invitation:${judge.id}:${hash.slice(0, 16)}`,
          data: {
            name: judge.name || account?.name || '',
            managerName: actor.name,
            challengeTitle: challenge.title,
            hasAccount: account !== null,
            closesAt: challenge.closesAt ? formatDateTime(challenge.closesAt, challenge.timeZone) : '',
            link: `${this.config.publicUrl}/judge/invitations/${token}`,
          },
        },
      ]);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: existing ? 'judge.reinvited' : 'judge.invited', after: { judgeId: judge.id, email } });
      return judge;
    });
  }

  /** The panel, with each judge's assignments counted in one phase (the current one when absent). */
  async panel(actor: User, challengeId: string, phaseNumber?: number): Promise<{ challenge: Challenge; phase: Phase; judges: JudgeRow[]; conflicts: Conflict[] }> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    const judges = await this.db.getRepository(Judge).find({ where: { challengeId: challenge.id }, order: { invitedAt: 'ASC' } });
    const counts: { judge_id: string; status: AssignmentStatus; n: number }[] = await this.db.query(
      `SELECT judge_id, status, count(*)::int AS n FROM assignments WHERE phase_id = $1 GROUP BY 1, 2`,
      [phase.id],
    );
    const conflicts = await this.db.getRepository(Conflict).find({ where: { challengeId: challenge.id }, order: { createdAt: 'ASC' } });
    return {
      challenge,
      phase,
      conflicts,
      judges: judges.map((judge) => ({
        judge,
        counts: { pending: 0, draft: 0, submitted: 0, recused: 0, ...Object.fromEntries(counts.filter((c) => c.judge_id === judge.id).map((c) => [c.status, c.n])) },
      })),
    };
  }

  /** Takes a judge off the panel; one with unfinished assignments must recuse or be reassigned first. */
  async remove(actor: User, challengeId: string, judgeId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      const judge = await tx.getRepository(Judge).findOneBy({ id: judgeId, challengeId: challenge.id });
      if (!judge) throw new NotFoundError('judge');
      const unfinished = await tx.getRepository(Assignment).countBy({ judgeId, status: In(UNFINISHED) });
      if (unfinished > 0) throw new ConflictError(`This judge has ${unfinished} unfinished assignment(s): reassign them first.`, 'judge-has-work');
      await tx.getRepository(Judge).update(judge.id, { status: 'removed' });
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'judge.removed', before: { judgeId, email: judge.email, status: judge.status } });
    });
  }

  async invitation(token: string): Promise<{ judge: Judge; challenge: Challenge; expiresAt: Date; expired: boolean }> {
    const judge = await this.db.getRepository(Judge).findOneBy({ invitationHash: hashSecretToken(token) });
    if (!judge || judge.status === 'removed') throw new NotFoundError('invitation');
    const challenge = await this.challenges.byId(this.db.manager, judge.challengeId);
    return { judge, challenge, expiresAt: invitationExpiresAt(judge), expired: this.invitationExpired(judge) };
  }

  /** An invitation still waiting for an answer stops working INVITATION_DAYS after it was sent. */
  private invitationExpired(judge: Judge): boolean {
    return judge.status === 'invited' && invitationExpiresAt(judge) <= this.clock.now();
  }

  private assertAnswerable(judge: Judge): void {
    if (judge.status === 'declined') {
      throw new ConflictError('You declined this invitation, so it can no longer be accepted. Ask the challenge manager to invite you again.', 'invitation-declined');
    }
    if (this.invitationExpired(judge)) {
      throw new ConflictError(`This invitation expired on ${formatDateTime(invitationExpiresAt(judge))}. Ask the challenge manager to invite you again.`, 'invitation-expired');
    }
  }

  /**
   * Accepts an invitation: signed in as the invited address, or by creating that account on the spot (the link
   * proves the address, so it counts as verified).
   */
  async accept(token: string, actor: User | undefined, newAccount?: { name: string; password: string }): Promise<{ judge: Judge; user: User; created: boolean }> {
    return this.db.transaction(async (tx) => {
      const judge = await tx.getRepository(Judge).createQueryBuilder('j').setLock('pessimistic_write').where('j.invitation_hash = :hash', { hash: hashSecretToken(token) }).getOne();
      if (!judge || judge.status === 'removed') throw new NotFoundError('invitation');
      this.assertAnswerable(judge);
      let user: User;
      let created = false;
      if (actor) {
        if (actor.email !== judge.email) throw new NotAllowedError(`This invitation was sent to ${judge.email}; sign in with that address.`);
        user = actor;
      } else if (newAccount) {
        const name = newAccount.name || judge.name;
        if (!name) throw ValidationFailedError.field('name', 'is required');
        user = await this.auth.createVerifiedAccount(tx, judge.email, name, newAccount.password);
        created = true;
      } else {
        throw ValidationFailedError.field('password', 'is required to create your account (or sign in first)');
      }
      if (judge.status === 'accepted' && judge.userId === user.id) return { judge, user, created };
      const submitted = await this.submissions.hasSubmittedEntry(tx, judge.challengeId, user.id);
      if (submitted) throw new ConflictError('You have an entry in this challenge, so you cannot judge it.', 'own-entry');
      Object.assign(judge, { status: 'accepted', userId: user.id, name: judge.name || user.name, respondedAt: this.clock.now() });
      await tx.getRepository(Judge).save(judge);
      await this.auth.markVerified(tx, user.id);
      await this.audit.record(tx, { challengeId: judge.challengeId, actorId: user.id, action: 'judge.accepted', after: { judgeId: judge.id } });
      return { judge, user, created };
    });
  }

  async decline(token: string): Promise<Judge> {
    const { judge } = await this.invitation(token);
    if (judge.status === 'accepted') throw new ConflictError('This invitation was already accepted.', 'already-judge');
    await this.db.getRepository(Judge).update(judge.id, { status: 'declined', respondedAt: this.clock.now() });
    return { ...judge, status: 'declined' };
  }

  // ---- conflicts and assignment ------------------------------------------------------------------------------

  /** The blind list of submitted, eligible entries (ids and titles), for the panel to declare conflicts. */
  async panelEntries(actor: User, challengeId: string, phaseNumber?: number): Promise<{ challenge: Challenge; phase: Phase; entries: { id: string; title: string; conflicted: boolean }[] }> {
    const challenge = await this.challenges.getVisible(actor, challengeId);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    const judge = await this.judgeOf(actor, challenge.id);
    if (!judge && !(await this.challenges.isManager(actor, challenge.id))) throw new NotAllowedError('Only this challenge\'s judges can see its entries.');
    const entries = await this.submissions.eligibleEntries(this.db.manager, phase.id);
    const conflicted = new Set(judge ? (await this.db.getRepository(Conflict).findBy({ judgeId: judge.id })).map((c) => c.submissionId) : []);
    return { challenge, phase, entries: entries.map((e) => ({ id: e.id, title: e.title, conflicted: conflicted.has(e.id) })) };
  }

  /** A judge declares a conflict for itself; a manager may record one for any judge of the panel. */
  async declareConflict(actor: User, challengeId: string, submissionId: string, reason: string, judgeId?: string): Promise<Conflict> {
    const challenge = await this.challenges.getVisible(actor, challengeId);
    const isManager = await this.challenges.isManager(actor, challenge.id);
    const judge = judgeId && isManager ? await this.db.getRepository(Judge).findOneBy({ id: judgeId, challengeId: challenge.id }) : await this.judgeOf(actor, challenge.id);
    if (!judge) throw judgeId ? new NotFoundError('judge') : new NotAllowedError('Only this challenge\'s judges can declare conflicts.');
    const submission = await this.submissions.entryOf(this.db.manager, challenge.id, submissionId);
    if (!submission) throw ValidationFailedError.field('submissionId', 'is not an entry of this challenge');
    const conflict = await this.db.transaction(async (tx) => {
      await this.submissions.lockForJudging(tx, submission.id);
      const record = await this.recordConflict(tx, challenge.id, judge.id, submission.id, reason, actor.id);
      const assignment = await tx.getRepository(Assignment).createQueryBuilder('a').setLock('pessimistic_write').where('a.judge_id = :judgeId AND a.submission_id = :submissionId', { judgeId: judge.id, submissionId: submission.id }).getOne();
      if (assignment && UNFINISHED.includes(assignment.status)) await this.recuseAndReassign(tx, challenge, assignment, `Conflict: ${reason}`);
      return record;
    });
    return conflict;
  }

  /**
   * Closed → judging, for one phase (the current one when absent): every eligible entry of the phase gets the
   * phase's judgesPerSubmission judges, balanced, deterministic for the stored seed.
   */
  async startJudging(actor: User, challengeId: string, phaseNumber?: number): Promise<{ challenge: Challenge; phase: Phase; assignments: number }> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.challenges.lockForManager(tx, actor, challengeId);
      const phase = this.challenges.phaseOf(challenge, phaseNumber);
      const status = this.phaseStatus(challenge, phase);
      if (status !== 'closed') throw new ConflictError(`Judging starts after entries close; this ${phaseNumber ? 'phase' : 'challenge'} is ${status}.`, 'not-closed');
      const entries = await this.submissions.eligibleEntries(tx, phase.id);
      const judges = await tx.getRepository(Judge).findBy({ challengeId: challenge.id, status: 'accepted' });
      const conflicts = await tx.getRepository(Conflict).findBy({ challengeId: challenge.id });
      const seed = phase.assignmentSeed ?? randomInt(1, 2 ** 31 - 1);
      const result = assignJudges({
        entries: entries.map((e) => ({ id: e.id, solverId: e.solverId })),
        judges: judges.map((j) => ({ id: j.id, userId: j.userId! })),
        perEntry: phase.judgesPerSubmission,
        conflicts: new Set(conflicts.map((c) => `${c.judgeId}:${c.submissionId}`)),
        seed,
      });
      if (!result.ok) throw new ValidationFailedError([{ field: 'judges', message: result.reason }], result.reason);
      const now = this.clock.now();
      if (result.pairs.length) {
        await tx.query(
          `INSERT INTO assignments (challenge_id, phase_id, submission_id, judge_id, status, created_at, updated_at)
           SELECT $1, $4, p.submission_id, p.judge_id, 'pending', $2, $2 FROM jsonb_to_recordset($3::jsonb) AS p(submission_id uuid, judge_id uuid)`,
          [challenge.id, now, JSON.stringify(result.pairs.map((p) => ({ submission_id: p.entryId, judge_id: p.judgeId }))), phase.id],
        );
      }
      await this.challenges.markJudgingStarted(tx, phase, seed, now);
      const perJudge = new Map<string, number>();
      for (const pair of result.pairs) perJudge.set(pair.judgeId, (perJudge.get(pair.judgeId) ?? 0) + 1);
      await this.outbox.enqueue(
        tx,
        judges
          .filter((j) => perJudge.has(j.id))
          .map((j) => this.assignmentsMessage(challenge, phase, j, perJudge.get(j.id)!, `judging-assignments:${challenge.id}:${j.id}${phase.number > 1 ? `:phase-${phase.number}` : ''}`)),
      );
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'judging.started', after: { phase: phase.number, seed, entries: entries.length, judges: judges.length, assignments: result.pairs.length } });
      return { challenge, phase, assignments: result.pairs.length };
    });
  }

  /** A judge steps back from one entry: the conflict is recorded and the entry goes to the least-loaded eligible judge. */
  async recuse(actor: User, assignmentId: string, reason: string): Promise<{ assignment: Assignment; reassignedTo: Judge | null }> {
    return this.db.transaction(async (tx) => {
      const { assignment, challenge, judge } = await this.lockOwnAssignment(tx, actor, assignmentId);
      if (!UNFINISHED.includes(assignment.status)) throw new ConflictError(`An assignment that is ${assignment.status} cannot be recused.`, 'not-recusable');
      await this.recordConflict(tx, challenge.id, judge.id, assignment.submissionId, reason, actor.id);
      return this.recuseAndReassign(tx, challenge, assignment, reason);
    });
  }

  /** A manager moves an unfinished assignment to a named judge of the panel. */
  async reassign(actor: User, assignmentId: string, judgeId: string): Promise<Assignment> {
    return this.db.transaction(async (tx) => {
      const assignment = await this.lockAssignment(tx, assignmentId);
      const challenge = await this.challenges.lockForManager(tx, actor, assignment.challengeId);
      if (!UNFINISHED.includes(assignment.status)) throw new ConflictError(`An assignment that is ${assignment.status} cannot be reassigned.`, 'not-reassignable');
      const candidates = await this.eligibleJudges(tx, challenge, assignment.submissionId);
      const target = candidates.find((c) => c.judge.id === judgeId);
      if (!target) throw ValidationFailedError.field('judgeId', 'is not an accepted judge who may take this entry');
      Object.assign(assignment, { status: 'recused', recusalReason: `Reassigned by ${actor.name}`, updatedAt: this.clock.now() });
      await tx.getRepository(Assignment).save(assignment);
      const created = await this.createAssignment(tx, challenge, assignment, target.judge);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'assignment.reassigned', before: { judgeId: assignment.judgeId }, after: { judgeId, assignmentId: created.id } });
      return created;
    });
  }

  // ---- scoring -----------------------------------------------------------------------------------------------

  /** The judge's queue, optionally for one challenge, with each entry as the judge may see it. */
  async queue(actor: User, challengeId?: string): Promise<QueueItem[]> {
    const judges = await this.db.getRepository(Judge).findBy({ userId: actor.id, status: 'accepted', ...(challengeId ? { challengeId } : {}) });
    if (!judges.length) return [];
    const assignments = await this.db.getRepository(Assignment).find({ where: { judgeId: In(judges.map((j) => j.id)) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return this.describe(assignments);
  }

  async assignmentFor(actor: User, assignmentId: string): Promise<QueueItem & { judge: Judge }> {
    const assignment = await this.db.getRepository(Assignment).findOneBy({ id: assignmentId });
    if (!assignment) throw new NotFoundError('assignment');
    const judge = await this.db.getRepository(Judge).findOneByOrFail({ id: assignment.judgeId });
    if (judge.userId !== actor.id || judge.status !== 'accepted') throw new NotFoundError('assignment');
    const [item] = await this.describe([assignment]);
    return { ...item, judge };
  }

  async saveScorecard(actor: User, assignmentId: string, input: ScorecardInput): Promise<{ assignment: Assignment; scorecard: Scorecard }> {
    return this.db.transaction(async (tx) => {
      const { assignment, challenge, phase } = await this.lockOwnAssignment(tx, actor, assignmentId);
      const status = this.phaseStatus(challenge, phase);
      if (status !== 'judging') throw new ConflictError(`Scorecards can be changed only while judging; this ${challenge.phases.length > 1 ? 'phase' : 'challenge'} is ${status}.`, 'not-judging');
      if (assignment.status === 'recused') throw new ConflictError('You recused yourself from this entry.', 'recused');
      const existing = await tx.getRepository(Scorecard).findOneBy({ assignmentId });
      if (existing?.final) throw new ConflictError('This scorecard is final; a manager can reopen it.', 'scorecard-final');
      const scores = this.checkScores(phase, input);
      const now = this.clock.now();
      const scorecard = Object.assign(existing ?? new Scorecard(), {
        assignmentId,
        scores,
        feedback: (input.feedback ?? existing?.feedback ?? '').trim(),
        note: (input.note ?? existing?.note ?? '').trim(),
        final: input.final,
        submittedAt: input.final ? now : null,
        updatedAt: now,
      });
      await tx.getRepository(Scorecard).save(scorecard);
      Object.assign(assignment, { status: input.final ? 'submitted' : 'draft', updatedAt: now });
      await tx.getRepository(Assignment).save(assignment);
      return { assignment, scorecard };
    });
  }

  /** A manager reopens a final scorecard for its judge, with a reason kept in the audit log. */
  async reopen(actor: User, assignmentId: string, reason: string): Promise<Assignment> {
    return this.db.transaction(async (tx) => {
      const assignment = await this.lockAssignment(tx, assignmentId);
      const challenge = await this.challenges.lockForManager(tx, actor, assignment.challengeId);
      if (this.phaseStatus(challenge, this.assignmentPhase(challenge, assignment)) !== 'judging') throw new ConflictError('Scorecards can be reopened only while judging.', 'not-judging');
      const scorecard = await tx.getRepository(Scorecard).findOneBy({ assignmentId });
      if (!scorecard?.final) throw new ConflictError('Only a final scorecard can be reopened.', 'not-final');
      const now = this.clock.now();
      await tx.getRepository(Scorecard).update(assignmentId, { final: false, submittedAt: null, updatedAt: now });
      Object.assign(assignment, { status: 'draft', updatedAt: now });
      await tx.getRepository(Assignment).save(assignment);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'scorecard.reopened', before: { final: true, scores: scorecard.scores }, after: { final: false, assignmentId, reason } });
      return assignment;
    });
  }

  // ---- progress, reminders, ranking --------------------------------------------------------------------------

  async progress(actor: User, challengeId: string, phaseNumber?: number) {
    const { challenge, phase, judges } = await this.panel(actor, challengeId, phaseNumber);
    const active = judges.filter((row) => row.judge.status === 'accepted' || Object.values(row.counts).some((n) => n > 0));
    const perJudge = active.map(({ judge, counts }) => {
      const assigned = counts.pending + counts.draft + counts.submitted;
      return { judgeId: judge.id, name: judge.name, email: judge.email, assigned, submitted: counts.submitted, draft: counts.draft, pending: counts.pending, recused: counts.recused, percent: assigned ? Math.round((counts.submitted / assigned) * 100) : 0 };
    });
    const sum = (key: 'assigned' | 'submitted' | 'draft' | 'pending' | 'recused') => perJudge.reduce((s, j) => s + j[key], 0);
    const assigned = sum('assigned');
    return {
      challenge,
      phase,
      overall: { assigned, submitted: sum('submitted'), draft: sum('draft'), pending: sum('pending'), recused: sum('recused'), percent: assigned ? Math.round((sum('submitted') / assigned) * 100) : 0 },
      judges: perJudge,
    };
  }

  /** Reminds judges with unfinished work; at most once a day each (the dedupe key carries the date). */
  async remind(actor: User, challengeId: string): Promise<number> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    if (statusOf(challenge, this.clock.now()) !== 'judging') throw new ConflictError('Reminders go out while judging.', 'not-judging');
    return this.sendReminders(challenge, challenge.currentPhase, this.clock.now().toISOString().slice(0, 10));
  }

  async sendReminders(challenge: Challenge, phase: Phase, occasion: string): Promise<number> {
    const rows: { judge_id: string; email: string; name: string; left: number }[] = await this.db.query(
      `SELECT j.id AS judge_id, j.email, j.name, count(*)::int AS left FROM assignments a JOIN judges j ON j.id = a.judge_id
       WHERE a.phase_id = $1 AND a.status IN ('pending','draft') AND j.status = 'accepted' GROUP BY j.id, j.email, j.name`,
      [phase.id],
    );
    const messages: MessageRequest[] = rows.map((row) => ({
      template: 'judging-reminder',
      to: row.email,
      dedupeKey: `judging-reminder:${challenge.id}:${row.judge_id}:${occasion}${phase.number > 1 ? `:phase-${phase.number}` : ''}`,
      data: {
        name: row.name,
        challengeTitle: challenge.title,
        left: row.left,
        judgingEndsAt: phase.judgingEndsAt ? formatDateTime(phase.judgingEndsAt, challenge.timeZone) : '',
        link: `${this.config.publicUrl}/judge?challengeId=${challenge.id}`,
      },
    }));
    return this.db.transaction((tx) => this.outbox.enqueue(tx, messages));
  }

  async ranking(actor: User, challengeId: string, normalize: Normalization, phaseNumber?: number): Promise<{ challenge: Challenge; phase: Phase; ranking: Ranking }> {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    return { challenge, phase, ranking: await this.rankingOf(phase, normalize, this.db.manager) };
  }

  /** The ranking of one phase from final scorecards of its submitted, eligible entries (used by advancement and awards). */
  async rankingOf(phase: Phase, normalize: Normalization, db: EntityManager): Promise<Ranking> {
    const entries = () => this.submissions.eligibleEntries(db, phase.id);
    // Each criterion comes out as a float column named by its key (keys are lower-case, so they cannot clash with the
    // camel-case ids): the row itself then serves as the scores, with no jsonb to parse.
    const keys = phase.rubric.map((c) => c.key);
    const scorecards = (): Promise<({ entryId: string; judgeId: string } & Record<string, number>)[]> =>
      db.query(
        `SELECT a.submission_id AS "entryId", a.judge_id AS "judgeId", ${keys.map((key, i) => `coalesce((sc.scores->>$${i + 2})::float8, 0) AS "${key}"`).join(', ')}
         FROM scorecards sc JOIN assignments a ON a.id = sc.assignment_id
         WHERE a.phase_id = $1 AND sc.final AND a.status = 'submitted'`,
        [phase.id, ...keys],
      );
    // Inside a caller's transaction the two reads share its connection; otherwise they run side by side.
    const [entryRows, cardRows] = db === this.db.manager ? await Promise.all([entries(), scorecards()]) : [await entries(), await scorecards()];
    return rankEntries({
      rubric: phase.rubric,
      entries: entryRows.map((e) => ({ id: e.id, title: e.title, submittedAt: e.submittedAt })),
      scorecards: cardRows.map((row) => ({ entryId: row.entryId, judgeId: row.judgeId, scores: row })),
      normalize,
    });
  }

  /** Each judge's final weighted scores: lowest, highest, mean (for the spread chart). */
  async judgeSpreads(phase: Phase, names: Map<string, string>): Promise<{ name: string; min: number; max: number; mean: number; scorecards: number }[]> {
    const rows: { judge_id: string; scores: Record<string, number> }[] = await this.db.query(
      `SELECT a.judge_id, sc.scores FROM scorecards sc JOIN assignments a ON a.id = sc.assignment_id WHERE a.phase_id = $1 AND sc.final`,
      [phase.id],
    );
    const byJudge = new Map<string, number[]>();
    for (const row of rows) {
      const values = byJudge.get(row.judge_id) ?? [];
      values.push(weightedScore(phase.rubric, row.scores));
      byJudge.set(row.judge_id, values);
    }
    const round = (n: number) => Math.round(n * 10) / 10;
    return [...byJudge.entries()].map(([judgeId, values]) => ({
      name: names.get(judgeId) ?? judgeId,
      min: round(Math.min(...values)),
      max: round(Math.max(...values)),
      mean: round(values.reduce((a, b) => a + b, 0) / values.length),
      scorecards: values.length,
    }));
  }

  /** Judges' feedback per entry, in the order it was given; never the panel notes. */
  async feedbackFor(challenge: Challenge, submissionIds: string[], db: EntityManager): Promise<Map<string, { judge: string; text: string }[]>> {
    const rows: { submission_id: string; judge_name: string; feedback: string }[] = await db.query(
      `SELECT a.submission_id, j.name AS judge_name, sc.feedback FROM scorecards sc
       JOIN assignments a ON a.id = sc.assignment_id JOIN judges j ON j.id = a.judge_id
       WHERE a.submission_id = ANY($1) AND sc.final AND a.status = 'submitted'
       ORDER BY a.submission_id, sc.submitted_at, a.id`,
      [submissionIds],
    );
    const byEntry = new Map<string, { judge: string; text: string }[]>();
    for (const row of rows) {
      const list = byEntry.get(row.submission_id) ?? [];
      list.push({ judge: challenge.blindJudging ? `Judge ${list.length + 1}` : row.judge_name, text: row.feedback });
      byEntry.set(row.submission_id, list);
    }
    return byEntry;
  }

  /** How many assignments of a phase still lack a final scorecard (recused ones do not count). */
  async unfinishedAssignments(tx: EntityManager, phase: Phase): Promise<number> {
    return tx.getRepository(Assignment).countBy({ phaseId: phase.id, status: In(UNFINISHED) });
  }

  /** Every scorecard of a challenge, for managers (panel notes included: they stay with the panel). */
  async scorecards(actor: User, challengeId: string, phaseNumber?: number) {
    const challenge = await this.challenges.getManaged(actor, challengeId);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    const cards: { assignment_id: string; submission_id: string; judge_id: string; judge_name: string; judge_email: string; status: AssignmentStatus; scores: Record<string, number> | null; feedback: string | null; note: string | null; final: boolean | null; submitted_at: Date | null }[] =
      await this.db.query(
        `SELECT a.id AS assignment_id, a.submission_id, j.id AS judge_id, j.name AS judge_name, j.email AS judge_email,
                a.status, sc.scores, sc.feedback, sc.note, sc.final, sc.submitted_at
         FROM assignments a JOIN judges j ON j.id = a.judge_id LEFT JOIN scorecards sc ON sc.assignment_id = a.id
         WHERE a.phase_id = $1`,
        [phase.id],
      );
    const { entries } = await this.submissions.entriesWithFiles(this.db.manager, [...new Set(cards.map((c) => c.submission_id))]);
    const entry = new Map(entries.map((e) => [e.id, e]));
    const rows = cards
      .map((card) => ({ ...card, title: entry.get(card.submission_id)!.title, receipt: entry.get(card.submission_id)!.receipt ?? '' }))
      .sort((a, b) => a.receipt.localeCompare(b.receipt) || a.judge_name.localeCompare(b.judge_name));
    return { challenge, phase, rows };
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private phaseStatus(challenge: Challenge, phase: Phase): string {
    return phaseStatusIn(challenge, phase, this.clock.now());
  }

  private assignmentPhase(challenge: Challenge, assignment: Assignment): Phase {
    return challenge.phases.find((p) => p.id === assignment.phaseId)!;
  }

  private assignmentsMessage(challenge: Challenge, phase: Phase, judge: Judge, count: number, dedupeKey: string): MessageRequest {
    return {
      template: 'judging-assignments',
      to: judge.email,
      dedupeKey,
      data: {
        name: judge.name,
        challengeTitle: challenge.title,
        count,
        judgingEndsAt: phase.judgingEndsAt ? formatDateTime(phase.judgingEndsAt, challenge.timeZone) : '',
        blind: challenge.blindJudging,
        link: `${this.config.publicUrl}/judge?challengeId=${challenge.id}`,
      },
    };
  }

  private async recuseAndReassign(tx: EntityManager, challenge: Challenge, assignment: Assignment, reason: string): Promise<{ assignment: Assignment; reassignedTo: Judge | null }> {
    Object.assign(assignment, { status: 'recused', recusalReason: reason, updatedAt: this.clock.now() });
    await tx.getRepository(Assignment).save(assignment);
    if (!this.assignmentPhase(challenge, assignment).judgingStartedAt) return { assignment, reassignedTo: null };
    const [least] = await this.eligibleJudges(tx, challenge, assignment.submissionId);
    if (!least) return { assignment, reassignedTo: null };
    await this.createAssignment(tx, challenge, assignment, least.judge);
    return { assignment, reassignedTo: least.judge };
  }

  /** A new assignment of `replaced`'s entry (same phase) to `judge`. */
  private async createAssignment(tx: EntityManager, challenge: Challenge, replaced: Assignment, judge: Judge): Promise<Assignment> {
    const now = this.clock.now();
    const created = tx.getRepository(Assignment).create({
      challengeId: challenge.id,
      phaseId: replaced.phaseId,
      submissionId: replaced.submissionId,
      judgeId: judge.id,
      status: 'pending',
      recusalReason: null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.getRepository(Assignment).insert(created);
    await this.outbox.enqueue(tx, [this.assignmentsMessage(challenge, this.assignmentPhase(challenge, replaced), judge, 1, `judging-assignment:${created.id}`)]);
    return created;
  }

  /** Accepted judges who may take an entry (not its solver, not conflicted, not already on it), least loaded first. */
  private async eligibleJudges(tx: EntityManager, challenge: Challenge, submissionId: string): Promise<{ judge: Judge; load: number }[]> {
    const { solverId } = (await this.submissions.entryOf(tx, challenge.id, submissionId))!;
    const rows: { id: string; load: number }[] = await tx.query(
      `SELECT j.id, (SELECT count(*)::int FROM assignments x WHERE x.judge_id = j.id AND x.status <> 'recused') AS load
       FROM judges j
       WHERE j.challenge_id = $1 AND j.status = 'accepted' AND j.user_id <> $3
         AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.judge_id = j.id AND c.submission_id = $2)
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.judge_id = j.id AND a.submission_id = $2)
       ORDER BY load, j.id`,
      [challenge.id, submissionId, solverId],
    );
    const judges = await tx.getRepository(Judge).findBy({ id: In(rows.map((r) => r.id)) });
    return rows.map((row) => ({ judge: judges.find((j) => j.id === row.id)!, load: row.load }));
  }

  private async recordConflict(tx: EntityManager, challengeId: string, judgeId: string, submissionId: string, reason: string, declaredBy: string): Promise<Conflict> {
    const conflict = tx.getRepository(Conflict).create({ challengeId, judgeId, submissionId, reason, declaredBy, createdAt: this.clock.now() });
    try {
      await tx.query('SAVEPOINT conflict_insert');
      await tx.getRepository(Conflict).insert(conflict);
      await tx.query('RELEASE SAVEPOINT conflict_insert');
    } catch (error) {
      if (!isUniqueViolation(error, 'conflicts_judge_submission_key')) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT conflict_insert');
      return tx.getRepository(Conflict).findOneByOrFail({ judgeId, submissionId });
    }
    return conflict;
  }

  private async judgeOf(actor: User, challengeId: string): Promise<Judge | null> {
    return this.db.getRepository(Judge).findOneBy({ challengeId, userId: actor.id, status: 'accepted' });
  }

  /** An assignment locked after its entry (see `lockForJudging`): the same order everywhere, so no two wait on each other. */
  private async lockAssignment(tx: EntityManager, assignmentId: string): Promise<Assignment> {
    const found = await tx.getRepository(Assignment).findOneBy({ id: assignmentId });
    if (!found) throw new NotFoundError('assignment');
    await this.submissions.lockForJudging(tx, found.submissionId);
    return tx.getRepository(Assignment).createQueryBuilder('a').setLock('pessimistic_write').where('a.id = :id', { id: assignmentId }).getOneOrFail();
  }

  /** The actor's own assignment, locked; 404 for anyone else's (judges never learn about other judges' work). */
  private async lockOwnAssignment(tx: EntityManager, actor: User, assignmentId: string): Promise<{ assignment: Assignment; challenge: Challenge; phase: Phase; judge: Judge }> {
    const assignment = await this.lockAssignment(tx, assignmentId);
    const judge = await tx.getRepository(Judge).findOneByOrFail({ id: assignment.judgeId });
    if (judge.userId !== actor.id || judge.status !== 'accepted') throw new NotFoundError('assignment');
    const challenge = await this.challenges.byId(tx, assignment.challengeId);
    return { assignment, challenge, phase: this.assignmentPhase(challenge, assignment), judge };
  }

  private async describe(assignments: Assignment[]): Promise<QueueItem[]> {
    if (!assignments.length) return [];
    const { entries: submissions, files: entryFiles } = await this.submissions.entriesWithFiles(this.db.manager, [...new Set(assignments.map((a) => a.submissionId))]);
    const challenges = await this.challenges.byIds(this.db.manager, [...new Set(assignments.map((a) => a.challengeId))]);
    const earlierIds = submissions.flatMap((s) => (s.previousSubmissionId ? [s.previousSubmissionId] : []));
    const { entries: earlier, files: earlierFiles } = await this.submissions.entriesWithFiles(this.db.manager, earlierIds);
    const files = [...entryFiles, ...earlierFiles];
    const scorecards = await this.db.getRepository(Scorecard).findBy({ assignmentId: In(assignments.map((a) => a.id)) });
    const earlierScores = await this.finalScoresOf(earlierIds);
    return assignments.map((assignment) => {
      const challenge = challenges.get(assignment.challengeId)!;
      const submission = submissions.find((s) => s.id === assignment.submissionId)!;
      const before = earlier.find((s) => s.id === submission.previousSubmissionId);
      const beforePhase = before && challenge.phases.find((p) => p.id === before.phaseId)!;
      return {
        assignment,
        challenge,
        phase: this.assignmentPhase(challenge, assignment),
        submission,
        files: files.filter((f) => f.submissionId === submission.id),
        scorecard: scorecards.find((s) => s.assignmentId === assignment.id) ?? null,
        earlier:
          before && beforePhase
            ? { submission: before, phase: beforePhase, files: files.filter((f) => f.submissionId === before.id), scores: entryScores(beforePhase, earlierScores.get(before.id) ?? []) }
            : null,
      };
    });
  }

  /** The final scores of each entry's submitted scorecards, by entry. */
  private async finalScoresOf(submissionIds: string[]): Promise<Map<string, Record<string, number>[]>> {
    const byEntry = new Map<string, Record<string, number>[]>();
    if (!submissionIds.length) return byEntry;
    const rows: { submission_id: string; scores: Record<string, number> }[] = await this.db.query(
      `SELECT a.submission_id, sc.scores FROM scorecards sc JOIN assignments a ON a.id = sc.assignment_id
       WHERE a.submission_id = ANY($1) AND sc.final AND a.status = 'submitted'`,
      [submissionIds],
    );
    for (const row of rows) byEntry.set(row.submission_id, [...(byEntry.get(row.submission_id) ?? []), row.scores]);
    return byEntry;
  }

  /** Integers within 0..maxScore for known criteria; a final scorecard needs every criterion and feedback. */
  private checkScores(phase: Phase, input: ScorecardInput): Record<string, number> {
    const errors: FieldError[] = [];
    const scores: Record<string, number> = {};
    const criteria = new Map(phase.rubric.map((c) => [c.key, c]));
    for (const [key, value] of Object.entries(input.scores)) {
      const criterion = criteria.get(key);
      if (!criterion) errors.push({ field: `scores.${key}`, message: 'is not a criterion of this rubric' });
      else if (value === null || value === '' || value === undefined) continue;
      else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > criterion.maxScore) {
        errors.push({ field: `scores.${key}`, message: `must be a whole number from 0 to ${criterion.maxScore}` });
      } else scores[key] = value;
    }
    if (input.final) {
      for (const criterion of phase.rubric) {
        if (scores[criterion.key] === undefined && !errors.some((e) => e.field === `scores.${criterion.key}`)) errors.push({ field: `scores.${criterion.key}`, message: 'is required to submit' });
      }
      if (!input.feedback?.trim()) errors.push({ field: 'feedback', message: 'is required to submit: the solver receives it' });
    }
    if (errors.length) throw new ValidationFailedError(errors);
    return scores;
  }

  private assertNotFinal(challenge: Challenge): void {
    const status = statusOf(challenge, this.clock.now());
    if (status === 'cancelled' || status === 'announced' || status === 'draft') throw new ConflictError(`Judges cannot be invited while the challenge is ${status}.`, 'challenge-final');
  }
}
