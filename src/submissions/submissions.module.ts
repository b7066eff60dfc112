import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { ChallengesModule } from '../challenges/challenges.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { NotificationsModule } from '../notifications/notifications.module';
import { DeadlineReminders } from './deadline-reminders';
import { FileStorage, LocalFileStorage } from './file-storage';
import { Clock } from '../common/clock';
import { IncomingFiles } from './incoming-files';
import { SubmissionsApiController } from './submissions.api.controller';
import { SubmissionsService } from './submissions.service';
import { SubmissionsWebController } from './submissions.web.controller';

@Module({
  imports: [ChallengesModule, NotificationsModule],
  controllers: [SubmissionsApiController, SubmissionsWebController],
  providers: [
    SubmissionsService,
    DeadlineReminders,
    { provide: FileStorage, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new LocalFileStorage(join(config.dataDir, 'uploads')) },
    { provide: IncomingFiles, inject: [APP_CONFIG, Clock], useFactory: (config: AppConfig, clock: Clock) => new IncomingFiles(join(config.dataDir, 'incoming'), clock) },
  ],
  exports: [SubmissionsService],
})
export class SubmissionsModule {}
