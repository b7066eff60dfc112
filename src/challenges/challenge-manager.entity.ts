import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ManagerRole = 'owner' | 'co-manager';

/** The managers of a challenge: its owner and the co-managers the owner added. */
@Entity('challenge_managers')
export class ChallengeManager {
  @PrimaryColumn('uuid', { name: 'challenge_id' })
  challengeId: string;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @Column('text')
  role: ManagerRole;

  @Column('timestamptz', { name: 'added_at' })
  addedAt: Date;
}
