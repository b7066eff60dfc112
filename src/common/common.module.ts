import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit/audit.service';
import { Clock, SystemClock } from './clock';
import { AnonymousPageCache } from './http/anonymous-page-cache';
import { RateLimiter } from './rate-limiter';

@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }, RateLimiter, AuditService, AnonymousPageCache],
  exports: [Clock, RateLimiter, AuditService, AnonymousPageCache],
})
export class CommonModule {}
