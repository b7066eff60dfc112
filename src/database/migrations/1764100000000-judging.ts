import { MigrationInterface, QueryRunner } from 'typeorm';

export class Judging1764100000000 implements MigrationInterface {
  name = 'Judging1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE challenges ADD COLUMN assignment_seed integer`);
    await db.query(`
      CREATE TABLE judges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        email text NOT NULL CHECK (email = lower(email)),
        name text NOT NULL DEFAULT '',
        user_id uuid REFERENCES users(id),
        status text NOT NULL CHECK (status IN ('invited','accepted','declined','removed')),
        invitation_hash text NOT NULL,
        invited_at timestamptz NOT NULL,
        responded_at timestamptz,
        CONSTRAINT judges_challenge_email_key UNIQUE (challenge_id, email),
        CONSTRAINT judges_invitation_hash_key UNIQUE (invitation_hash),
        CONSTRAINT judges_accepted_has_user CHECK (status <> 'accepted' OR user_id IS NOT NULL)
      )`);
    await db.query(`CREATE UNIQUE INDEX judges_challenge_user_key ON judges (challenge_id, user_id) WHERE user_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE conflicts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        judge_id uuid NOT NULL REFERENCES judges(id) ON DELETE CASCADE,
        submission_id uuid NOT NULL REFERENCES submissions(id),
        reason text NOT NULL,
        declared_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        CONSTRAINT conflicts_judge_submission_key UNIQUE (judge_id, submission_id)
      )`);
    await db.query(`
      CREATE TABLE assignments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        submission_id uuid NOT NULL REFERENCES submissions(id),
        judge_id uuid NOT NULL REFERENCES judges(id),
        status text NOT NULL CHECK (status IN ('pending','draft','submitted','recused')),
        recusal_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT assignments_submission_judge_key UNIQUE (submission_id, judge_id)
      )`);
    await db.query(`CREATE INDEX assignments_judge_idx ON assignments (judge_id, status)`);
    await db.query(`CREATE INDEX assignments_challenge_idx ON assignments (challenge_id, status)`);
    await db.query(`
      CREATE TABLE scorecards (
        assignment_id uuid PRIMARY KEY REFERENCES assignments(id) ON DELETE CASCADE,
        scores jsonb NOT NULL DEFAULT '{}',
        feedback text NOT NULL DEFAULT '',
        note text NOT NULL DEFAULT '',
        final boolean NOT NULL DEFAULT false,
        submitted_at timestamptz,
        updated_at timestamptz NOT NULL,
        CONSTRAINT scorecards_final_has_time CHECK (NOT final OR submitted_at IS NOT NULL)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE scorecards');
    await db.query('DROP TABLE assignments');
    await db.query('DROP TABLE conflicts');
    await db.query('DROP TABLE judges');
    await db.query('ALTER TABLE challenges DROP COLUMN assignment_seed');
  }
}
