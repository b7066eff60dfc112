import { Injectable } from '@nestjs/common';

/** The only source of "now" for services, so deadlines can be tested without sleeping. */
export abstract class Clock {
  abstract now(): Date;
}

@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
