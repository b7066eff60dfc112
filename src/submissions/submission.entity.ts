import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Answers } from './answers';

export type SubmissionStatus = 'draft' | 'submitted' | 'withdrawn';

@Entity('submissions')
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  /** The phase the entry was made in; an entry never moves between phases. */
  @Column('uuid', { name: 'phase_id' })
  phaseId: string;

  @Column('uuid', { name: 'solver_id' })
  solverId: string;

  /** In a later phase: the solver's entry that advanced from the phase before. */
  @Column('uuid', { name: 'previous_submission_id', nullable: true })
  previousSubmissionId: string | null;

  @Column('text')
  title: string;

  @Column('jsonb')
  answers: Answers;

  @Column('text')
  status: SubmissionStatus;

  /** 1..maxSubmissionsPerSolver while the entry is live; unique per (phase, solver). Null once withdrawn. */
  @Column('int', { nullable: true })
  slot: number | null;

  /** Human-friendly and unique, e.g. CWS-2026-000123; given at first submission and kept through edits. */
  @Column('text', { nullable: true })
  receipt: string | null;

  @Column('timestamptz', { name: 'submitted_at', nullable: true })
  submittedAt: Date | null;

  @Column('timestamptz', { name: 'withdrawn_at', nullable: true })
  withdrawnAt: Date | null;

  @Column('timestamptz', { name: 'ineligible_at', nullable: true })
  ineligibleAt: Date | null;

  @Column('text', { name: 'ineligible_reason', nullable: true })
  ineligibleReason: string | null;

  /** Set when the entry advances to the next phase. */
  @Column('timestamptz', { name: 'advanced_at', nullable: true })
  advancedAt: Date | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
