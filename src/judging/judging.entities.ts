import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type JudgeStatus = 'invited' | 'accepted' | 'declined' | 'removed';
export type AssignmentStatus = 'pending' | 'draft' | 'submitted' | 'recused';

/** A judge of one challenge: invited by email, then linked to the account that accepted. */
@Entity('judges')
export class Judge {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  @Column('text')
  email: string;

  @Column('text')
  name: string;

  @Column('uuid', { name: 'user_id', nullable: true })
  userId: string | null;

  @Column('text')
  status: JudgeStatus;

  /** SHA-256 of the invitation link's token. */
  @Column('text', { name: 'invitation_hash' })
  invitationHash: string;

  @Column('timestamptz', { name: 'invited_at' })
  invitedAt: Date;

  @Column('timestamptz', { name: 'responded_at', nullable: true })
  respondedAt: Date | null;
}

@Entity('conflicts')
export class Conflict {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  @Column('uuid', { name: 'judge_id' })
  judgeId: string;

  @Column('uuid', { name: 'submission_id' })
  submissionId: string;

  @Column('text')
  reason: string;

  @Column('uuid', { name: 'declared_by' })
  declaredBy: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}

@Entity('assignments')
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  @Column('uuid', { name: 'phase_id' })
  phaseId: string;

  @Column('uuid', { name: 'submission_id' })
  submissionId: string;

  @Column('uuid', { name: 'judge_id' })
  judgeId: string;

  @Column('text')
  status: AssignmentStatus;

  @Column('text', { name: 'recusal_reason', nullable: true })
  recusalReason: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

/** One per assignment: scores per criterion, feedback for the solver, a note that stays with the panel. */
@Entity('scorecards')
export class Scorecard {
  @PrimaryColumn('uuid', { name: 'assignment_id' })
  assignmentId: string;

  @Column('jsonb')
  scores: Record<string, number>;

  @Column('text')
  feedback: string;

  @Column('text')
  note: string;

  @Column('boolean')
  final: boolean;

  @Column('timestamptz', { name: 'submitted_at', nullable: true })
  submittedAt: Date | null;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}
