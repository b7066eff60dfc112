import { renderMarkdown } from '../common/markdown';
import { statusOf, type ChallengeStatus } from './challenge-status';
import type { Challenge, FormField, RubricCriterion, Visibility } from './challenge.entity';
import { phaseStatusOf, type PhaseStatus } from './phase-status';
import type { Phase } from './phase.entity';

export interface PhaseView {
  number: number;
  name: string;
  status: PhaseStatus;
  opensAt: string | null;
  closesAt: string | null;
  judgingEndsAt: string | null;
  rubric: RubricCriterion[];
  fields: FormField[];
  judgesPerSubmission: number;
  advanceCount: number | null;
  formFrozen: boolean;
}

export interface Money {
  amount: string;
  currency: string;
}

export interface ChallengeView {
  id: string;
  slug: string;
  title: string;
  tagline: string;
  description: string;
  agency: string;
  rules: string;
  eligibility: string;
  faq: string;
  prizeTotal: Money | null;
  opensAt: string | null;
  closesAt: string | null;
  judgingEndsAt: string | null;
  timeZone: string;
  winnersCount: number;
  judgesPerSubmission: number;
  blindJudging: boolean;
  maxSubmissionsPerSolver: number;
  visibility: Visibility;
  allowedEmailDomains: string[];
  rubric: RubricCriterion[];
  fields: FormField[];
  status: ChallengeStatus;
  publishedAt: string | null;
  cancelReason: string | null;
  formFrozen: boolean;
  createdAt: string;
  updatedAt: string;
  phases: PhaseView[];
  currentPhase: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toChallengeView(challenge: Challenge, now: Date): ChallengeView {
  return {
    id: challenge.id,
    slug: challenge.slug,
    title: challenge.title,
    tagline: challenge.tagline,
    description: challenge.description,
    agency: challenge.agency,
    rules: challenge.rules,
    eligibility: challenge.eligibility,
    faq: challenge.faq,
    prizeTotal: challenge.prizeAmount === null ? null : { amount: challenge.prizeAmount, currency: challenge.prizeCurrency },
    opensAt: iso(challenge.opensAt),
    closesAt: iso(challenge.closesAt),
    judgingEndsAt: iso(challenge.judgingEndsAt),
    timeZone: challenge.timeZone,
    winnersCount: challenge.winnersCount,
    judgesPerSubmission: challenge.judgesPerSubmission,
    blindJudging: challenge.blindJudging,
    maxSubmissionsPerSolver: challenge.maxSubmissionsPerSolver,
    visibility: challenge.visibility,
    allowedEmailDomains: challenge.allowedEmailDomains,
    rubric: challenge.rubric,
    fields: challenge.fields,
    status: statusOf(challenge, now),
    publishedAt: iso(challenge.publishedAt),
    cancelReason: challenge.cancelReason,
    formFrozen: challenge.firstEntryAt !== null,
    createdAt: challenge.createdAt.toISOString(),
    updatedAt: challenge.updatedAt.toISOString(),
    phases: challenge.phases.map((phase) => toPhaseView(phase, now)),
    currentPhase: challenge.currentPhase.number,
  };
}

export function toPhaseView(phase: Phase, now: Date): PhaseView {
  return {
    number: phase.number,
    name: phase.name,
    status: phaseStatusOf(phase, now),
    opensAt: iso(phase.opensAt),
    closesAt: iso(phase.closesAt),
    judgingEndsAt: iso(phase.judgingEndsAt),
    rubric: phase.rubric,
    fields: phase.fields,
    judgesPerSubmission: phase.judgesPerSubmission,
    advanceCount: phase.advanceCount,
    formFrozen: phase.firstEntryAt !== null,
  };
}

/** What a page shows: the view plus the Markdown parts rendered to safe HTML. */
export function toChallengePage(challenge: Challenge, now: Date) {
  return {
    ...toChallengeView(challenge, now),
    descriptionHtml: renderMarkdown(challenge.description),
    rulesHtml: renderMarkdown(challenge.rules),
    eligibilityHtml: renderMarkdown(challenge.eligibility),
    faqHtml: renderMarkdown(challenge.faq),
  };
}
