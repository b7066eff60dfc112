import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock';
import { RateLimiter } from './rate-limiter';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, RateLimiter],
  exports: [Clock, RateLimiter],
})
export class CommonModule {}
