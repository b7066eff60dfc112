import { Module } from '@nestjs/common';
import { ChallengesApiController } from './challenges.api.controller';
import { ChallengesService } from './challenges.service';
import { ChallengesWebController } from './challenges.web.controller';
import { ManageChallengesWebController } from './manage-challenges.web.controller';

@Module({
  controllers: [ChallengesApiController, ManageChallengesWebController, ChallengesWebController],
  providers: [ChallengesService],
  exports: [ChallengesService],
})
export class ChallengesModule {}
