import type { Challenge } from './challenge.entity';

export const CHALLENGE_STATUSES = ['draft', 'upcoming', 'open', 'closed', 'judging', 'announced', 'cancelled'] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export type StatusFacts = Pick<Challenge, 'publishedAt' | 'opensAt' | 'closesAt' | 'closedEarlyAt' | 'cancelledAt' | 'judgingStartedAt' | 'announcedAt'>;

/** The status people see, decided by the stored facts and the clock at the moment of reading: no cron needed. */
export function statusOf(challenge: StatusFacts, now: Date): ChallengeStatus {
  if (challenge.cancelledAt) return 'cancelled';
  if (challenge.announcedAt) return 'announced';
  if (challenge.judgingStartedAt) return 'judging';
  if (!challenge.publishedAt) return 'draft';
  if (challenge.closedEarlyAt || (challenge.closesAt && challenge.closesAt <= now)) return 'closed';
  if (challenge.opensAt && challenge.opensAt <= now) return 'open';
  return 'upcoming';
}

/** The same rule in SQL, for filtering and sorting lists; `now` is a bound parameter. */
export function statusSql(alias: string, nowParam: string): string {
  const c = alias;
  return `(CASE
    WHEN ${c}.cancelled_at IS NOT NULL THEN 'cancelled'
    WHEN ${c}.announced_at IS NOT NULL THEN 'announced'
    WHEN ${c}.judging_started_at IS NOT NULL THEN 'judging'
    WHEN ${c}.published_at IS NULL THEN 'draft'
    WHEN ${c}.closed_early_at IS NOT NULL OR ${c}.closes_at <= ${nowParam} THEN 'closed'
    WHEN ${c}.opens_at <= ${nowParam} THEN 'open'
    ELSE 'upcoming' END)`;
}
