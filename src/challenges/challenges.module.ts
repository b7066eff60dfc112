import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChallengesApiController } from './challenges.api.controller';
import { ChallengesService } from './challenges.service';
import { ChallengesWebController } from './challenges.web.controller';
import { ManageChallengesWebController } from './manage-challenges.web.controller';

@Module({
  imports: [AuthModule],
  controllers: [ChallengesApiController, ManageChallengesWebController, ChallengesWebController],
  providers: [ChallengesService],
  exports: [ChallengesService],
})
export class ChallengesModule {}
