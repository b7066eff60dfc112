import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { User } from '../auth/user.entity';
import { UsersService } from '../auth/users.service';
import { AuditService, type AuditEntryView } from '../common/audit/audit.service';
import { Clock } from '../common/clock';
import { normalizeAmount } from '../common/money';
import { isId } from '../common/http/id-param.pipe';
import { TtlCache } from '../common/ttl-cache';
import { ConflictError, NotAllowedError, NotFoundError, ValidationFailedError } from '../common/errors/domain-errors';
import { pageOf, type Page } from '../common/pagination';
import { isUniqueViolation } from '../database/postgres-errors';
import { completenessProblems, phaseProblems } from './challenge-completeness';
import { ChallengeManager } from './challenge-manager.entity';
import { ChallengeReader } from './challenge-reader';
import { statusOf, type ChallengeStatus } from './challenge-status';
import { Challenge, type FormField } from './challenge.entity';
import type { ChallengeInputDto, CreateChallengeDto, ListChallengesQuery, PhaseInputDto } from './dto/challenge.dto';
import { phaseStatusOf } from './phase-status';
import { Phase } from './phase.entity';
import { slugify } from './slug';

const FINAL: ChallengeStatus[] = ['cancelled', 'announced'];

export interface ManagerView {
  userId: string;
  name: string;
  email: string;
  role: string;
  addedAt: string;
}

export interface ManagedChallenge {
  challenge: Challenge;
  status: ChallengeStatus;
  role: string;
}

/** Who is asking: a signed-in user, or nobody (the public). */
export type Viewer = User | null | undefined;

@Injectable()
export class ChallengesService {
  private readonly publicCache: TtlCache<Page<Challenge>>;
  private readonly agencyCache: TtlCache<string[]>;
  private readonly reader: ChallengeReader;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {
    this.publicCache = new TtlCache(clock, 2000, 200);
    this.agencyCache = new TtlCache(clock, 30_000, 1);
    this.reader = new ChallengeReader(db);
  }

  /** Only program managers (and admins) create challenges; the new-challenge page asks too. */
  assertMayCreate(actor: User): void {
    if (!actor.hasRole('manager') && !actor.hasRole('admin')) {
      throw new NotAllowedError('Only program managers can create challenges. Ask an administrator for the manager role.');
    }
  }

  async create(actor: User, input: CreateChallengeDto): Promise<Challenge> {
    this.assertMayCreate(actor);
    const now = this.clock.now();
    const base = slugify(input.title);
    for (let attempt = 0; ; attempt += 1) {
      const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
      try {
        return await this.db.transaction(async (tx) => {
          const challenge = tx.getRepository(Challenge).create({ slug, ownerId: actor.id, createdAt: now, updatedAt: now });
          challenge.phases = [newPhase(1)];
          applyInput(challenge, input);
          this.assertPhasesInOrder(challenge);
          await tx.getRepository(Challenge).insert(challenge);
          await this.insertPhases(tx, challenge);
          await tx.getRepository(ChallengeManager).insert({ challengeId: challenge.id, userId: actor.id, role: 'owner', addedAt: now });
          // The view is computed from the row as stored: the entity built here lacks the columns the input leaves unset.
          const saved = await this.byId(tx, challenge.id);
          await this.audit.record(tx, { challengeId: saved.id, actorId: actor.id, action: 'challenge.created', after: snapshot(saved) });
          return saved;
        });
      } catch (error) {
        if (!isUniqueViolation(error, 'challenges_slug_key') || attempt >= 5) throw error;
      }
    }
  }

  async update(actor: User, idOrSlug: string, input: ChallengeInputDto): Promise<Challenge> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.lockForManager(tx, actor, idOrSlug);
      const now = this.clock.now();
      const status = statusOf(challenge, now);
      if (FINAL.includes(status)) throw new ConflictError(`A challenge that is ${status} can no longer be changed.`, 'challenge-final');
      if ((input.rubric || input.fields) && challenge.firstEntryAt) {
        throw new ConflictError('The rubric and the entry form are frozen once an entry exists.', 'form-frozen');
      }
      if (input.phases && challenge.phases.some((phase) => phase.firstEntryAt)) {
        throw new ConflictError('Phases can be added, reordered or removed only while no phase has an entry.', 'phases-frozen');
      }
      const before = snapshot(challenge);
      applyInput(challenge, input);
      this.assertStillValid(challenge, now);
      challenge.updatedAt = now;
      await tx.getRepository(Challenge).save(challenge);
      if (input.phases) {
        await tx.getRepository(Phase).delete({ challengeId: challenge.id });
        await this.insertPhases(tx, challenge);
      } else {
        await tx.getRepository(Phase).save(challenge.currentPhase);
      }
      const [changedBefore, changedAfter] = difference(before, snapshot(challenge));
      if (Object.keys(changedAfter).length) {
        await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'challenge.updated', before: changedBefore, after: changedAfter });
      }
      return challenge;
    });
  }

  async publish(actor: User, idOrSlug: string): Promise<Challenge> {
    return this.transition(actor, idOrSlug, 'challenge.published', async (challenge, status, now) => {
      if (status !== 'draft') throw new ConflictError(`Only a draft can be published; this challenge is ${status}.`, 'not-draft');
      const problems = completenessProblems(challenge, now);
      if (problems.length) throw new ValidationFailedError(problems, 'The challenge is not ready to publish.');
      challenge.publishedAt = now;
    });
  }

  /** Closes the current phase's entry window early. */
  async close(actor: User, idOrSlug: string): Promise<Challenge> {
    return this.transition(actor, idOrSlug, 'challenge.closed-early', async (challenge, status, now, tx) => {
      if (status !== 'open') throw new ConflictError(`Only an open challenge can be closed early; this challenge is ${status}.`, 'not-open');
      challenge.currentPhase.closedEarlyAt = now;
      await tx.getRepository(Phase).update(challenge.currentPhase.id, { closedEarlyAt: now });
    });
  }

  /**
   * PATCH of one phase: its timeline while it has not closed, its rubric and fields until it has an entry.
   * The challenge must stay complete when published, and the phases in order.
   */
  async updatePhase(actor: User, idOrSlug: string, number: number, input: PhaseInputDto): Promise<Challenge> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.lockForManager(tx, actor, idOrSlug);
      const now = this.clock.now();
      const status = statusOf(challenge, now);
      if (FINAL.includes(status)) throw new ConflictError(`A challenge that is ${status} can no longer be changed.`, 'challenge-final');
      const phase = this.phaseOf(challenge, number);
      const timeline = input.opensAt !== undefined || input.closesAt !== undefined || input.judgingEndsAt !== undefined;
      if (timeline && challenge.publishedAt && !['upcoming', 'open'].includes(phaseStatusOf(phase, now))) {
        throw new ConflictError('The timeline of a phase can be changed only until it closes.', 'phase-closed');
      }
      if ((input.rubric || input.fields) && phase.firstEntryAt) {
        throw new ConflictError('The rubric and the entry form of a phase are frozen once it has an entry.', 'form-frozen');
      }
      const before = JSON.parse(JSON.stringify(phase)) as Record<string, unknown>;
      applyPhaseInput(phase, input);
      this.assertStillValid(challenge, now);
      challenge.updatedAt = now;
      await tx.getRepository(Phase).save(phase);
      await tx.getRepository(Challenge).update(challenge.id, { updatedAt: now });
      const [changedBefore, changedAfter] = difference(before, JSON.parse(JSON.stringify(phase)) as Record<string, unknown>);
      if (Object.keys(changedAfter).length) {
        await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'phase.updated', before: { phase: number, ...changedBefore }, after: { phase: number, ...changedAfter } });
      }
      return challenge;
    });
  }

  async cancel(actor: User, idOrSlug: string, reason?: string): Promise<Challenge> {
    return this.transition(actor, idOrSlug, 'challenge.cancelled', async (challenge, status, now) => {
      if (FINAL.includes(status)) throw new ConflictError(`A challenge that is ${status} cannot be cancelled.`, 'challenge-final');
      challenge.cancelledAt = now;
      challenge.cancelReason = reason || null;
    });
  }

  /** One challenge as `viewer` may see it; drafts and internal challenges are 404 to those who may not. */
  async getVisible(viewer: Viewer, idOrSlug: string): Promise<Challenge> {
    const challenge = await this.find(this.db.manager, idOrSlug);
    if (!challenge || !(await this.canSee(viewer, challenge))) throw new NotFoundError('challenge');
    return challenge;
  }

  /** Like getVisible, but only for the challenge's managers (and admins). */
  async getManaged(actor: User, idOrSlug: string): Promise<Challenge> {
    const challenge = await this.find(this.db.manager, idOrSlug);
    if (!challenge) throw new NotFoundError('challenge');
    await this.assertManager(this.db.manager, actor, challenge);
    return challenge;
  }

  async isManager(actor: Viewer, challengeId: string, db: EntityManager = this.db.manager): Promise<boolean> {
    if (!actor) return false;
    if (actor.hasRole('admin')) return true;
    return (await db.getRepository(ChallengeManager).countBy({ challengeId, userId: actor.id })) > 0;
  }

  /** Throws 404 to those who cannot see the challenge at all, 403 to those who see it but do not manage it. */
  async assertManager(db: EntityManager, actor: User, challenge: Challenge): Promise<void> {
    if (await this.isManager(actor, challenge.id, db)) return;
    if (await this.canSee(actor, challenge, db)) throw new NotAllowedError('Only this challenge\'s managers can do this.');
    throw new NotFoundError('challenge');
  }

  /**
   * Public and internal visibility: internal challenges exist only for verified users of an allowed domain.
   * Inside a transaction pass its manager: the embedded database runs one connection at a time.
   */
  async canSee(viewer: Viewer, challenge: Challenge, db: EntityManager = this.db.manager): Promise<boolean> {
    if (challenge.publishedAt && (challenge.visibility === 'public' || this.inAllowedDomain(viewer, challenge))) return true;
    return this.isManager(viewer, challenge.id, db);
  }

  inAllowedDomain(viewer: Viewer, challenge: Challenge): boolean {
    return !!viewer && viewer.emailVerifiedAt !== null && challenge.allowedEmailDomains.includes(viewer.emailDomain);
  }

  /** Anonymous list reads are the hot path of the public site: served from a 2-second cache. */
  async list(viewer: Viewer, query: ListChallengesQuery): Promise<Page<Challenge>> {
    if (viewer) return this.listUncached(viewer, query);
    const key = JSON.stringify([query.page, query.pageSize, query.status, query.q, query.agency, query.sort]);
    return this.publicCache.get(key, () => this.listUncached(null, query));
  }

  private async listUncached(viewer: Viewer, query: ListChallengesQuery): Promise<Page<Challenge>> {
    const now = this.clock.now();
    const builder = this.db
      .getRepository(Challenge)
      .createQueryBuilder('c')
      .innerJoin('current_phases', 'cp', 'cp.challenge_id = c.id')
      .innerJoin(Phase, 'p', 'p.id = cp.phase_id')
      .where('c.published_at IS NOT NULL AND c.cancelled_at IS NULL')
      .setParameter('now', now);
    if (!viewer?.hasRole('admin')) {
      const domain = viewer?.emailVerifiedAt ? viewer.emailDomain : '';
      builder.andWhere(`(c.visibility = 'public' OR :domain = ANY(c.allowed_email_domains))`, { domain });
    }
    if (query.status) builder.andWhere(`challenge_status(c, p, :now) = :status`, { status: query.status });
    if (query.agency) builder.andWhere('lower(c.agency) = lower(:agency)', { agency: query.agency });
    if (query.q) {
      const words = query.q.split(/\s+/).filter(Boolean).slice(0, 8);
      words.forEach((word, i) => {
        builder.andWhere(`(c.title ILIKE :w${i} OR c.tagline ILIKE :w${i} OR c.description ILIKE :w${i} OR c.agency ILIKE :w${i})`, {
          [`w${i}`]: `%${word.replace(/[\\%_]/g, '\\$&')}%`,
        });
      });
    }
    if (query.sort === 'closing') {
      builder.orderBy(`CASE WHEN p.closes_at > :now AND p.closed_early_at IS NULL THEN 0 ELSE 1 END`).addOrderBy('p.closes_at', 'ASC');
    } else if (query.sort === 'prize') {
      builder.orderBy('c.prize_amount', 'DESC', 'NULLS LAST');
    } else {
      builder.orderBy('c.published_at', 'DESC');
    }
    builder.addOrderBy('c.id', 'ASC');
    // offset/limit, not skip/take: the joins are one row per challenge, so no DISTINCT subquery is needed.
    const [items, total] = await builder.offset(query.offset).limit(query.pageSize).getManyAndCount();
    return pageOf(await this.reader.withPhases(this.db.manager, items), total, query);
  }

  async agencies(): Promise<string[]> {
    return this.agencyCache.get('all', () => this.loadAgencies());
  }

  private async loadAgencies(): Promise<string[]> {
    const rows: { agency: string }[] = await this.db.query(
      `SELECT DISTINCT agency FROM challenges WHERE published_at IS NOT NULL AND cancelled_at IS NULL AND visibility = 'public' AND agency <> '' ORDER BY agency`,
    );
    return rows.map((row) => row.agency);
  }

  async listManaged(actor: User): Promise<ManagedChallenge[]> {
    const now = this.clock.now();
    const rows = await this.db
      .getRepository(Challenge)
      .createQueryBuilder('c')
      .innerJoin(ChallengeManager, 'm', 'm.challenge_id = c.id AND m.user_id = :userId', { userId: actor.id })
      .addSelect('m.role', 'role')
      .orderBy('c.updated_at', 'DESC')
      .getRawAndEntities();
    await this.reader.withPhases(this.db.manager, rows.entities);
    return rows.entities.map((challenge, i) => ({ challenge, status: statusOf(challenge, now), role: rows.raw[i].role as string }));
  }

  async managers(actor: User, idOrSlug: string): Promise<ManagerView[]> {
    const challenge = await this.getManaged(actor, idOrSlug);
    const managers = await this.db.getRepository(ChallengeManager).find({ where: { challengeId: challenge.id }, order: { role: 'DESC', addedAt: 'ASC' } });
    const users = await this.users.byIds(this.db.manager, managers.map((m) => m.userId));
    return managers.map((m) => ({ userId: m.userId, name: users.get(m.userId)!.name, email: users.get(m.userId)!.email, role: m.role, addedAt: m.addedAt.toISOString() }));
  }

  /** The owner (or an admin) adds a co-manager by the email address of an existing account. */
  async addManager(actor: User, idOrSlug: string, email: string): Promise<ManagerView[]> {
    await this.db.transaction(async (tx) => {
      const challenge = await this.lockForManager(tx, actor, idOrSlug);
      this.assertOwner(actor, challenge);
      const user = await this.users.byEmail(tx, email);
      if (!user) throw ValidationFailedError.field('email', 'has no Laurel account yet; ask them to sign up first');
      const added = await tx.query(
        `INSERT INTO challenge_managers (challenge_id, user_id, role, added_at) VALUES ($1, $2, 'co-manager', $3)
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [challenge.id, user.id, this.clock.now()],
      );
      if (added.length) {
        await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'manager.added', after: { userId: user.id, email: user.email } });
      }
    });
    return this.managers(actor, idOrSlug);
  }

  async removeManager(actor: User, idOrSlug: string, userId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const challenge = await this.lockForManager(tx, actor, idOrSlug);
      this.assertOwner(actor, challenge);
      if (userId === challenge.ownerId) throw new ConflictError('The owner cannot be removed from a challenge.', 'owner');
      const removed = await tx.getRepository(ChallengeManager).delete({ challengeId: challenge.id, userId, role: 'co-manager' });
      if (!removed.affected) throw new NotFoundError('manager');
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'manager.removed', before: { userId } });
    });
  }

  async auditLog(actor: User, idOrSlug: string): Promise<AuditEntryView[]> {
    const challenge = await this.getManaged(actor, idOrSlug);
    return this.audit.forChallenge(this.db.manager, challenge.id);
  }

  /** Locks the challenge row for the rest of the transaction, after checking the actor manages it. */
  async lockForManager(tx: EntityManager, actor: User, idOrSlug: string): Promise<Challenge> {
    const challenge = await this.find(tx, idOrSlug, true);
    if (!challenge) throw new NotFoundError('challenge');
    await this.assertManager(tx, actor, challenge);
    return challenge;
  }

  private assertOwner(actor: User, challenge: Challenge): void {
    if (challenge.ownerId !== actor.id && !actor.hasRole('admin')) throw new NotAllowedError('Only the challenge\'s owner can change its managers.');
  }

  private async transition(
    actor: User,
    idOrSlug: string,
    action: string,
    change: (challenge: Challenge, status: ChallengeStatus, now: Date, tx: EntityManager) => Promise<void>,
  ): Promise<Challenge> {
    return this.db.transaction(async (tx) => {
      const challenge = await this.lockForManager(tx, actor, idOrSlug);
      const now = this.clock.now();
      const before = statusOf(challenge, now);
      await change(challenge, before, now, tx);
      challenge.updatedAt = now;
      await tx.getRepository(Challenge).save(challenge);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action, before: { status: before }, after: { status: statusOf(challenge, now) } });
      return challenge;
    });
  }

  /** A challenge with its phases, by id, for other modules (no visibility check: callers have done theirs). */
  async byId(db: EntityManager, id: string, lock = false): Promise<Challenge> {
    const challenge = await this.reader.one(db, 'id', id, lock);
    if (!challenge) throw new NotFoundError('challenge');
    return challenge;
  }

  async byIds(db: EntityManager, ids: string[]): Promise<Map<string, Challenge>> {
    const challenges = ids.length ? await this.reader.withPhases(db, await db.getRepository(Challenge).findBy(ids.map((id) => ({ id })))) : [];
    return new Map(challenges.map((c) => [c.id, c]));
  }

  /** Phase `number` of a challenge (the current one when absent); 404 when it has no such phase. */
  phaseOf(challenge: Challenge, number?: number): Phase {
    const phase = number === undefined ? challenge.currentPhase : challenge.phases.find((p) => p.number === number);
    if (!phase) throw new NotFoundError('phase');
    return phase;
  }

  /** The phase after `phase`, or null for the last. */
  nextPhase(challenge: Challenge, phase: Phase): Phase | null {
    return challenge.phases.find((p) => p.number === phase.number + 1) ?? null;
  }

  async markJudgingStarted(tx: EntityManager, phase: Phase, seed: number, now: Date): Promise<void> {
    Object.assign(phase, { judgingStartedAt: now, assignmentSeed: seed });
    await tx.getRepository(Phase).update(phase.id, { judgingStartedAt: now, assignmentSeed: seed });
  }

  /** The phase's outcome is settled (entries advanced); the next phase becomes the current one. */
  async markDecided(tx: EntityManager, phase: Phase, now: Date): Promise<void> {
    phase.decidedAt = now;
    await tx.getRepository(Phase).update(phase.id, { decidedAt: now });
  }

  /** The winners are announced: the challenge is announced and its last phase decided. */
  async markAnnounced(tx: EntityManager, challenge: Challenge, now: Date): Promise<void> {
    challenge.announcedAt = now;
    await tx.getRepository(Challenge).update(challenge.id, { announcedAt: now, updatedAt: now });
    await this.markDecided(tx, challenge.finalPhase, now);
  }

  /**
   * A CTE for the entry statement (`firstEntrySql('$12', '$9', 'entry')`): marks the phase's first entry, which
   * freezes its form and rubric. Kept here because this module owns the phases table.
   */
  static firstEntrySql(phaseParam: string, nowParam: string, entryCte: string): string {
    return `UPDATE challenge_phases SET first_entry_at = ${nowParam} WHERE id = ${phaseParam} AND first_entry_at IS NULL AND EXISTS (SELECT 1 FROM ${entryCte})`;
  }

  private assertStillValid(challenge: Challenge, now: Date): void {
    if (challenge.publishedAt) {
      const problems = completenessProblems(challenge, now);
      if (problems.length) throw new ValidationFailedError(problems, 'A published challenge must stay complete.');
    } else {
      const problems = phaseProblems(challenge.phases, now, false);
      if (problems.length) throw new ValidationFailedError(problems);
    }
  }

  private assertPhasesInOrder(challenge: Challenge): void {
    const problems = phaseProblems(challenge.phases, this.clock.now(), false);
    if (problems.length) throw new ValidationFailedError(problems);
  }

  private async insertPhases(tx: EntityManager, challenge: Challenge): Promise<void> {
    for (const phase of challenge.phases) phase.challengeId = challenge.id;
    await tx.getRepository(Phase).insert(challenge.phases);
  }

  private find(db: EntityManager, idOrSlug: string, lock = false): Promise<Challenge | null> {
    return isId(idOrSlug) ? this.reader.one(db, 'id', idOrSlug, lock) : this.reader.one(db, 'slug', idOrSlug.toLowerCase(), lock);
  }
}

function applyInput(challenge: Challenge, input: ChallengeInputDto): void {
  const assign = <K extends keyof Challenge>(key: K, value: Challenge[K] | undefined) => {
    if (value !== undefined) challenge[key] = value;
  };
  assign('title', input.title);
  assign('tagline', input.tagline);
  assign('description', input.description);
  assign('agency', input.agency);
  assign('rules', input.rules);
  assign('eligibility', input.eligibility);
  assign('faq', input.faq);
  if (input.prizeTotal) {
    challenge.prizeAmount = normalizeAmount(input.prizeTotal.amount);
    challenge.prizeCurrency = input.prizeTotal.currency;
  }
  assign('timeZone', input.timeZone);
  assign('winnersCount', input.winnersCount);
  assign('blindJudging', input.blindJudging);
  assign('maxSubmissionsPerSolver', input.maxSubmissionsPerSolver);
  assign('visibility', input.visibility);
  assign('allowedEmailDomains', input.allowedEmailDomains ? [...new Set(input.allowedEmailDomains)] : undefined);
  if (input.phases) {
    challenge.phases = input.phases.map((phaseInput, index) => applyPhaseInput(newPhase(index + 1), phaseInput));
  } else {
    applyPhaseInput(challenge.currentPhase, input);
  }
}

/** A phase's facts from the input; absent properties keep their value. */
function applyPhaseInput(phase: Phase, input: PhaseInputDto): Phase {
  const assign = <K extends keyof Phase>(key: K, value: Phase[K] | undefined) => {
    if (value !== undefined) phase[key] = value;
  };
  assign('name', input.name);
  assign('opensAt', input.opensAt ? new Date(input.opensAt) : undefined);
  assign('closesAt', input.closesAt ? new Date(input.closesAt) : undefined);
  assign('judgingEndsAt', input.judgingEndsAt ? new Date(input.judgingEndsAt) : undefined);
  assign('judgesPerSubmission', input.judgesPerSubmission);
  assign('advanceCount', input.advanceCount);
  assign('rubric', input.rubric?.map((c) => ({ key: c.key, name: c.name, description: c.description, weight: c.weight, maxScore: c.maxScore })));
  assign('fields', input.fields?.map((f) => Object.fromEntries(Object.entries({ ...f }).filter(([, v]) => v !== undefined)) as unknown as FormField));
  return phase;
}

function newPhase(number: number): Phase {
  return Object.assign(new Phase(), {
    id: randomUUID(),
    number,
    name: number === 1 ? 'Entries' : `Round ${number}`,
    opensAt: null,
    closesAt: null,
    judgingEndsAt: null,
    rubric: [],
    fields: [],
    judgesPerSubmission: 3,
    advanceCount: null,
    closedEarlyAt: null,
    judgingStartedAt: null,
    assignmentSeed: null,
    firstEntryAt: null,
    decidedAt: null,
  });
}

/** The editable properties as plain JSON, for the audit log. */
function snapshot(challenge: Challenge): Record<string, unknown> {
  const { id: _id, ownerId: _owner, createdAt: _created, updatedAt: _updated, ...rest } = challenge;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

function difference(before: Record<string, unknown>, after: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const changed = Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  return [Object.fromEntries(changed.map((k) => [k, before[k]])), Object.fromEntries(changed.map((k) => [k, after[k]]))];
}
