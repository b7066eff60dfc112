import type { DataSourceOptions } from 'typeorm';
import { EmailToken } from '../auth/email-token.entity';
import { User } from '../auth/user.entity';
import { WebSession } from '../auth/web-session.entity';
import { ChallengeManager } from '../challenges/challenge-manager.entity';
import { Challenge } from '../challenges/challenge.entity';
import { Phase } from '../challenges/phase.entity';
import { Award } from '../awards/award.entity';
import { Assignment, Conflict, Judge, Scorecard } from '../judging/judging.entities';
import { OutboxMessage } from '../notifications/outbox-message.entity';
import { SubmissionFile } from '../submissions/submission-file.entity';
import { Submission } from '../submissions/submission.entity';
import { Foundation1763800000000 } from './migrations/1763800000000-foundation';
import { Challenges1763900000000 } from './migrations/1763900000000-challenges';
import { Submissions1764000000000 } from './migrations/1764000000000-submissions';
import { Judging1764100000000 } from './migrations/1764100000000-judging';
import { Awards1764200000000 } from './migrations/1764200000000-awards';
import { RateLimits1764400000000 } from './migrations/1764400000000-rate-limits';
import { Phases1765000000000 } from './migrations/1765000000000-phases';
import { FileAuthorMetadata1765340000000 } from './migrations/1765340000000-file-author-metadata';

export const ENTITIES = [User, EmailToken, WebSession, OutboxMessage, Challenge, Phase, ChallengeManager, Submission, SubmissionFile, Judge, Conflict, Assignment, Scorecard, Award];
export const MIGRATIONS = [Foundation1763800000000, Challenges1763900000000, Submissions1764000000000, Judging1764100000000, Awards1764200000000, RateLimits1764400000000, Phases1765000000000, FileAuthorMetadata1765340000000];

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
    extra: { max: 10, connectionTimeoutMillis: 5000, query_timeout: 15_000 },
  };
}
