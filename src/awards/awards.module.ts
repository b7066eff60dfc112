import { Module } from '@nestjs/common';
import { ChallengesModule } from '../challenges/challenges.module';
import { JudgingModule } from '../judging/judging.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { SubmissionsModule } from '../submissions/submissions.module';
import { AwardsApiController } from './awards.api.controller';
import { AwardsService } from './awards.service';
import { AwardsWebController } from './awards.web.controller';

@Module({
  imports: [ChallengesModule, SubmissionsModule, JudgingModule, NotificationsModule],
  controllers: [AwardsApiController, AwardsWebController],
  providers: [AwardsService],
})
export class AwardsModule {}
