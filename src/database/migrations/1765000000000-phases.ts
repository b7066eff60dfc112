import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A challenge runs in phases: the timeline, the entry form, the rubric and the judging facts move from `challenges`
 * to `challenge_phases` (every existing challenge becomes one phase), entries and assignments belong to a phase, and
 * the status rules live here once, as SQL functions that lists, the entry statement and the reminder jobs call.
 */
export class Phases1765000000000 implements MigrationInterface {
  name = 'Phases1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE challenge_phases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        number integer NOT NULL CHECK (number >= 1),
        name text NOT NULL,
        opens_at timestamptz,
        closes_at timestamptz,
        judging_ends_at timestamptz,
        rubric jsonb NOT NULL DEFAULT '[]',
        fields jsonb NOT NULL DEFAULT '[]',
        judges_per_submission integer NOT NULL DEFAULT 3 CHECK (judges_per_submission BETWEEN 1 AND 10),
        advance_count integer CHECK (advance_count >= 1),
        closed_early_at timestamptz,
        judging_started_at timestamptz,
        assignment_seed integer,
        first_entry_at timestamptz,
        decided_at timestamptz,
        CONSTRAINT challenge_phases_number_key UNIQUE (challenge_id, number),
        CONSTRAINT challenge_phases_dates_ordered CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at)
      )`);
    await db.query(`
      INSERT INTO challenge_phases (challenge_id, number, name, opens_at, closes_at, judging_ends_at, rubric, fields,
                                    judges_per_submission, closed_early_at, judging_started_at, assignment_seed, first_entry_at, decided_at)
      SELECT id, 1, 'Entries', opens_at, closes_at, judging_ends_at, rubric, fields, judges_per_submission, closed_early_at,
             judging_started_at, assignment_seed, first_entry_at, announced_at
      FROM challenges`);

    await db.query(`ALTER TABLE submissions ADD COLUMN phase_id uuid REFERENCES challenge_phases(id)`);
    await db.query(`ALTER TABLE submissions ADD COLUMN previous_submission_id uuid REFERENCES submissions(id)`);
    await db.query(`ALTER TABLE submissions ADD COLUMN advanced_at timestamptz`);
    await db.query(`UPDATE submissions s SET phase_id = p.id FROM challenge_phases p WHERE p.challenge_id = s.challenge_id`);
    await db.query(`ALTER TABLE submissions ALTER COLUMN phase_id SET NOT NULL`);
    await db.query(`ALTER TABLE submissions DROP CONSTRAINT submissions_solver_slot_key`);
    await db.query(`ALTER TABLE submissions ADD CONSTRAINT submissions_solver_slot_key UNIQUE (phase_id, solver_id, slot)`);
    await db.query(`CREATE INDEX submissions_phase_idx ON submissions (phase_id, status)`);

    await db.query(`ALTER TABLE assignments ADD COLUMN phase_id uuid REFERENCES challenge_phases(id) ON DELETE CASCADE`);
    await db.query(`UPDATE assignments a SET phase_id = s.phase_id FROM submissions s WHERE s.id = a.submission_id`);
    await db.query(`ALTER TABLE assignments ALTER COLUMN phase_id SET NOT NULL`);
    await db.query(`CREATE INDEX assignments_phase_idx ON assignments (phase_id, status)`);

    await db.query(`ALTER TABLE challenges DROP CONSTRAINT challenges_dates_ordered`);
    await db.query(`ALTER TABLE challenges DROP CONSTRAINT challenges_published_complete`);
    await db.query(`DROP INDEX challenges_listing_idx`);
    for (const column of ['opens_at', 'closes_at', 'judging_ends_at', 'rubric', 'fields', 'judges_per_submission', 'closed_early_at', 'judging_started_at', 'assignment_seed', 'first_entry_at']) {
      await db.query(`ALTER TABLE challenges DROP COLUMN ${column}`);
    }
    await db.query(`CREATE INDEX challenges_listing_idx ON challenges (published_at) WHERE cancelled_at IS NULL`);

    // The one definition of a phase's status (TypeScript twin: phaseStatusOf), for a published challenge.
    await db.query(`
      CREATE FUNCTION phase_status(p challenge_phases, now timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN p.decided_at IS NOT NULL THEN 'decided'
          WHEN p.judging_started_at IS NOT NULL THEN 'judging'
          WHEN p.closed_early_at IS NOT NULL OR p.closes_at <= now THEN 'closed'
          WHEN p.opens_at <= now THEN 'open'
          ELSE 'upcoming' END
      $$`);
    // The current phase: the first one not yet decided, the last one once all are.
    await db.query(`
      CREATE VIEW current_phases AS
        SELECT DISTINCT ON (challenge_id) challenge_id, id AS phase_id FROM challenge_phases
        ORDER BY challenge_id, decided_at IS NOT NULL, CASE WHEN decided_at IS NULL THEN number ELSE -number END`);
    // The challenge-wide status (TypeScript twin: statusOf): challenge-wide facts first, then its current phase's.
    await db.query(`
      CREATE FUNCTION challenge_status(c challenges, p challenge_phases, now timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN c.cancelled_at IS NOT NULL THEN 'cancelled'
          WHEN c.announced_at IS NOT NULL THEN 'announced'
          WHEN c.published_at IS NULL THEN 'draft'
          WHEN phase_status(p, now) = 'decided' THEN 'judging'
          ELSE phase_status(p, now) END
      $$`);
  }

  async down(): Promise<void> {
    throw new Error('The phases migration moves data between tables and is not reversible; restore a backup instead.');
  }
}
