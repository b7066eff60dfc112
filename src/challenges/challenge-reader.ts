import type { DataSource, EntityManager } from 'typeorm';
import { EntityReader } from '../database/entity-reader';
import { Challenge } from './challenge.entity';
import { Phase } from './phase.entity';

/** Challenges always come with their phases: every read of a challenge in the app goes through here. */
export class ChallengeReader {
  private readonly challenges: EntityReader<Challenge>;
  private readonly phases: EntityReader<Phase>;

  constructor(db: DataSource) {
    this.challenges = new EntityReader(db, Challenge);
    this.phases = new EntityReader(db, Phase);
  }

  /** The first challenge matching `condition`; `FOR UPDATE` on the challenge row when `lock` (its phases' writers take it too). */
  async one(db: EntityManager, condition: string, parameters: unknown[], lock = false): Promise<Challenge | null> {
    const challenge = await this.challenges.one(db, condition, parameters, lock);
    if (challenge) await this.withPhases(db, [challenge]);
    return challenge;
  }

  /** Loads the phases of challenges read some other way (lists, query builders). */
  async withPhases<T extends Challenge[]>(db: EntityManager, challenges: T): Promise<T> {
    if (!challenges.length) return challenges;
    const phases = await this.phases.many(db, 'challenge_id = ANY($1) ORDER BY challenge_id, number', [challenges.map((c) => c.id)]);
    const byChallenge = new Map(challenges.map((c) => [c.id, c]));
    for (const challenge of challenges) challenge.phases = [];
    for (const phase of phases) byChallenge.get(phase.challengeId)!.phases.push(phase);
    return challenges;
  }
}
