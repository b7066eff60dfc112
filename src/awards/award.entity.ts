import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AwardKind = 'winner' | 'honorable-mention';

/** One recognized entry: a winning place (1..winnersCount) or an honorable mention. */
@Entity('awards')
export class Award {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'challenge_id' })
  challengeId: string;

  @Column('uuid', { name: 'submission_id' })
  submissionId: string;

  @Column('text')
  kind: AwardKind;

  @Column('int')
  place: number;

  @Column('text')
  title: string;

  @Column('numeric', { name: 'prize_amount', precision: 14, scale: 2, nullable: true })
  prizeAmount: string | null;

  @Column('text', { name: 'prize_currency', nullable: true })
  prizeCurrency: string | null;

  @Column('text')
  citation: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
