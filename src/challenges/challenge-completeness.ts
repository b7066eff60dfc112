import type { FieldError } from '../common/errors/domain-errors';
import type { Challenge } from './challenge.entity';
import type { Phase } from './phase.entity';

const REQUIRED_TEXT: [keyof Challenge, string][] = [
  ['title', 'title'],
  ['tagline', 'tagline'],
  ['description', 'description'],
  ['agency', 'agency'],
  ['rules', 'rules'],
  ['eligibility', 'eligibility'],
];

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}

/**
 * Everything that must hold before a challenge can be published (and keep holding while it is live).
 * Returns every problem at once, each naming its field, so a manager can fix them in one go.
 */
export function completenessProblems(challenge: Challenge, now: Date): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  for (const [property, field] of REQUIRED_TEXT) {
    if (!String(challenge[property] ?? '').trim()) add(field, 'is required');
  }
  if (challenge.prizeAmount === null) add('prizeTotal', 'is required');

  if (challenge.visibility === 'internal' && challenge.allowedEmailDomains.length === 0) {
    add('allowedEmailDomains', 'must list at least one domain for an internal challenge');
  }

  problems.push(...phaseProblems(challenge.phases, now, true, !!challenge.publishedAt));
  return problems;
}

/**
 * The problems of the phases: in order and never overlapping, and (when `complete`) everything a published
 * challenge needs in each. A one-phase challenge names its fields as the top-level properties that mirror them.
 */
export function phaseProblems(phases: Phase[], now: Date, complete: boolean, published = false): FieldError[] {
  const problems: FieldError[] = [];
  phases.forEach((phase, index) => {
    const prefix = phases.length === 1 ? '' : `phases.${index}.`;
    const add = (field: string, message: string) => problems.push({ field: prefix + field, message });
    const previous = phases[index - 1];
    if (previous?.closesAt && phase.opensAt && phase.opensAt < (previous.closedEarlyAt ?? previous.closesAt)) {
      add('opensAt', 'must not be before the previous phase closes');
    }
    if (phase.opensAt && phase.closesAt && phase.closesAt <= phase.opensAt) add('closesAt', 'must be after opensAt');
    if (phase.advanceCount && index === phases.length - 1) add('advanceCount', 'applies only to a phase that another follows');
    if (complete) phaseCompleteness(phase, now, published, add);
  });
  return problems;
}

function phaseCompleteness(phase: Phase, now: Date, published: boolean, add: (field: string, message: string) => void): void {
  if (!phase.opensAt) add('opensAt', 'is required');
  if (!phase.closesAt) add('closesAt', 'is required');
  if (phase.closesAt && phase.closesAt <= now && !published) add('closesAt', 'must be in the future');
  if (phase.judgingEndsAt && phase.closesAt && phase.judgingEndsAt <= phase.closesAt) {
    add('judgingEndsAt', 'must be after closesAt');
  }

  if (phase.rubric.length === 0) add('rubric', 'needs at least one criterion');
  for (const key of duplicates(phase.rubric.map((c) => c.key))) add('rubric', `has the key "${key}" more than once`);

  if (phase.fields.length === 0) add('fields', 'needs at least one entry field');
  for (const key of duplicates(phase.fields.map((f) => f.key))) add('fields', `has the key "${key}" more than once`);
  phase.fields.forEach((field, index) => {
    const at = `fields.${index}`;
    if (field.type === 'select') {
      if (!field.options?.length) add(`${at}.options`, 'are required for a select field');
      else if (duplicates(field.options).length) add(`${at}.options`, 'must be different from each other');
    } else if (field.options?.length) {
      add(`${at}.options`, 'apply only to select fields');
    }
    if (field.type === 'file') {
      if (!field.accept?.length) add(`${at}.accept`, 'is required for a file field');
      if (!field.maxBytes) add(`${at}.maxBytes`, 'is required for a file field');
    } else if (field.accept?.length || field.maxBytes) {
      add(`${at}.accept`, 'and maxBytes apply only to file fields');
    }
    if (field.maxLength && field.type !== 'text' && field.type !== 'textarea') {
      add(`${at}.maxLength`, 'applies only to text and textarea fields');
    }
  });
}
