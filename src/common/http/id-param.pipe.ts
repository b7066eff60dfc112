import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../errors/domain-errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value can name a row: ids are UUIDs, and anything else must not reach a uuid column. */
export function isId(value: unknown): boolean {
  return typeof value === 'string' && UUID.test(value);
}

/** A path id that is not a UUID names nothing: 404, like an unknown one. */
@Injectable()
export class IdParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isId(value)) throw new NotFoundError();
    return value.toLowerCase();
  }
}
