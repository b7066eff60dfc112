import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An uploaded file of an entry: its checked type and sanitised name; the bytes live in FileStorage. */
@Entity('submission_files')
export class SubmissionFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'submission_id' })
  submissionId: string;

  @Column('text', { name: 'field_key' })
  fieldKey: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'content_type' })
  contentType: string;

  @Column('int')
  size: number;

  @Column('text')
  sha256: string;

  /** Who the file's own metadata names as its author, read once at upload; null when it names nobody. */
  @Column('text', { name: 'author_in_metadata', nullable: true })
  authorInMetadata: string | null;

  @Column('text', { name: 'storage_key' })
  storageKey: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
