import { ValidationFailedError, type FieldError } from '../common/errors/domain-errors';
import { instantToZonedLocal, zonedLocalToInstant } from '../common/time-zones';
import { isTimeZone } from '../common/validators';
import type { Challenge } from './challenge.entity';
import type { Phase } from './phase.entity';

/** The steps of the challenge form, in order; each page edits one group of properties. */
export const STEPS = [
  { key: 'general', label: 'General' },
  { key: 'details', label: 'Details' },
  { key: 'timeline', label: 'Timeline' },
  { key: 'phases', label: 'Phases' },
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
  rubric: 'rubric', fields: 'entry-form', phases: 'phases',
  judgesPerSubmission: 'judging', blindJudging: 'judging', maxSubmissionsPerSolver: 'judging',
};

const SPARE_RUBRIC_ROWS = 2;
const SPARE_PHASE_ROWS = 1;
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

/** The form's values for a challenge, with spare blank rows for new phases, criteria and fields; rubric and fields of `phase`. */
export function challengeToForm(challenge: Challenge, phase: Phase = challenge.currentPhase): Form {
  const zone = challenge.timeZone;
  const local = (date: Date | null) => (date ? instantToZonedLocal(date, zone) : '');
  return {
    title: challenge.title,
    tagline: challenge.tagline,
    agency: challenge.agency,
    visibility: challenge.visibility,
    allowedEmailDomains: challenge.allowedEmailDomains.join('\n'),
    description: challenge.description,
    faq: challenge.faq,
    opensAt: local(challenge.opensAt),
    closesAt: local(challenge.closesAt),
    judgingEndsAt: local(challenge.judgingEndsAt),
    phases: [
      ...challenge.phases.map((p) => ({
        from: String(p.number),
        position: String(p.number),
        name: p.name,
        opensAt: local(p.opensAt),
        closesAt: local(p.closesAt),
        judgingEndsAt: local(p.judgingEndsAt),
        judgesPerSubmission: String(p.judgesPerSubmission),
        advanceCount: p.advanceCount ? String(p.advanceCount) : '',
      })),
      ...Array.from({ length: SPARE_PHASE_ROWS }, () => ({ from: '', position: '', name: '', opensAt: '', closesAt: '', judgingEndsAt: '', judgesPerSubmission: '', advanceCount: '' })),
    ],
    timeZone: zone,
    prizeAmount: challenge.prizeAmount ?? '',
    prizeCurrency: challenge.prizeCurrency,
    winnersCount: String(challenge.winnersCount),
    rules: challenge.rules,
    eligibility: challenge.eligibility,
    rubric: [
      ...phase.rubric.map((c) => ({ ...c, weight: String(c.weight), maxScore: String(c.maxScore) })),
      ...Array.from({ length: SPARE_RUBRIC_ROWS }, () => ({ key: '', name: '', description: '', weight: '', maxScore: '' })),
    ],
    fields: [
      ...phase.fields.map((f) => ({
        key: f.key,
        label: f.label,
        type: f.type,
        required: f.required ? 'on' : '',
        helpText: f.helpText ?? '',
        maxLength: f.maxLength ? String(f.maxLength) : '',
        options: (f.options ?? []).join('\n'),
        accept: f.accept ?? [],
        maxMegabytes: f.maxBytes ? String(Math.round((f.maxBytes / MB) * 100) / 100) : '',
        identifying: f.identifying ? 'on' : '',
      })),
      ...Array.from({ length: SPARE_FIELD_ROWS }, () => ({ key: '', label: '', type: 'text', required: '', helpText: '', maxLength: '', options: '', accept: [], maxMegabytes: '', identifying: '' })),
    ],
    judgesPerSubmission: String(challenge.judgesPerSubmission),
    blindJudging: challenge.blindJudging ? 'on' : '',
    maxSubmissionsPerSolver: String(challenge.maxSubmissionsPerSolver),
  };
}

/** `form[key]` as an instant in `zone`; a problem named `field` (default: the key) when it is not a date and time. */
function dateInput(form: Form, key: string, zone: string, problems: FieldError[], field = key): string | undefined {
  const raw = text(form[key]).trim();
  if (raw === '') return undefined;
  const instant = zonedLocalToInstant(raw, zone);
  if (!instant) {
    problems.push({ field, message: 'must be a date and time' });
    return undefined;
  }
  return instant.toISOString();
}

/**
 * The phases step: rows in the order of their position numbers, without removed or blank ones. Each row keeps the
 * rubric and entry form of the phase it came from (`from`); a new row starts from the last phase's.
 */
function phasesInput(form: Form, challenge: Challenge | null, problems: FieldError[]): Form[] {
  const zone = challenge?.timeZone ?? 'UTC';
  const kept = rows(form.phases).filter((row) => !checked(row.remove) && !blank(row, ['name', 'opensAt', 'closesAt']));
  const position = (row: Form) => {
    const n = numberOrRaw(row.position);
    return typeof n === 'number' ? n : Number.MAX_SAFE_INTEGER;
  };
  return kept
    .map((row, index) => ({ row, index }))
    .sort((a, b) => position(a.row) - position(b.row) || a.index - b.index)
    .map(({ row }, i) => {
      const source = challenge?.phases.find((p) => String(p.number) === text(row.from)) ?? challenge?.finalPhase;
      return {
        name: text(row.name),
        opensAt: dateInput(row, 'opensAt', zone, problems, `phases.${i}.opensAt`),
        closesAt: dateInput(row, 'closesAt', zone, problems, `phases.${i}.closesAt`),
        judgingEndsAt: dateInput(row, 'judgingEndsAt', zone, problems, `phases.${i}.judgingEndsAt`),
        judgesPerSubmission: numberOrRaw(row.judgesPerSubmission),
        advanceCount: numberOrRaw(row.advanceCount),
        rubric: source?.rubric,
        fields: source?.fields,
      };
    });
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
    case 'phases':
      input = { phases: phasesInput(form, challenge, problems) };
      break;
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
              identifying: checked(row.identifying) || undefined,
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
