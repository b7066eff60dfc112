import type { DataSourceOptions } from 'typeorm';
import { EmailToken } from '../auth/email-token.entity';
import { User } from '../auth/user.entity';
import { WebSession } from '../auth/web-session.entity';
import { ChallengeManager } from '../challenges/challenge-manager.entity';
import { Challenge } from '../challenges/challenge.entity';
import { OutboxMessage } from '../notifications/outbox-message.entity';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation';
import { Challenges1763900000000 } from './migrations/1763900000000-challenges';

export const ENTITIES = [User, EmailToken, WebSession, OutboxMessage, Challenge, ChallengeManager];
export const MIGRATIONS = [Foundation1763800000000, Challenges1763900000000];

/** One definition for the app, the TypeORM CLI (ormconfig.ts) and the tests. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'all',
    synchronize: false,
    installExtensions: false,
    logging: false,
    extra: { max: 10, connectionTimeoutMillis: 5000 },
  };
}
