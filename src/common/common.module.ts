import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit/audit.service';
import { Clock, SystemClock } from './clock';
import { RateLimiter } from './rate-limiter';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, RateLimiter, AuditService],
  exports: [Clock, RateLimiter, AuditService],
})
export class CommonModule {}
