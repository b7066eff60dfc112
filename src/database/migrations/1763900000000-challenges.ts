import { MigrationInterface, QueryRunner } from 'typeorm';

export class Challenges1763900000000 implements MigrationInterface {
  name = 'Challenges1763900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE challenges (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug text NOT NULL,
        owner_id uuid NOT NULL REFERENCES users(id),
        title text NOT NULL,
        tagline text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        agency text NOT NULL DEFAULT '',
        rules text NOT NULL DEFAULT '',
        eligibility text NOT NULL DEFAULT '',
        faq text NOT NULL DEFAULT '',
        prize_amount numeric(14,2) CHECK (prize_amount >= 0),
        prize_currency text NOT NULL DEFAULT 'USD' CHECK (prize_currency ~ '^[A-Z]{3}$'),
        opens_at timestamptz,
        closes_at timestamptz,
        judging_ends_at timestamptz,
        time_zone text NOT NULL DEFAULT 'UTC',
        winners_count integer NOT NULL DEFAULT 3 CHECK (winners_count BETWEEN 3 AND 5),
        judges_per_submission integer NOT NULL DEFAULT 3 CHECK (judges_per_submission BETWEEN 1 AND 10),
        blind_judging boolean NOT NULL DEFAULT true,
        max_submissions_per_solver integer NOT NULL DEFAULT 1 CHECK (max_submissions_per_solver >= 1),
        visibility text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','internal')),
        allowed_email_domains text[] NOT NULL DEFAULT '{}',
        rubric jsonb NOT NULL DEFAULT '[]',
        fields jsonb NOT NULL DEFAULT '[]',
        published_at timestamptz,
        closed_early_at timestamptz,
        cancelled_at timestamptz,
        cancel_reason text,
        judging_started_at timestamptz,
        announced_at timestamptz,
        first_entry_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT challenges_slug_key UNIQUE (slug),
        CONSTRAINT challenges_dates_ordered CHECK (closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at),
        CONSTRAINT challenges_published_complete CHECK (published_at IS NULL OR (opens_at IS NOT NULL AND closes_at IS NOT NULL AND prize_amount IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX challenges_listing_idx ON challenges (published_at, closes_at) WHERE cancelled_at IS NULL`);
    await db.query(`
      CREATE TABLE challenge_managers (
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('owner','co-manager')),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (challenge_id, user_id)
      )`);
    await db.query(`CREATE INDEX challenge_managers_user_idx ON challenge_managers (user_id)`);
    await db.query(`CREATE UNIQUE INDEX challenge_managers_one_owner ON challenge_managers (challenge_id) WHERE role = 'owner'`);
    await db.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        challenge_id uuid REFERENCES challenges(id) ON DELETE CASCADE,
        actor_id uuid REFERENCES users(id),
        action text NOT NULL,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX audit_log_challenge_idx ON audit_log (challenge_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE audit_log');
    await db.query('DROP TABLE challenge_managers');
    await db.query('DROP TABLE challenges');
  }
}
