import { MigrationInterface, QueryRunner } from 'typeorm';

/** The author a file's own metadata names (PDF /Author, OOXML dc:creator / cp:lastModifiedBy), read at upload. */
export class FileAuthorMetadata1765340000000 implements MigrationInterface {
  name = 'FileAuthorMetadata1765340000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE submission_files ADD COLUMN author_in_metadata text');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE submission_files DROP COLUMN author_in_metadata');
  }
}
