import { IdParam } from '../common/http/id-param.pipe';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BearerGuard, CurrentUser, OptionalBearerGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { Clock } from '../common/clock';
import { AddManagerDto, CancelChallengeDto, CreateChallengeDto, ListChallengesQuery, UpdateChallengeDto, UpdatePhaseDto } from './dto/challenge.dto';
import { PhaseNumberParam } from './phase-number.pipe';
import { toChallengeView } from './challenge.view';
import { ChallengesService } from './challenges.service';

@ApiTags('challenges')
@ApiBearerAuth()
@Controller('api/v1')
export class ChallengesApiController {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
  ) {}

  @Post('challenges')
  @UseGuards(BearerGuard)
  async create(@CurrentUser() user: User, @Body() body: CreateChallengeDto) {
    return toChallengeView(await this.challenges.create(user, body), this.clock.now());
  }

  /** Published challenges the caller may see; internal ones only for verified users of an allowed domain. */
  @Get('challenges')
  @UseGuards(OptionalBearerGuard)
  async list(@CurrentUser() user: User | undefined, @Query() query: ListChallengesQuery) {
    const page = await this.challenges.list(user, query);
    const now = this.clock.now();
    return { ...page, items: page.items.map((c) => toChallengeView(c, now)) };
  }

  @Get('challenges/:idOrSlug')
  @UseGuards(OptionalBearerGuard)
  async get(@CurrentUser() user: User | undefined, @Param('idOrSlug') idOrSlug: string) {
    return toChallengeView(await this.challenges.getVisible(user, idOrSlug), this.clock.now());
  }

  @Patch('challenges/:id')
  @UseGuards(BearerGuard)
  async update(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: UpdateChallengeDto) {
    return toChallengeView(await this.challenges.update(user, id, body), this.clock.now());
  }

  /** One phase: its timeline until it closes, its rubric and fields until it has an entry. */
  @Patch('challenges/:id/phases/:number')
  @UseGuards(BearerGuard)
  async updatePhase(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('number', PhaseNumberParam) number: number, @Body() body: UpdatePhaseDto) {
    return toChallengeView(await this.challenges.updatePhase(user, id, number, body), this.clock.now());
  }

  @Post('challenges/:id/publish')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async publish(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return toChallengeView(await this.challenges.publish(user, id), this.clock.now());
  }

  @Post('challenges/:id/close')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async close(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return toChallengeView(await this.challenges.close(user, id), this.clock.now());
  }

  @Post('challenges/:id/cancel')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async cancel(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: CancelChallengeDto) {
    return toChallengeView(await this.challenges.cancel(user, id, body.reason), this.clock.now());
  }

  @Get('challenges/:id/managers')
  @UseGuards(BearerGuard)
  managers(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return this.challenges.managers(user, id);
  }

  @Post('challenges/:id/managers')
  @UseGuards(BearerGuard)
  addManager(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: AddManagerDto) {
    return this.challenges.addManager(user, id, body.email);
  }

  @Delete('challenges/:id/managers/:userId')
  @HttpCode(204)
  @UseGuards(BearerGuard)
  async removeManager(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('userId', IdParam) userId: string) {
    await this.challenges.removeManager(user, id, userId);
  }

  @Get('challenges/:id/audit')
  @UseGuards(BearerGuard)
  audit(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return this.challenges.auditLog(user, id);
  }

  @Get('me/challenges')
  @UseGuards(BearerGuard)
  async managed(@CurrentUser() user: User) {
    const now = this.clock.now();
    return (await this.challenges.listManaged(user)).map(({ challenge, role }) => ({ ...toChallengeView(challenge, now), managerRole: role }));
  }
}
