import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DevMailboxWebController } from './dev-mailbox.web.controller';
import { JobQueue } from './job-queue';
import { MailTemplates } from './mail-templates';
import { EmlFileMailTransport, MailTransport, SmtpMailTransport } from './mail-transport';
import { MailWorker } from './mail-worker';
import { OutboxService } from './outbox.service';

@Module({
  controllers: [DevMailboxWebController],
  providers: [
    JobQueue,
    OutboxService,
    MailWorker,
    { provide: MailTemplates, useFactory: () => new MailTemplates() },
    {
      provide: MailTransport,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.smtpUrl ? new SmtpMailTransport(config.smtpUrl) : new EmlFileMailTransport(join(config.dataDir, 'mail')),
    },
  ],
  exports: [OutboxService, JobQueue],
})
export class NotificationsModule {}
