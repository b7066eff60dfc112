import type { FieldError } from '../common/errors/domain-errors';
import type { Challenge } from './challenge.entity';

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

  if (!challenge.opensAt) add('opensAt', 'is required');
  if (!challenge.closesAt) add('closesAt', 'is required');
  if (challenge.opensAt && challenge.closesAt && challenge.closesAt <= challenge.opensAt) add('closesAt', 'must be after opensAt');
  if (challenge.closesAt && challenge.closesAt <= now && !challenge.publishedAt) add('closesAt', 'must be in the future');
  if (challenge.judgingEndsAt && challenge.closesAt && challenge.judgingEndsAt <= challenge.closesAt) {
    add('judgingEndsAt', 'must be after closesAt');
  }

  if (challenge.visibility === 'internal' && challenge.allowedEmailDomains.length === 0) {
    add('allowedEmailDomains', 'must list at least one domain for an internal challenge');
  }

  if (challenge.rubric.length === 0) add('rubric', 'needs at least one criterion');
  for (const key of duplicates(challenge.rubric.map((c) => c.key))) add('rubric', `has the key "${key}" more than once`);

  if (challenge.fields.length === 0) add('fields', 'needs at least one entry field');
  for (const key of duplicates(challenge.fields.map((f) => f.key))) add('fields', `has the key "${key}" more than once`);
  challenge.fields.forEach((field, index) => {
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
  return problems;
}
