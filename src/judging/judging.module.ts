import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChallengesModule } from '../challenges/challenges.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { AdvancementService } from './advancement.service';
import { JudgingApiController } from './judging.api.controller';
import { JudgingReminders } from './judging-reminders';
import { JudgingService } from './judging.service';
import { JudgingWebController } from './judging.web.controller';

@Module({
  imports: [AuthModule, ChallengesModule, SubmissionsModule, NotificationsModule],
  controllers: [JudgingApiController, JudgingWebController],
  providers: [JudgingService, AdvancementService, JudgingReminders],
  exports: [JudgingService],
})
export class JudgingModule {}
