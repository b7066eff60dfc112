import { ValidationFailedError, type FieldError } from '../common/errors/domain-errors';
import { instantToZonedLocal, zonedLocalToInstant } from '../common/time-zones';
import { isTimeZone } from '../common/validators';
import type { Challenge } from './challenge.entity';

/** The steps of the challenge form, in order; each page edits one group of properties. */
export const STEPS = [
  { key: 'general', label: 'General' },
  { key: 'details', label: 'Details' },
  { key: 'timeline', label: 'Timeline' },
  { key: 'prizes', label: 'Prizes' },
  { key: 'rules', label: 'Rules and eligibility' },
  { key: 'rubric', label: 'Rubric' },
  { key: 'entry-form', label: 'Entry form' },
  { key: 'judging', label: 'Judging' },
  { key: 'review', label: 'Review' },
] as const;
export type StepKey = (typeof STEPS)[number]['key'];

/** Which step edits a property, so the review page can link each problem to its form. */
export const STEP_OF_FIELD: Record<string, StepKey> = {
  title: 'general', tagline: 'general', agency: 'general', visibility: 'general', allowedEmailDomains: 'general',
  description: 'details', faq: 'details',
  opensAt: 'timeline', closesAt: 'timeline', judgingEndsAt: 'timeline', timeZone: 'timeline',
  prizeTotal: 'prizes', winnersCount: 'prizes',
  rules: 'rules', eligibility: 'rules',
  rubric: 'rubric', fields: 'entry-form',
  judgesPerSubmission: 'judging', blindJudging: 'judging', maxSubmissionsPerSolver: 'judging',
};

const SPARE_RUBRIC_ROWS = 2;
const SPARE_FIELD_ROWS = 2;
const MB = 1024 * 1024;

type Form = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** Numbers stay strings when they are not numbers, so validation names the field. */
const numberOrRaw = (value: unknown) => {
  const raw = text(value).trim();
  if (raw === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
};
const checked = (value: unknown) => value === 'on' || value === 'true' || value === 'yes';
const rows = (value: unknown): Form[] =>
  (Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : []).filter(
    (row): row is Form => typeof row === 'object' && row !== null,
  );
const blank = (row: Form, keys: string[]) => keys.every((key) => text(row[key]).trim() === '');

/** The form's values for a challenge, with spare blank rows for new criteria and fields. */
export function challengeToForm(challenge: Challenge): Form {
  const zone = challenge.timeZone;
  return {
    title: challenge.title,
    tagline: challenge.tagline,
    agency: challenge.agency,
    visibility: challenge.visibility,
    allowedEmailDomains: challenge.allowedEmailDomains.join('\n'),
    description: challenge.description,
    faq: challenge.faq,
    opensAt: challenge.opensAt ? instantToZonedLocal(challenge.opensAt, zone) : '',
    closesAt: challenge.closesAt ? instantToZonedLocal(challenge.closesAt, zone) : '',
    judgingEndsAt: challenge.judgingEndsAt ? instantToZonedLocal(challenge.judgingEndsAt, zone) : '',
    timeZone: zone,
    prizeAmount: challenge.prizeAmount ?? '',
    prizeCurrency: challenge.prizeCurrency,
    winnersCount: String(challenge.winnersCount),
    rules: challenge.rules,
    eligibility: challenge.eligibility,
    rubric: [
      ...challenge.rubric.map((c) => ({ ...c, weight: String(c.weight), maxScore: String(c.maxScore) })),
      ...Array.from({ length: SPARE_RUBRIC_ROWS }, () => ({ key: '', name: '', description: '', weight: '', maxScore: '' })),
    ],
    fields: [
      ...challenge.fields.map((f) => ({
        key: f.key,
        label: f.label,
        type: f.type,
        required: f.required ? 'on' : '',
        helpText: f.helpText ?? '',
        maxLength: f.maxLength ? String(f.maxLength) : '',
        options: (f.options ?? []).join('\n'),
        accept: f.accept ?? [],
        maxMegabytes: f.maxBytes ? String(Math.round((f.maxBytes / MB) * 100) / 100) : '',
      })),
      ...Array.from({ length: SPARE_FIELD_ROWS }, () => ({ key: '', label: '', type: 'text', required: '', helpText: '', maxLength: '', options: '', accept: [], maxMegabytes: '' })),
    ],
    judgesPerSubmission: String(challenge.judgesPerSubmission),
    blindJudging: challenge.blindJudging ? 'on' : '',
    maxSubmissionsPerSolver: String(challenge.maxSubmissionsPerSolver),
  };
}

function dateInput(form: Form, key: string, zone: string, problems: FieldError[]): string | undefined {
  const raw = text(form[key]).trim();
  if (raw === '') return undefined;
  const instant = zonedLocalToInstant(raw, zone);
  if (!instant) {
    problems.push({ field: key, message: 'must be a date and time' });
    return undefined;
  }
  return instant.toISOString();
}

/** Maps one step's submitted form to the API's input shape; the same DTO validation then applies. */
export function formToInput(step: StepKey, form: Form, challenge: Challenge | null): Form {
  const problems: FieldError[] = [];
  let input: Form;
  switch (step) {
    case 'general':
      input = {
        title: text(form.title),
        tagline: text(form.tagline),
        agency: text(form.agency),
        visibility: text(form.visibility) || 'public',
        allowedEmailDomains: text(form.allowedEmailDomains).split(/[\s,;]+/).filter(Boolean),
      };
      break;
    case 'details':
      input = { description: text(form.description), faq: text(form.faq) };
      break;
    case 'timeline': {
      const zone = isTimeZone(form.timeZone) ? text(form.timeZone) : (challenge?.timeZone ?? 'UTC');
      input = {
        timeZone: text(form.timeZone),
        opensAt: dateInput(form, 'opensAt', zone, problems),
        closesAt: dateInput(form, 'closesAt', zone, problems),
        judgingEndsAt: dateInput(form, 'judgingEndsAt', zone, problems),
      };
      break;
    }
    case 'prizes':
      input = {
        prizeTotal: text(form.prizeAmount).trim() === '' ? undefined : { amount: text(form.prizeAmount).trim().replace(/,/g, ''), currency: text(form.prizeCurrency).trim().toUpperCase() },
        winnersCount: numberOrRaw(form.winnersCount),
      };
      break;
    case 'rules':
      input = { rules: text(form.rules), eligibility: text(form.eligibility) };
      break;
    case 'rubric':
      input = {
        rubric: rows(form.rubric)
          .filter((row) => !checked(row.remove) && !blank(row, ['key', 'name', 'description', 'weight', 'maxScore']))
          .map((row) => ({ key: text(row.key).trim(), name: text(row.name), description: text(row.description), weight: numberOrRaw(row.weight), maxScore: numberOrRaw(row.maxScore) })),
      };
      break;
    case 'entry-form':
      input = {
        fields: rows(form.fields)
          .filter((row) => !checked(row.remove) && !blank(row, ['key', 'label']))
          .map((row) => {
            const type = text(row.type);
            const megabytes = numberOrRaw(row.maxMegabytes);
            const options = text(row.options).split(/\r?\n/).map((o) => o.trim()).filter(Boolean);
            const accept = Array.isArray(row.accept) ? row.accept : row.accept ? [row.accept] : [];
            return {
              key: text(row.key).trim(),
              label: text(row.label),
              type,
              required: checked(row.required),
              helpText: text(row.helpText) || undefined,
              maxLength: numberOrRaw(row.maxLength),
              options: options.length ? options : undefined,
              accept: accept.length ? accept : undefined,
              maxBytes: typeof megabytes === 'number' ? Math.round(megabytes * MB) : megabytes,
            };
          }),
      };
      break;
    case 'judging':
      input = {
        judgesPerSubmission: numberOrRaw(form.judgesPerSubmission),
        blindJudging: checked(form.blindJudging),
        maxSubmissionsPerSolver: numberOrRaw(form.maxSubmissionsPerSolver),
      };
      break;
    default:
      input = {};
  }
  if (problems.length) throw new ValidationFailedError(problems);
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
}
