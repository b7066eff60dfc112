import type { Challenge } from './challenge.entity';
import { phaseStatusOf, type PhaseStatus, type PhaseStatusFacts } from './phase-status';

export const CHALLENGE_STATUSES = ['draft', 'upcoming', 'open', 'closed', 'judging', 'announced', 'cancelled'] as const;
export type ChallengeStatus = (typeof CHALLENGE_STATUSES)[number];

export type StatusFacts = Pick<Challenge, 'publishedAt' | 'cancelledAt' | 'announcedAt' | 'currentPhase'>;

/**
 * The status people see, decided by the stored facts and the clock at the moment of reading: no cron needed.
 * TypeScript twin of the SQL function `challenge_status` (migration 1765000000000): a test holds them equal.
 */
export function statusOf(challenge: StatusFacts, now: Date): ChallengeStatus {
  if (challenge.cancelledAt) return 'cancelled';
  if (challenge.announcedAt) return 'announced';
  if (!challenge.publishedAt) return 'draft';
  const phase = phaseStatusOf(challenge.currentPhase, now);
  return phase === 'decided' ? 'judging' : phase;
}


/** The status of one phase as people see it: the challenge-wide facts (draft, cancelled, announced) come first. */
export function phaseStatusIn(challenge: StatusFacts, phase: PhaseStatusFacts, now: Date): ChallengeStatus | PhaseStatus {
  const status = statusOf(challenge, now);
  return status === 'draft' || status === 'cancelled' || status === 'announced' ? status : phaseStatusOf(phase, now);
}
