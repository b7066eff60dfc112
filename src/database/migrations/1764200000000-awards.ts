import { MigrationInterface, QueryRunner } from 'typeorm';

export class Awards1764200000000 implements MigrationInterface {
  name = 'Awards1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE awards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        challenge_id uuid NOT NULL REFERENCES challenges(id) ON DELETE CASCADE,
        submission_id uuid NOT NULL REFERENCES submissions(id),
        kind text NOT NULL CHECK (kind IN ('winner','honorable-mention')),
        place integer NOT NULL CHECK (place >= 1),
        title text NOT NULL,
        prize_amount numeric(14,2) CHECK (prize_amount >= 0),
        prize_currency text,
        citation text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        CONSTRAINT awards_challenge_submission_key UNIQUE (challenge_id, submission_id),
        CONSTRAINT awards_prize_has_currency CHECK ((prize_amount IS NULL) = (prize_currency IS NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX awards_winner_place_key ON awards (challenge_id, place) WHERE kind = 'winner'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE awards');
  }
}
