import type { DataSourceOptions } from 'typeorm';
import { EmailToken } from '../auth/email-token.entity';
import { User } from '../auth/user.entity';
import { WebSession } from '../auth/web-session.entity';
import { OutboxMessage } from '../notifications/outbox-message.entity';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation';

export const ENTITIES = [User, EmailToken, WebSession, OutboxMessage];
export const MIGRATIONS = [Foundation1763800000000];

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
