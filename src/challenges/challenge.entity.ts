import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { currentPhaseOf } from './phase-status';
import type { Phase } from './phase.entity';

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
  /** Answers name the solver (an employer, a home town): judges never see them. Email fields always count as such. */
  identifying?: boolean;
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

  /** IANA zone in which the challenge's dates are shown to people. */
  @Column('text', { name: 'time_zone', default: 'UTC' })
  timeZone: string;

  @Column('int', { name: 'winners_count', default: 3 })
  winnersCount: number;

  @Column('boolean', { name: 'blind_judging', default: true })
  blindJudging: boolean;

  @Column('int', { name: 'max_submissions_per_solver', default: 1 })
  maxSubmissionsPerSolver: number;

  @Column('text', { default: 'public' })
  visibility: Visibility;

  @Column('text', { name: 'allowed_email_domains', array: true, default: () => "'{}'" })
  allowedEmailDomains: string[];

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column('timestamptz', { name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;

  @Column('text', { name: 'cancel_reason', nullable: true })
  cancelReason: string | null;

  @Column('timestamptz', { name: 'announced_at', nullable: true })
  announcedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  /** In order of number; loaded with the challenge by ChallengeReader, never empty. */
  phases: Phase[] = [];

  /** The phase the challenge is in: the first not yet decided, the last once all are. */
  get currentPhase(): Phase {
    return currentPhaseOf(this.phases);
  }

  /** The last phase: awards come from its entries. */
  get finalPhase(): Phase {
    return this.phases[this.phases.length - 1];
  }

  // The top-level timeline, form and rubric mirror the current phase, so a one-phase reader keeps working.
  get opensAt(): Date | null {
    return this.currentPhase.opensAt;
  }

  get closesAt(): Date | null {
    return this.currentPhase.closesAt;
  }

  get judgingEndsAt(): Date | null {
    return this.currentPhase.judgingEndsAt;
  }

  get closedEarlyAt(): Date | null {
    return this.currentPhase.closedEarlyAt;
  }

  get judgesPerSubmission(): number {
    return this.currentPhase.judgesPerSubmission;
  }

  get rubric(): RubricCriterion[] {
    return this.currentPhase.rubric;
  }

  get fields(): FormField[] {
    return this.currentPhase.fields;
  }

  get firstEntryAt(): Date | null {
    return this.currentPhase.firstEntryAt;
  }
}
