import type { FieldError } from '../common/errors/domain-errors';
import type { FormField } from '../challenges/challenge.entity';

/** A stored file answer: the file row's id and what may be shown about it. */
export interface FileAnswer {
  fileId: string;
  name: string;
  size: number;
  contentType: string;
}

export type AnswerValue = string | number | boolean | FileAnswer;
export type Answers = Record<string, AnswerValue>;

const DEFAULT_MAX_LENGTH: Partial<Record<FormField['type'], number>> = { text: 500, textarea: 20_000, url: 2000, email: 254 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The most characters an answer to a (non-file) field may have. */
export function answerMaxLength(field: FormField): number {
  switch (field.type) {
    case 'select':
      return Math.max(0, ...(field.options ?? []).map((option) => option.length));
    case 'number':
      return 32;
    case 'checkbox':
      return 5;
    default:
      return field.maxLength ?? DEFAULT_MAX_LENGTH[field.type] ?? 0;
  }
}

function isUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && !!url.hostname;
  } catch {
    return false;
  }
}

function empty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** One answer converted to its field's type, or the reason it cannot be. */
function convert(field: FormField, raw: unknown): { value?: AnswerValue; error?: string } {
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'url':
    case 'email': {
      if (typeof raw !== 'string') return { error: 'must be text' };
      const value = field.type === 'textarea' ? raw.replace(/\r\n/g, '\n').trim() : raw.trim();
      const limit = answerMaxLength(field);
      if (value.length > limit) return { error: `must be at most ${limit} characters` };
      if (field.type === 'url' && !isUrl(value)) return { error: 'must be a web address starting with http:// or https://' };
      if (field.type === 'email' && !EMAIL.test(value)) return { error: 'must be an email address' };
      return { value };
    }
    case 'number': {
      const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
      return Number.isFinite(value) && Math.abs(value) < 1e15 ? { value } : { error: 'must be a number' };
    }
    case 'select':
      return typeof raw === 'string' && field.options?.includes(raw) ? { value: raw } : { error: `must be one of: ${field.options?.join(', ')}` };
    case 'checkbox':
      if (raw === true || raw === 'true' || raw === 'on') return { value: true };
      if (raw === false || raw === 'false') return { value: false };
      return { error: 'must be true or false' };
    case 'file':
      return { error: 'must be uploaded as a file (multipart/form-data)' };
  }
}

/**
 * Checks answers against the challenge's fields: unknown keys, types, lengths, options, and (when the entry is
 * being submitted) required fields. File fields are handled by the caller and passed in `files`.
 */
export function checkAnswers(
  fields: FormField[],
  raw: Record<string, unknown>,
  files: Record<string, FileAnswer>,
  final: boolean,
): { answers: Answers; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const answers: Answers = {};
  const known = new Map(fields.map((field) => [field.key, field]));
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) errors.push({ field: `answers.${key}`, message: 'is not a field of this challenge' });
  }
  for (const field of fields) {
    const at = `answers.${field.key}`;
    if (field.type === 'file') {
      if (!empty(raw[field.key])) errors.push({ field: at, message: 'must be uploaded as a file (multipart/form-data)' });
      else if (files[field.key]) answers[field.key] = files[field.key];
      else if (final && field.required) errors.push({ field: at, message: 'is required' });
      continue;
    }
    const value = raw[field.key];
    if (empty(value) || (field.type === 'checkbox' && (value === false || value === 'false') && field.required)) {
      if (final && field.required) errors.push({ field: at, message: field.type === 'checkbox' ? 'must be checked' : 'is required' });
      if (field.type === 'checkbox' && !empty(value)) answers[field.key] = false;
      continue;
    }
    const converted = convert(field, value);
    if (converted.error) errors.push({ field: at, message: converted.error });
    else answers[field.key] = converted.value!;
  }
  return { answers, errors };
}
