import type { Phase } from './phase.entity';

export const PHASE_STATUSES = ['upcoming', 'open', 'closed', 'judging', 'decided'] as const;
export type PhaseStatus = (typeof PHASE_STATUSES)[number];

export type PhaseStatusFacts = Pick<Phase, 'opensAt' | 'closesAt' | 'closedEarlyAt' | 'judgingStartedAt' | 'decidedAt'>;

/** TypeScript twin of the SQL function `phase_status` (migration 1765000000000): a test holds them equal. */
export function phaseStatusOf(phase: PhaseStatusFacts, now: Date): PhaseStatus {
  if (phase.decidedAt) return 'decided';
  if (phase.judgingStartedAt) return 'judging';
  if (phase.closedEarlyAt || (phase.closesAt && phase.closesAt <= now)) return 'closed';
  if (phase.opensAt && phase.opensAt <= now) return 'open';
  return 'upcoming';
}

/** TypeScript twin of the view `current_phases`: the first phase not yet decided, the last once all are. */
export function currentPhaseOf<T extends Pick<Phase, 'number' | 'decidedAt'>>(phases: T[]): T {
  const ordered = [...phases].sort((a, b) => a.number - b.number);
  return ordered.find((phase) => !phase.decidedAt) ?? ordered[ordered.length - 1];
}
