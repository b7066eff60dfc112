import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { User } from '../auth/user.entity';
import { phaseStatusIn } from '../challenges/challenge-status';
import type { Challenge, FormField } from '../challenges/challenge.entity';
import type { Phase } from '../challenges/phase.entity';
import { ChallengesService, type Viewer } from '../challenges/challenges.service';
import { AuditService } from '../common/audit/audit.service';
import { Clock } from '../common/clock';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  UnsupportedMediaTypeError,
  ValidationFailedError,
  type FieldError,
} from '../common/errors/domain-errors';
import { formatDateTime } from '../common/format';
import { pageOf, type Page, type PageQuery } from '../common/pagination';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/postgres-errors';
import { preparedQuery } from '../database/prepared-query';
import { OutboxService, type MessageRequest } from '../notifications/outbox.service';
import { checkAnswers, type Answers, type FileAnswer } from './answers';
import { judgeFileName, judgeMaySee } from './blind-judging';
import { sanitizeFileName, sniffContentType } from './content-sniffer';
import { authorInMetadata } from './file-metadata';
import { FileStorage, type StoredContent } from './file-storage';
import { IncomingFiles, withFileSource, type IncomingFile } from './incoming-files';
import type { EntryBody } from './submission-request';
import { SubmissionFile } from './submission-file.entity';
import { Submission, type SubmissionStatus } from './submission.entity';

/** A file part of an entry, received into a temporary file for one of the form's file fields, within its maxBytes. */
export interface ReceivedUpload extends IncomingFile {
  field: FormField;
  originalName: string;
}

export interface SubmissionInput {
  title?: string;
  answers: Record<string, unknown>;
  submit: boolean;
  uploads: ReceivedUpload[];
}

/** An upload that passed its checks and waits to be stored inside the transaction. */
interface CheckedUpload {
  field: FormField;
  file: SubmissionFile;
  path: string;
}

export interface Contributor {
  id: string;
  title: string;
  receipt: string | null;
  status: SubmissionStatus;
  ineligible: boolean;
  email: string;
  name: string;
}

export interface EntryRow {
  submission: Submission;
  solverName: string;
  solverEmail: string;
  /** Some file of the entry names an author in its metadata (see file-metadata.ts). */
  authorInFiles: boolean;
}

/** How a reader may see an entry: its solver, the challenge's managers, or a judge assigned to it. */
export type EntryRole = 'solver' | 'manager' | 'judge';

/** Lets a higher module (judging) grant read access to entries without this module depending on it. */
export type EntryReader = (actor: User, submission: Submission, laterEntryIds: string[]) => Promise<boolean>;

export interface EntriesQuery extends PageQuery {
  status?: SubmissionStatus | 'ineligible';
  q?: string;
  phase?: number;
}

export const TITLE_MAX = 200;

/** An entry judging counts, ranks and may advance: submitted and not found ineligible (SQL on alias `s`). */
const ELIGIBLE = `s.status = 'submitted' AND s.ineligible_at IS NULL`;

/** An entrant who hears a phase's outcome: a submitted entry, or a withdrawn one that had a receipt (alias `s`). */
const CONTRIBUTOR = `(s.status = 'submitted' OR (s.status = 'withdrawn' AND s.receipt IS NOT NULL))`;

/** Receipts read like CWS-2026-000123: the challenge's initials, the year, a platform-wide sequence number. */
function receiptPrefix(challenge: Challenge, now: Date): string {
  const initials = challenge.slug.split('-').filter(Boolean).map((word) => word[0]).join('').toUpperCase().replace(/[^A-Z]/g, '');
  return `${(initials + 'XXX').slice(0, 3)}-${now.getUTCFullYear()}-`;
}

/** The number part of a receipt, from `n`: six digits, more once the sequence outgrows them. */
const RECEIPT_NUMBER_SQL = `CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END`;

/**
 * A new entry as one statement (see `insertEntry`). $1 entry id, $2 challenge, $3 solver, $4 title, $5 answers,
 * $6 status, $7 receipt prefix, $8 slots per solver, $9 now, $10 receipt message records, $11 file rows, $12 phase,
 * $13 the solver's entry that advanced from the phase before (or null).
 */
const INSERT_ENTRY_SQL = `WITH state AS (SELECT challenge_status(c, p, $9::timestamptz) AS status FROM challenges c JOIN challenge_phases p ON p.id = $12 WHERE c.id = $2),
   taken AS (SELECT slot FROM submissions WHERE phase_id = $12 AND solver_id = $3 AND slot IS NOT NULL),
   free AS (
     SELECT min(candidate) AS slot FROM (SELECT 1 AS candidate UNION ALL SELECT slot + 1 FROM taken) candidates
     WHERE candidate <= $8 AND candidate NOT IN (SELECT slot FROM taken) AND (SELECT status FROM state) = 'open'),
   receipt AS (SELECT nextval('submission_receipt_seq') AS n WHERE $6::text = 'submitted' AND EXISTS (SELECT 1 FROM free WHERE slot IS NOT NULL)),
   entry AS (
     INSERT INTO submissions (id, challenge_id, phase_id, previous_submission_id, solver_id, title, answers, status, slot, receipt, submitted_at, created_at, updated_at)
     SELECT $1, $2, $12, $13, $3, $4, $5, $6, free.slot, (SELECT $7 || ${RECEIPT_NUMBER_SQL} FROM receipt),
            CASE WHEN $6::text = 'submitted' THEN $9::timestamptz END, $9, $9
     FROM free WHERE free.slot IS NOT NULL
     RETURNING slot, receipt),
   files AS (
     INSERT INTO submission_files (id, submission_id, field_key, name, content_type, size, sha256, author_in_metadata, storage_key, created_at)
     SELECT f.id, $1, f.field_key, f.name, f.content_type, f.size, f.sha256, f.author_in_metadata, f.storage_key, $9
     FROM jsonb_to_recordset($11::jsonb) AS f(id uuid, field_key text, name text, content_type text, size int, sha256 text, author_in_metadata text, storage_key text)
     WHERE EXISTS (SELECT 1 FROM entry)),
   source AS (
     SELECT m.dedupe_key, m.template, m.recipient, jsonb_set(m.data, '{receipt}', to_jsonb(entry.receipt)) AS data, m.message_id
     FROM ${OutboxService.recordsSql('$10')} CROSS JOIN entry),
   ${OutboxService.writeSql('source')},
   first_entry AS (${ChallengesService.firstEntrySql('$12', '$9', 'entry')})
   SELECT state.status, entry.slot, entry.receipt FROM state LEFT JOIN entry ON true`;

@Injectable()
export class SubmissionsService {
  private readonly judgeReaders: EntryReader[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly challenges: ChallengesService,
    private readonly outbox: OutboxService,
    private readonly storage: FileStorage,
    private readonly incoming: IncomingFiles,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A solver's new entry (or draft). The body is read only after the actor may enter the challenge, under its form's
   * limits; everything is checked before anything is written, files included.
   */
  async create(actor: User, challengeIdOrSlug: string, body: EntryBody): Promise<Submission> {
    this.assertVerified(actor);
    const challenge = await this.challenges.getVisible(actor, challengeIdOrSlug);
    this.assertEntrant(actor, challenge);
    const phase = challenge.currentPhase;
    this.assertOpen(challenge, phase);
    const previous = await this.entryRefusalOrPrevious(actor, challenge, phase);
    const input = await body(phase.fields, this.incoming);
    try {
      const uploads = await this.checkUploads(challenge, input.uploads);
      const { title, answers } = this.checkedEntry(phase, input.title, true, input.answers, uploads, {}, input.submit);
      return await this.writeWithFiles(uploads, () => this.insertEntry(challenge, phase, previous, actor, title ?? '', answers, input.submit ?? false, uploads));
    } finally {
      await this.incoming.discard(input.uploads.map((u) => u.path));
    }
  }

  /**
   * Who may enter a phase: anyone (who may enter the challenge) in the first; in a later one, only solvers whose
   * entry advanced from the phase before (403 with the reason for anyone else). Returns that earlier entry's id.
   */
  private async entryRefusalOrPrevious(actor: User, challenge: Challenge, phase: Phase): Promise<string | null> {
    if (phase.number === 1) return null;
    const before = challenge.phases[phase.number - 2];
    const earlier = await this.advancedEntryOf(actor.id, before);
    if (!earlier) throw new NotAllowedError(onlyAdvanced(before, phase));
    return earlier.id;
  }

  /** Why `actor` may not enter the challenge's current phase, or null when they may. */
  async entryRefusal(actor: User, challenge: Challenge): Promise<string | null> {
    const phase = challenge.currentPhase;
    if (phase.number === 1) return null;
    const before = challenge.phases[phase.number - 2];
    return (await this.advancedEntryOf(actor.id, before)) ? null : onlyAdvanced(before, phase);
  }

  /** In a later phase: the actor's entry that advanced from the phase before, shown beside the new entry form. */
  async earlierEntryFor(actor: User, challenge: Challenge): Promise<{ submission: Submission; phase: Phase } | null> {
    const phase = challenge.currentPhase;
    if (phase.number === 1) return null;
    const before = challenge.phases[phase.number - 2];
    const submission = await this.advancedEntryOf(actor.id, before);
    return submission ? { submission, phase: before } : null;
  }

  /** The solver's entry that advanced from `phase`, if any. */
  async advancedEntryOf(solverId: string, phase: Phase): Promise<Submission | null> {
    return this.db.getRepository(Submission).findOneBy({ phaseId: phase.id, solverId, status: 'submitted', advancedAt: Not(IsNull()) });
  }

  /**
   * The whole entry as one statement, so it is atomic without a transaction around it: the open window judged by
   * fresh challenge state and the clock at that moment, the solver's first free slot (1, or one past a taken slot:
   * the lowest such not taken), the receipt number (entries only), the row, its files, its receipt message and
   * that message's delivery job. No row means the window closed or every slot is taken; two racing requests for
   * the same slot meet the unique key instead (also 409).
   */
  private async insertEntry(
    challenge: Challenge,
    phase: Phase,
    previousSubmissionId: string | null,
    solver: User,
    title: string,
    answers: Answers,
    submit: boolean,
    uploads: CheckedUpload[],
  ): Promise<Submission> {
    const now = this.clock.now();
    const submission = Object.assign(new Submission(), {
      id: randomUUID(),
      challengeId: challenge.id,
      phaseId: phase.id,
      previousSubmissionId,
      advancedAt: null,
      solverId: solver.id,
      title,
      answers,
      status: submit ? 'submitted' : 'draft',
      slot: null,
      receipt: null,
      submittedAt: submit ? now : null,
      withdrawnAt: null,
      ineligibleAt: null,
      ineligibleReason: null,
      createdAt: now,
      updatedAt: now,
    });
    const receiptMessages = submit ? this.outbox.records([this.receiptMessage(submission, challenge, phase, solver, now)]) : [];
    const files = uploads.map(({ file }) => ({
      id: file.id,
      field_key: file.fieldKey,
      name: file.name,
      content_type: file.contentType,
      size: file.size,
      sha256: file.sha256,
      author_in_metadata: file.authorInMetadata,
      storage_key: file.storageKey,
    }));
    const [written] = await preparedQuery<{ status: string; slot: number | null; receipt: string | null }>(
      this.db,
      INSERT_ENTRY_SQL,
      [
        submission.id,
        challenge.id,
        solver.id,
        title,
        JSON.stringify(answers),
        submission.status,
        receiptPrefix(challenge, now),
        challenge.maxSubmissionsPerSolver,
        now,
        JSON.stringify(receiptMessages),
        JSON.stringify(files),
        phase.id,
        previousSubmissionId,
      ],
    );
    if (written.slot === null) {
      throw written.status === 'open' ? this.limitReached(challenge) : this.notOpen(written.status);
    }
    return Object.assign(submission, { slot: written.slot, receipt: written.receipt });
  }

  /** The solver edits its entry while the challenge is open; the receipt stays. `submit` turns a draft into an entry. */
  async update(actor: User, submissionId: string, body: EntryBody): Promise<Submission> {
    const current = await this.ownEntry(actor, submissionId, 'change');
    const phase = this.phaseOfEntry(current.challenge, current.submission);
    this.assertOpen(current.challenge, phase);
    const input = await body(phase.fields, this.incoming);
    try {
      return await this.updateWith(actor, current, phase, input);
    } finally {
      await this.incoming.discard(input.uploads.map((u) => u.path));
    }
  }

  private async updateWith(actor: User, current: { submission: Submission; challenge: Challenge }, phase: Phase, input: SubmissionInput): Promise<Submission> {
    const { challenge } = current;
    const submissionId = current.submission.id;
    const uploads = await this.checkUploads(challenge, input.uploads);
    const submitting = input.submit || current.submission.status === 'submitted';
    const keptFiles = Object.fromEntries(
      Object.entries(current.submission.answers).filter(([key, value]) => typeof value === 'object' && !uploads.some((u) => u.field.key === key)),
    ) as Record<string, FileAnswer>;
    const keptAnswers = Object.fromEntries(Object.entries(current.submission.answers).filter(([, value]) => typeof value !== 'object'));
    const { title, answers } = this.checkedEntry(phase, input.title, false, { ...keptAnswers, ...input.answers }, uploads, keptFiles, submitting);

    const replaced: string[] = [];
    const updated = await this.writeWithFiles(uploads, () => this.db.transaction(async (tx) => {
      const submission = await tx.getRepository(Submission).createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :id', { id: submissionId }).getOneOrFail();
      if (submission.status === 'withdrawn') throw new ConflictError('A withdrawn entry cannot be changed.', 'withdrawn');
      const now = this.clock.now();
      for (const upload of uploads) {
        const old = await tx.getRepository(SubmissionFile).findOneBy({ submissionId, fieldKey: upload.field.key });
        if (old) {
          replaced.push(old.storageKey);
          await tx.getRepository(SubmissionFile).delete(old.id);
        }
      }
      submission.title = title ?? submission.title;
      submission.answers = answers;
      submission.updatedAt = now;
      if (input.submit && submission.status === 'draft') await this.markSubmitted(tx, submission, challenge, phase, actor, now);
      await tx.getRepository(Submission).save(submission);
      for (const { file } of uploads) await tx.getRepository(SubmissionFile).insert({ ...file, submissionId });
      await this.assertStillOpen(tx, challenge.id, phase.id);
      return submission;
    }));
    await Promise.all(replaced.map((key) => this.storage.remove(key)));
    return updated;
  }

  async withdraw(actor: User, submissionId: string): Promise<Submission> {
    const { challenge, submission: entry } = await this.ownEntry(actor, submissionId, 'withdraw');
    this.assertOpen(challenge, this.phaseOfEntry(challenge, entry));
    return this.db.transaction(async (tx) => {
      const submission = await tx.getRepository(Submission).createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :id', { id: submissionId }).getOneOrFail();
      if (submission.status === 'withdrawn') throw new ConflictError('This entry is already withdrawn.', 'withdrawn');
      const wasSubmitted = submission.status === 'submitted';
      const now = this.clock.now();
      Object.assign(submission, { status: 'withdrawn', slot: null, withdrawnAt: now, updatedAt: now });
      await tx.getRepository(Submission).save(submission);
      if (wasSubmitted) {
        await this.outbox.enqueue(tx, [
          {
            template: 'submission-withdrawn',
            to: actor.email,
            dedupeKey: `submission-withdrawn:${submission.id}`,
            data: { name: actor.name, challengeTitle: challenge.title, receipt: submission.receipt, withdrawnAt: formatDateTime(now, challenge.timeZone), link: `${this.config.publicUrl}/challenges/${challenge.slug}` },
          },
        ]);
      }
      return submission;
    });
  }

  registerJudgeReader(reader: EntryReader): void {
    this.judgeReaders.push(reader);
  }

  /** An entry with its challenge, for its solver, the challenge's managers or an assigned judge; 404 for everyone else. */
  async readable(actor: Viewer, submissionId: string): Promise<{ submission: Submission; challenge: Challenge; asManager: boolean; role: EntryRole }> {
    const submission = await this.db.getRepository(Submission).findOneBy({ id: submissionId });
    if (!submission || !actor) throw new NotFoundError('entry');
    const challenge = await this.challenges.byId(this.db.manager, submission.challengeId);
    if (submission.solverId === actor.id) return { submission, challenge, asManager: false, role: 'solver' };
    if (await this.challenges.isManager(actor, challenge.id)) return { submission, challenge, asManager: true, role: 'manager' };
    // A later phase's judges read the entry it advanced from.
    const later = await this.db.getRepository(Submission).find({ select: { id: true }, where: { previousSubmissionId: submission.id } });
    for (const reader of this.judgeReaders) {
      if (await reader(actor, submission, later.map((s) => s.id))) return { submission, challenge, asManager: false, role: 'judge' };
    }
    throw new NotFoundError('entry');
  }

  /** An entry its solver may change or withdraw: hidden (404) from those who may not read it, refused (403) to other readers. */
  async ownEntry(actor: User, submissionId: string, action: 'change' | 'withdraw'): Promise<{ submission: Submission; challenge: Challenge }> {
    const entry = await this.readable(actor, submissionId);
    if (entry.role !== 'solver') throw new NotAllowedError(`Only the solver who wrote an entry can ${action} it.`);
    return entry;
  }

  /** Who wrote an entry; callers show it only to the challenge's managers. */
  async solverOf(submission: Submission): Promise<{ name: string; email: string }> {
    const { name, email } = await this.db.getRepository(User).findOneByOrFail({ id: submission.solverId });
    return { name, email };
  }

  /**
   * Locks an entry's row until `tx` ends. Whoever changes who judges an entry takes this lock before that entry's
   * assignment rows, so two recusals or reassignments of one entry queue instead of picking the same judge.
   * NO KEY UPDATE: rows that merely reference the entry (new assignments, scorecards) are not held up by it.
   */
  /** A phase's submitted, eligible entries, in the order they came in: what judging assigns and ranks. */
  async eligibleEntries(db: EntityManager, phaseId: string): Promise<{ id: string; title: string; solverId: string; submittedAt: Date }[]> {
    return db.query(
      `SELECT s.id, s.title, s.solver_id AS "solverId", s.submitted_at AS "submittedAt" FROM submissions s
       WHERE s.phase_id = $1 AND ${ELIGIBLE} ORDER BY s.submitted_at, s.id`,
      [phaseId],
    );
  }

  async hasSubmittedEntry(db: EntityManager, challengeId: string, solverId: string): Promise<boolean> {
    return db.getRepository(Submission).existsBy({ challengeId, solverId, status: 'submitted' });
  }

  async entryOf(db: EntityManager, challengeId: string, submissionId: string): Promise<Submission | null> {
    return db.getRepository(Submission).findOneBy({ id: submissionId, challengeId });
  }

  /** Entries with their files, for views that show several at once (a judge's queue). */
  async entriesWithFiles(db: EntityManager, ids: string[]): Promise<{ entries: Submission[]; files: SubmissionFile[] }> {
    if (!ids.length) return { entries: [], files: [] };
    const entries = await db.getRepository(Submission).findBy({ id: In(ids) });
    return { entries, files: await db.getRepository(SubmissionFile).findBy({ submissionId: In(ids) }) };
  }

  async lockForJudging(tx: EntityManager, submissionId: string): Promise<void> {
    await tx.getRepository(Submission).createQueryBuilder('s').setLock('for_no_key_update').where('s.id = :id', { id: submissionId }).getOne();
  }

  async filesOf(submissionId: string): Promise<SubmissionFile[]> {
    return this.db.getRepository(SubmissionFile).find({ where: { submissionId }, order: { fieldKey: 'ASC' } });
  }

  /** A file of an entry, for those who may read the entry; judges get it as a numbered attachment, never an identifying one. */
  async file(actor: Viewer, submissionId: string, fileId: string): Promise<{ file: SubmissionFile; content: StoredContent; downloadName: string }> {
    const { role, challenge, submission } = await this.readable(actor, submissionId);
    const form = this.phaseOfEntry(challenge, submission);
    const file = await this.db.getRepository(SubmissionFile).findOneBy({ id: fileId, submissionId });
    if (!file || (role === 'judge' && !judgeMaySee(form, file.fieldKey))) throw new NotFoundError('file');
    const downloadName = role === 'judge' ? judgeFileName(form, file.fieldKey, file.contentType) : file.name;
    return { file, content: await this.storage.open(file.storageKey), downloadName };
  }

  async listMine(actor: User): Promise<{ submission: Submission; challenge: Challenge }[]> {
    const submissions = await this.db.getRepository(Submission).find({ where: { solverId: actor.id }, order: { updatedAt: 'DESC' } });
    const byId = await this.challenges.byIds(this.db.manager, [...new Set(submissions.map((s) => s.challengeId))]);
    return submissions.map((submission) => ({ submission, challenge: byId.get(submission.challengeId)! }));
  }

  /** The managers' table of a challenge's entries, with counts per status. */
  /** The managers' table of one phase's entries (the current phase by default), with counts per status. */
  async listForChallenge(actor: User, challengeIdOrSlug: string, query: EntriesQuery): Promise<{ challenge: Challenge; phase: Phase; page: Page<EntryRow>; counts: Record<string, number> }> {
    const challenge = await this.challenges.getManaged(actor, challengeIdOrSlug);
    const phase = this.challenges.phaseOf(challenge, query.phase);
    const builder = this.entriesQuery(challenge.id)
      .andWhere('s.phase_id = :phaseId', { phaseId: phase.id })
      .addSelect('EXISTS (SELECT 1 FROM submission_files f WHERE f.submission_id = s.id AND f.author_in_metadata IS NOT NULL)', 'author_in_files');
    if (query.status === 'ineligible') builder.andWhere('s.ineligible_at IS NOT NULL');
    else if (query.status) builder.andWhere('s.status = :status AND s.ineligible_at IS NULL', { status: query.status });
    if (query.q) builder.andWhere('(s.title ILIKE :q OR s.receipt ILIKE :q OR u.name ILIKE :q OR u.email ILIKE :q)', { q: `%${query.q.replace(/[\\%_]/g, '\\$&')}%` });
    const total = await builder.getCount();
    const { entities, raw } = await builder.orderBy('s.submitted_at', 'DESC', 'NULLS LAST').addOrderBy('s.created_at', 'DESC').offset(query.offset).limit(query.pageSize).getRawAndEntities();
    const countRows: { status: string; n: number }[] = await this.db.query(
      `SELECT CASE WHEN ineligible_at IS NOT NULL THEN 'ineligible' ELSE status END AS status, count(*)::int AS n
       FROM submissions WHERE phase_id = $1 GROUP BY 1`,
      [phase.id],
    );
    const counts = { draft: 0, submitted: 0, withdrawn: 0, ineligible: 0, ...Object.fromEntries(countRows.map((r) => [r.status, r.n])) };
    const rows = entities.map((submission, i) => ({ submission, solverName: raw[i].solver_name as string, solverEmail: raw[i].solver_email as string, authorInFiles: raw[i].author_in_files === true }));
    return { challenge, phase, page: pageOf(rows, total, query), counts };
  }

  /**
   * Every entry of every phase as one CSV row: one column per field (of all phases, each key once), then the
   * entry's phase number; cells that a spreadsheet would run as a formula are escaped.
   */
  async exportCsv(actor: User, challengeIdOrSlug: string): Promise<{ challenge: Challenge; csv: string }> {
    const challenge = await this.challenges.getManaged(actor, challengeIdOrSlug);
    const { entities, raw } = await this.entriesQuery(challenge.id).orderBy('s.submitted_at', 'ASC', 'NULLS LAST').getRawAndEntities();
    const fields = [...new Map(challenge.phases.flatMap((p) => p.fields).map((f) => [f.key, f])).values()];
    const phaseNumber = new Map(challenge.phases.map((p) => [p.id, p.number]));
    const header = ['receipt', 'status', 'title', 'solver_name', 'solver_email', 'submitted_at', 'updated_at', 'ineligible_reason', ...fields.map((f) => f.key), 'phase'];
    const lines = entities.map((s, i) => [
      s.receipt ?? '',
      s.ineligibleAt ? 'ineligible' : s.status,
      s.title,
      raw[i].solver_name,
      raw[i].solver_email,
      s.submittedAt?.toISOString() ?? '',
      s.updatedAt.toISOString(),
      s.ineligibleReason ?? '',
      ...fields.map((f) => answerText(s.answers[f.key])),
      phaseNumber.get(s.phaseId),
    ]);
    const csv = [header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
    return { challenge, csv };
  }

  /** The entrants of a phase who hear its outcome: submitted entries, and withdrawn ones that had a receipt. */
  async contributorsOf(db: EntityManager, phaseId: string): Promise<Contributor[]> {
    return db.query(
      `SELECT s.id, s.title, s.receipt, s.status, s.ineligible_at IS NOT NULL AS ineligible, u.email, u.name
       FROM submissions s JOIN users u ON u.id = s.solver_id
       WHERE s.phase_id = $1 AND ${CONTRIBUTOR}
       ORDER BY s.id`,
      [phaseId],
    );
  }

  async contributorCount(db: EntityManager, phaseId: string): Promise<number> {
    const [{ n }]: { n: number }[] = await db.query(
      `SELECT count(*)::int AS n FROM submissions s WHERE s.phase_id = $1 AND ${CONTRIBUTOR}`,
      [phaseId],
    );
    return n;
  }

  /** What a public winners list says of an entry: its title and its solver's account name (never an address). */
  async creditsOf(db: EntityManager, ids: string[]): Promise<Map<string, { title: string; solverName: string }>> {
    const rows: { id: string; title: string; name: string }[] = await db.query(
      `SELECT s.id, s.title, u.name FROM submissions s JOIN users u ON u.id = s.solver_id WHERE s.id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { title: r.title, solverName: r.name }]));
  }

  /** Submitted, eligible entries of a phase that may advance; returns those of `ids` that are not. */
  async notAdvanceable(tx: EntityManager, phaseId: string, ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(
      `SELECT s.id FROM submissions s WHERE s.phase_id = $1 AND s.id = ANY($2) AND ${ELIGIBLE}`,
      [phaseId, ids],
    );
    const found = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !found.has(id));
  }

  async markAdvanced(tx: EntityManager, ids: string[], now: Date): Promise<void> {
    await tx.getRepository(Submission).update({ id: In(ids) }, { advancedAt: now });
  }

  /** A manager takes an entry out of judging, with a reason that is kept and audited. */
  async markIneligible(actor: User, submissionId: string, reason: string): Promise<Submission> {
    const { challenge, asManager } = await this.readable(actor, submissionId);
    if (!asManager) throw new NotAllowedError('Only the challenge\'s managers can mark an entry ineligible.');
    return this.db.transaction(async (tx) => {
      const submission = await tx.getRepository(Submission).createQueryBuilder('s').setLock('pessimistic_write').where('s.id = :id', { id: submissionId }).getOneOrFail();
      if (submission.status !== 'submitted') throw new ConflictError('Only a submitted entry can be marked ineligible.', 'not-submitted');
      const now = this.clock.now();
      Object.assign(submission, { ineligibleAt: now, ineligibleReason: reason, updatedAt: now });
      await tx.getRepository(Submission).save(submission);
      await this.audit.record(tx, { challengeId: challenge.id, actorId: actor.id, action: 'entry.marked-ineligible', after: { submissionId, receipt: submission.receipt, reason } });
      return submission;
    });
  }

  private entriesQuery(challengeId: string) {
    return this.db
      .getRepository(Submission)
      .createQueryBuilder('s')
      .innerJoin(User, 'u', 'u.id = s.solver_id')
      .addSelect(['u.name AS solver_name', 'u.email AS solver_email'])
      .where('s.challenge_id = :challengeId', { challengeId });
  }

  private assertVerified(actor: User): void {
    if (!actor.emailVerifiedAt) throw new NotAllowedError('Confirm your email address before entering a challenge.');
  }

  private assertEntrant(actor: User, challenge: Challenge): void {
    if (challenge.visibility === 'internal' && !this.challenges.inAllowedDomain(actor, challenge)) {
      throw new NotAllowedError('This internal challenge accepts entries only from its allowed email domains.');
    }
  }

  /** Entries are made, changed and withdrawn only while their phase is the current one and open. */
  private assertOpen(challenge: Challenge, phase: Phase): void {
    const status = phaseStatusIn(challenge, phase, this.clock.now());
    if (status !== 'open') throw this.notOpen(status);
    if (phase !== challenge.currentPhase) throw this.notOpen('closed');
  }

  private notOpen(status: string): ConflictError {
    return new ConflictError(`The challenge is ${status}: entries are accepted only while it is open.`, 'challenge-not-open');
  }

  phaseOfEntry(challenge: Challenge, submission: Submission): Phase {
    return challenge.phases.find((p) => p.id === submission.phaseId)!;
  }

  /** The last statement before commit: the window is judged by the clock at that moment, with fresh state. */
  private async assertStillOpen(tx: EntityManager, challengeId: string, phaseId: string): Promise<void> {
    const [{ status }]: { status: string }[] = await tx.query(
      `SELECT challenge_status(c, p, $3) AS status FROM challenges c JOIN challenge_phases p ON p.id = $2 WHERE c.id = $1`,
      [challengeId, phaseId, this.clock.now()],
    );
    if (status !== 'open') throw this.notOpen(status);
  }

  private titleErrors(title: string | undefined, required: boolean): FieldError[] {
    if (title === undefined) return required ? [{ field: 'title', message: 'is required' }] : [];
    if (title.length === 0) return [{ field: 'title', message: 'is required' }];
    return title.length > TITLE_MAX ? [{ field: 'title', message: `must be at most ${TITLE_MAX} characters` }] : [];
  }

  /**
   * The content (415) of every upload, judged by its bytes before anything is stored. The body reader has already
   * held each part to a file field of the form, one file each, within the field's maxBytes (413).
   */
  private async checkUploads(challenge: Challenge, uploads: ReceivedUpload[]): Promise<CheckedUpload[]> {
    const checked: CheckedUpload[] = [];
    for (const upload of uploads) {
      const { field } = upload;
      const { contentType, author } = await withFileSource(upload.path, async (source) => {
        const type = await sniffContentType(source);
        return { contentType: type, author: type ? await authorInMetadata(type, source) : null };
      });
      if (!contentType || !field.accept?.includes(contentType)) {
        throw new UnsupportedMediaTypeError(`${field.label} must be one of: ${field.accept?.join(', ')} (judged by the file's content, not its name).`, [
          { field: `answers.${field.key}`, message: 'is not an accepted type of file' },
        ]);
      }
      const id = randomUUID();
      checked.push({
        field,
        path: upload.path,
        file: Object.assign(new SubmissionFile(), {
          id,
          fieldKey: field.key,
          name: sanitizeFileName(upload.originalName, contentType),
          contentType,
          size: upload.size,
          sha256: upload.sha256,
          authorInMetadata: author,
          storageKey: `${challenge.id}/${id}`,
          createdAt: this.clock.now(),
        }),
      });
    }
    return checked;
  }

  /** The title and every answer checked together, so one 422 names every problem. */
  private checkedEntry(
    phase: Phase,
    rawTitle: string | undefined,
    titleRequired: boolean,
    raw: Record<string, unknown>,
    uploads: CheckedUpload[],
    kept: Record<string, FileAnswer>,
    final: boolean,
  ): { title: string | undefined; answers: Answers } {
    const title = rawTitle?.trim();
    const files: Record<string, FileAnswer> = { ...kept };
    for (const { field, file } of uploads) files[field.key] = { fileId: file.id, name: file.name, size: file.size, contentType: file.contentType };
    const { answers, errors } = checkAnswers(phase.fields, raw, files, final);
    const problems = [...this.titleErrors(title, titleRequired), ...errors];
    if (problems.length) throw new ValidationFailedError(problems, final ? 'The entry cannot be submitted yet.' : 'Some answers are not valid.');
    return { title, answers };
  }

  private limitReached(challenge: Challenge): ConflictError {
    const n = challenge.maxSubmissionsPerSolver;
    return new ConflictError(`This challenge accepts ${n} entr${n === 1 ? 'y' : 'ies'} per solver, and you have reached it.`, 'submission-limit');
  }

  private async markSubmitted(tx: EntityManager, submission: Submission, challenge: Challenge, phase: Phase, solver: User, now: Date): Promise<void> {
    if (!submission.receipt) {
      const [{ receipt }]: { receipt: string }[] = await tx.query(`SELECT $1 || ${RECEIPT_NUMBER_SQL} AS receipt FROM (SELECT nextval('submission_receipt_seq') AS n) seq`, [receiptPrefix(challenge, now)]);
      submission.receipt = receipt;
    }
    submission.status = 'submitted';
    submission.submittedAt = now;
    await this.outbox.enqueue(tx, [this.receiptMessage(submission, challenge, phase, solver, now)]);
  }

  /** The one `submission-received` message of an entry (its dedupe key makes a second impossible). */
  private receiptMessage(submission: Submission, challenge: Challenge, phase: Phase, solver: User, now: Date): MessageRequest {
    return {
      template: 'submission-received',
      to: solver.email,
      dedupeKey: `submission-received:${submission.id}`,
      data: {
        name: solver.name,
        challengeTitle: challenge.title,
        title: submission.title,
        receipt: submission.receipt,
        submittedAt: formatDateTime(now, challenge.timeZone),
        answers: phase.fields.map((f) => ({ label: f.label, value: answerText(submission.answers[f.key]) || '(no answer)' })),
        link: `${this.config.publicUrl}/submissions/${submission.id}`,
      },
    };
  }

  /** Moves the checked files into storage, then runs `write`; if it fails, the files are removed again. */
  private async writeWithFiles<T>(uploads: CheckedUpload[], write: () => Promise<T>): Promise<T> {
    try {
      await Promise.all(uploads.map((u) => this.storage.put(u.file.storageKey, u.path)));
      return await write();
    } catch (error) {
      await Promise.all(uploads.map((u) => this.storage.remove(u.file.storageKey)));
      if (isUniqueViolation(error, 'submissions_solver_slot_key')) {
        throw new ConflictError('You have reached the number of entries this challenge accepts per solver.', 'submission-limit');
      }
      throw error;
    }
  }
}

/** An answer as text for CSV, email and pages: files by name, checkboxes as Yes/No. */
export function answerText(value: Answers[string] | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') return value.name;
  return String(value);
}

/** A CSV cell, quoted, with leading = + - @ (and tab/CR) neutralised so spreadsheets never run it as a formula. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** The refusal for a solver whose entry did not advance from `before`. */
function onlyAdvanced(before: Phase, phase: Phase): string {
  return `Only solvers whose entry advanced from "${before.name}" can enter "${phase.name}".`;
}
