import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const FIELD_TYPES = ['text', 'textarea', 'url', 'email', 'number', 'select', 'checkbox', 'file'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** File types an entry form may accept: each is recognised by its content (magic bytes), not by its name. */
export const UPLOAD_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'video/mp4',
] as const;

export interface RubricCriterion {
  key: string;
  name: string;
  description: string;
  weight: number;
  maxScore: number;
}

export interface FormField {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  helpText?: string;
  maxLength?: number;
  options?: string[];
  accept?: string[];
  maxBytes?: number;
}

export type Visibility = 'public' | 'internal';

@Entity('challenges')
export class Challenge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { unique: true })
  slug: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  title: string;

  @Column('text', { default: '' })
  tagline: string;

  @Column('text', { default: '' })
  description: string;

  @Column('text', { default: '' })
  agency: string;

  @Column('text', { default: '' })
  rules: string;

  @Column('text', { default: '' })
  eligibility: string;

  @Column('text', { default: '' })
  faq: string;

  /** numeric(14,2) read as a string: money is never a float. */
  @Column('numeric', { name: 'prize_amount', precision: 14, scale: 2, nullable: true })
  prizeAmount: string | null;

  @Column('text', { name: 'prize_currency', default: 'USD' })
  prizeCurrency: string;

  @Column('timestamptz', { name: 'opens_at', nullable: true })
  opensAt: Date | null;

  @Column('timestamptz', { name: 'closes_at', nullable: true })
  closesAt: Date | null;

  @Column('timestamptz', { name: 'judging_ends_at', nullable: true })
  judgingEndsAt: Date | null;

  /** IANA zone in which the challenge's dates are shown to people. */
  @Column('text', { name: 'time_zone', default: 'UTC' })
  timeZone: string;

  @Column('int', { name: 'winners_count', default: 3 })
  winnersCount: number;

  @Column('int', { name: 'judges_per_submission', default: 3 })
  judgesPerSubmission: number;

  @Column('boolean', { name: 'blind_judging', default: true })
  blindJudging: boolean;

  @Column('int', { name: 'max_submissions_per_solver', default: 1 })
  maxSubmissionsPerSolver: number;

  @Column('text', { default: 'public' })
  visibility: Visibility;

  @Column('text', { name: 'allowed_email_domains', array: true, default: () => "'{}'" })
  allowedEmailDomains: string[];

  @Column('jsonb', { default: () => "'[]'" })
  rubric: RubricCriterion[];

  @Column('jsonb', { default: () => "'[]'" })
  fields: FormField[];

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column('timestamptz', { name: 'closed_early_at', nullable: true })
  closedEarlyAt: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;

  @Column('text', { name: 'cancel_reason', nullable: true })
  cancelReason: string | null;

  @Column('timestamptz', { name: 'judging_started_at', nullable: true })
  judgingStartedAt: Date | null;

  @Column('timestamptz', { name: 'announced_at', nullable: true })
  announcedAt: Date | null;

  /** Fixed when judging starts, so assigning again gives the same result. */
  @Column('int', { name: 'assignment_seed', nullable: true })
  assignmentSeed: number | null;

  /** Set by the first entry; from then on the rubric and the entry form are frozen. */
  @Column('timestamptz', { name: 'first_entry_at', nullable: true })
  firstEntryAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
