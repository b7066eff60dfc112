import { MigrationInterface, QueryRunner } from 'typeorm';

export class Submissions1764000000000 implements MigrationInterface {
  name = 'Submissions1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE submission_receipt_seq`);
    await db.query(`
      CREATE TABLE submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id),
        solver_id uuid NOT NULL REFERENCES users(id),
        title text NOT NULL,
        answers jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL CHECK (status IN ('draft','submitted','withdrawn')),
        slot integer CHECK (slot >= 1),
        receipt text,
        submitted_at timestamptz,
        withdrawn_at timestamptz,
        ineligible_at timestamptz,
        ineligible_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT submissions_receipt_key UNIQUE (receipt),
        CONSTRAINT submissions_solver_slot_key UNIQUE (challenge_id, solver_id, slot),
        CONSTRAINT submissions_live_has_slot CHECK ((status = 'withdrawn') = (slot IS NULL)),
        CONSTRAINT submissions_submitted_has_receipt CHECK (status <> 'submitted' OR (receipt IS NOT NULL AND submitted_at IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX submissions_challenge_idx ON submissions (challenge_id, status)`);
    await db.query(`CREATE INDEX submissions_solver_idx ON submissions (solver_id, updated_at DESC)`);
    await db.query(`
      CREATE TABLE submission_files (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        submission_id uuid NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
        field_key text NOT NULL,
        name text NOT NULL,
        content_type text NOT NULL,
        size integer NOT NULL CHECK (size >= 0),
        sha256 text NOT NULL,
        storage_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT submission_files_field_key UNIQUE (submission_id, field_key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE submission_files');
    await db.query('DROP TABLE submissions');
    await db.query('DROP SEQUENCE submission_receipt_seq');
  }
}
