import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Answers } from './answers';

export type SubmissionStatus = 'draft' | 'submitted' | 'withdrawn';

@Entity('submissions')
export class Submission {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  @Column('uuid', { name: 'solver_id' })
  solverId: string;

  @Column('text')
  title: string;

  @Column('jsonb')
  answers: Answers;

  @Column('text')
  status: SubmissionStatus;

  /** 1..maxSubmissionsPerSolver while the entry is live; unique per (challenge, solver). Null once withdrawn. */
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

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
