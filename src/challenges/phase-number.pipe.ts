import { Injectable, PipeTransform } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain-errors';

/** `:number` of a phase route: a whole number 1–99, otherwise there is no such phase (404). */
@Injectable()
export class PhaseNumberParam implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9][0-9]?$/.test(value)) throw new NotFoundError('phase');
    return Number(value);
  }
}

/** `?phase=N` on a page: absent means the current phase; anything else must name a phase (404 otherwise). */
@Injectable()
export class OptionalPhaseNumberParam implements PipeTransform<string | undefined, number | undefined> {
  private readonly required = new PhaseNumberParam();

  transform(value: string | undefined): number | undefined {
    return value === undefined || value === '' ? undefined : this.required.transform(value);
  }
}
