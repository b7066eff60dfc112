import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
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

/** Every place in a parsed body where a reserved property name appears, as field errors. */
function reservedKeyErrors(value: unknown, parent = '', depth = 0): FieldError[] {
  if (typeof value !== 'object' || value === null || depth > 32) return [];
  return Object.keys(value).flatMap((key) => {
    const field = parent ? `${parent}.${key}` : key;
    if (RESERVED_KEYS.has(key)) return [{ field, message: 'is not an allowed property name' }];
    return reservedKeyErrors((value as Record<string, unknown>)[key], field, depth + 1);
  });
}

function assertNoReservedKeys(value: unknown): void {
  const errors = reservedKeyErrors(value);
  if (errors.length > 0) throw new ValidationFailedError(errors);
}

/** The global pipe: reserved property names are refused (422) before class-transformer sees them. */
class LaurelValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') assertNoReservedKeys(value);
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
  assertNoReservedKeys(plain);
  const instance = plainToInstance(type, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true });
  if (errors.length > 0) throw new ValidationFailedError(flattenValidationErrors(errors));
  return instance;
}
