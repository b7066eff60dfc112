import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validate } from 'class-validator';
import { ValidationError, ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { FieldError, ValidationFailedError } from './errors/domain-errors';

function describe(constraint: string, message: string, property: string): string {
  if (constraint === 'whitelistValidation') return 'is not an allowed property';
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}

/** Flattens class-validator's tree into `{ field: "rubric.0.key", message }` pairs. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      field,
      message: describe(constraint, message, error.property),
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Property names that reach an object's prototype machinery (class-transformer reads `value.constructor`). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * C0 controls other than tab, newline and CR (PostgreSQL refuses NUL in text, and none belongs in user input), and
 * UTF-16 surrogates without their pair (they cannot be stored as UTF-8).
 */
const UNACCEPTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const MAX_REPORTED = 20;

/** Text PostgreSQL and a page can hold: no C0 control except tab, newline and CR, no unpaired surrogate. */
function isAcceptableText(text: string): boolean {
  return !UNACCEPTABLE.test(text);
}

const BAD_TEXT = 'contains a character that is not allowed (a control character or an unpaired surrogate)';

/**
 * Everything in a parsed body, query or path value that must not reach a query: reserved property names and text
 * that is not acceptable, in keys or values at any depth, as field errors. Walked without recursion, so a deeply
 * nested body cannot overflow the stack.
 */
function inputErrors(value: unknown, field = ''): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, field]];
  while (pending.length > 0 && errors.length < MAX_REPORTED) {
    const [item, path] = pending.pop()!;
    if (typeof item === 'string') {
      if (!isAcceptableText(item)) errors.push({ field: path, message: BAD_TEXT });
      continue;
    }
    if (typeof item !== 'object' || item === null) continue;
    for (const key of Object.keys(item)) {
      const child = path ? `${path}.${key}` : key;
      if (RESERVED_KEYS.has(key)) errors.push({ field: child, message: 'is not an allowed property name' });
      else if (!isAcceptableText(key)) errors.push({ field: child, message: BAD_TEXT });
      else pending.push([(item as Record<string, unknown>)[key], child]);
    }
  }
  return errors;
}

function assertAcceptableInput(value: unknown, field?: string): void {
  const errors = inputErrors(value, field);
  if (errors.length > 0) throw new ValidationFailedError(errors);
}

/**
 * The global pipe, the one edge every body, query and path value a handler reads passes through (pages that parse
 * their own body use `validateDto`, which applies the same check): reserved property names and unacceptable text
 * are refused with 422 before class-transformer or the database sees them.
 */
class LaurelValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') assertAcceptableInput(value, metadata.data);
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new LaurelValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
  });
}

/** Validates a plain object against a DTO class the way the global pipe does (used by pages that map form fields). */
export async function validateDto<T extends object>(type: new () => T, plain: object): Promise<T> {
  assertAcceptableInput(plain);
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
  return instance;
}

/**
 * A page's query string as `type`: parameters the DTO does not declare (`utm_source`, `fbclid`, …) and empty ones are
 * left out before validating, so a campaign link opens the page. Returns the kept parameters too, for page links.
 */
export async function validatePageQuery<T extends object>(type: new () => T, raw: Record<string, unknown>): Promise<{ query: T; params: Record<string, string> }> {
  const known = new Set(getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).map((m) => m.propertyName));
  const params = Object.fromEntries(Object.entries(raw).filter(([key, value]) => known.has(key) && value !== '')) as Record<string, string>;
  return { query: await validateDto(type, params), params };
}
