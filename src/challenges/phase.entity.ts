import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { FormField, RubricCriterion } from './challenge.entity';

/** One round of a challenge: its entry window, entry form, rubric and judging facts. */
@Entity('challenge_phases')
export class Phase {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  /** 1, 2, …: the order in which the phases run. */
  @Column('int')
  number: number;

  @Column('text')
  name: string;

  @Column('timestamptz', { name: 'opens_at', nullable: true })
  opensAt: Date | null;

  @Column('timestamptz', { name: 'closes_at', nullable: true })
  closesAt: Date | null;

  @Column('timestamptz', { name: 'judging_ends_at', nullable: true })
  judgingEndsAt: Date | null;

  @Column('jsonb', { default: () => "'[]'" })
  rubric: RubricCriterion[];

  @Column('jsonb', { default: () => "'[]'" })
  fields: FormField[];

  @Column('int', { name: 'judges_per_submission', default: 3 })
  judgesPerSubmission: number;

  /** How many entries go on to the next phase when advancing from the ranking; null for the last phase. */
  @Column('int', { name: 'advance_count', nullable: true })
  advanceCount: number | null;

  @Column('timestamptz', { name: 'closed_early_at', nullable: true })
  closedEarlyAt: Date | null;

  @Column('timestamptz', { name: 'judging_started_at', nullable: true })
  judgingStartedAt: Date | null;

  /** Fixed when judging starts, so assigning again gives the same result. */
  @Column('int', { name: 'assignment_seed', nullable: true })
  assignmentSeed: number | null;

  /** Set by the phase's first entry; from then on its rubric and entry form are frozen. */
  @Column('timestamptz', { name: 'first_entry_at', nullable: true })
  firstEntryAt: Date | null;

  /** When the phase's outcome was settled: advancement for an earlier phase, the announcement for the last. */
  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt: Date | null;
}
