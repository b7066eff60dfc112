import { IdParam } from '../common/http/id-param.pipe';
import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BearerGuard, CurrentUser, OptionalBearerGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { SelectAwardsDto } from './dto/awards.dto';
import { AwardsService } from './awards.service';
import { toWinnerView } from './awards.views';

@ApiTags('awards')
@ApiBearerAuth()
@Controller('api/v1/challenges/:id')
export class AwardsApiController {
  constructor(private readonly awards: AwardsService) {}

  /** `{ awards: [...] }` by hand (a justification when departing from the ranking), or `{ fromRanking: true }`. */
  @Post('awards')
  @UseGuards(BearerGuard)
  async select(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: SelectAwardsDto) {
    const { rows, warnings } = await this.awards.select(user, id, body);
    return { awards: rows.map(toWinnerView), warnings };
  }

  @Get('awards')
  @UseGuards(BearerGuard)
  async list(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return (await this.awards.list(user, id)).map(toWinnerView);
  }

  @Post('announce')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async announce(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    const challenge = await this.awards.announce(user, id);
    return { status: 'announced', announcedAt: challenge.announcedAt?.toISOString(), delivery: `/api/v1/challenges/${challenge.id}/announcement` };
  }

  /** Delivery progress of the announcement's messages: queued, sent, failed (with reasons). */
  @Get('announcement')
  @UseGuards(BearerGuard)
  delivery(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return this.awards.delivery(user, id);
  }

  @Post('announcement/retry')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async retry(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return { retried: await this.awards.retryFailed(user, id) };
  }

  /** Public, and like `GET /challenges/{idOrSlug}` it takes the challenge's slug too: no id pipe here. */
  @Get('winners')
  @UseGuards(OptionalBearerGuard)
  async winners(@CurrentUser() user: User | undefined, @Param('id') id: string) {
    const { rows } = await this.awards.winners(user, id);
    return rows.map(toWinnerView);
  }
}
