import type { DataSource, EntityManager } from 'typeorm';
import { EntityReader } from '../database/entity-reader';
import { preparedQuery } from '../database/prepared-query';
import { Challenge } from './challenge.entity';
import { Phase } from './phase.entity';

type Row = Record<string, unknown>;

/** Challenges always come with their phases: every read of a challenge in the app goes through here. */
export class ChallengeReader {
  private readonly select: string;
  private readonly challengeColumns: string[];
  private readonly phaseColumns: string[];
  private readonly phases: EntityReader<Phase>;

  constructor(db: DataSource) {
    const columns = (entity: new () => object, alias: string) => db.getMetadata(entity).columns.map((c) => ({ sql: `${alias}."${c.databaseName}" AS "${alias}.${c.propertyName}"`, property: c.propertyName }));
    const challenge = columns(Challenge, 'c');
    const phase = columns(Phase, 'p');
    this.challengeColumns = challenge.map((c) => c.property);
    this.phaseColumns = phase.map((c) => c.property);
    // One round trip for a challenge and its phases: this read is on the path of every entry.
    this.select = `SELECT ${[...challenge, ...phase].map((c) => c.sql).join(', ')} FROM challenges c JOIN challenge_phases p ON p.challenge_id = c.id`;
    this.phases = new EntityReader(db, Phase);
  }

  /**
   * The challenge whose `column` is `value`, with its phases. With `lock`, the challenge row is locked first (its
   * phases' writers take it too) and read after, in a statement of its own: one that waited for the lock inside the
   * joined read would still see the phases as they were before the other writer committed. Outside a transaction,
   * prepared.
   */
  async one(db: EntityManager, column: 'id' | 'slug', value: string, lock = false): Promise<Challenge | null> {
    if (lock) await db.query(`SELECT 1 FROM challenges WHERE ${column} = $1 FOR UPDATE`, [value]);
    const text = `${this.select} WHERE c.${column} = $1 ORDER BY p.number`;
    const rows: Row[] = db.queryRunner ? await db.query(text, [value]) : await preparedQuery(db.connection, text, [value]);
    if (!rows.length) return null;
    const challenge = Object.assign(new Challenge(), pick(rows[0], 'c', this.challengeColumns));
    challenge.phases = rows.map((row) => Object.assign(new Phase(), pick(row, 'p', this.phaseColumns)));
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

function pick(row: Row, alias: string, properties: string[]): Row {
  return Object.fromEntries(properties.map((property) => [property, row[`${alias}.${property}`]]));
}
