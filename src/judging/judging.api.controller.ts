import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { BearerGuard, CurrentUser, OptionalBearerGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { toUserView } from '../auth/user.view';
import { PhaseQuery } from '../challenges/dto/challenge.dto';
import { IdParam } from '../common/http/id-param.pipe';
import { PhaseNumberParam } from '../challenges/phase-number.pipe';
import { AdvancementService } from './advancement.service';
import {
  AcceptInvitationDto,
  AdvanceDto,
  ConflictDto,
  InviteJudgeDto,
  QueueQuery,
  RankingQuery,
  ReassignDto,
  RecuseDto,
  ReopenDto,
  ScorecardDto,
} from './dto/judging.dto';
import { JudgingService } from './judging.service';
import { rankingCsv, scorecardsCsv, toAssignmentStatusView, toJudgeView, toQueueItemView, toScorecardView } from './judging.views';

@ApiTags('judging')
@ApiBearerAuth()
@Controller('api/v1')
export class JudgingApiController {
  constructor(
    private readonly judging: JudgingService,
    private readonly advancement: AdvancementService,
    private readonly auth: AuthService,
  ) {}

  @Post('challenges/:id/judges')
  @UseGuards(BearerGuard)
  async invite(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: InviteJudgeDto) {
    return toJudgeView(await this.judging.invite(user, id, body.email, body.name));
  }

  @Get('challenges/:id/judges')
  @UseGuards(BearerGuard)
  async panel(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    const { judges, conflicts } = await this.judging.panel(user, id);
    return {
      judges: judges.map(({ judge, counts }) => toJudgeView(judge, counts)),
      conflicts: conflicts.map((c) => ({ id: c.id, judgeId: c.judgeId, submissionId: c.submissionId, reason: c.reason, createdAt: c.createdAt.toISOString() })),
    };
  }

  @Delete('challenges/:id/judges/:judgeId')
  @HttpCode(204)
  @UseGuards(BearerGuard)
  async remove(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('judgeId', IdParam) judgeId: string) {
    await this.judging.remove(user, id, judgeId);
  }

  /** With the invited address's bearer token, or with `{ name, password }` to create that account now. */
  @Post('judge-invitations/:token/accept')
  @HttpCode(200)
  @UseGuards(OptionalBearerGuard)
  async accept(@CurrentUser() user: User | undefined, @Param('token') token: string, @Body() body: AcceptInvitationDto) {
    const account = body.password ? { name: body.name ?? '', password: body.password } : undefined;
    const { judge, user: judgeUser, created } = await this.judging.accept(token, user, account);
    return { judge: toJudgeView(judge), user: toUserView(judgeUser), ...(created ? await this.auth.accessTokenFor(judgeUser) : {}) };
  }

  @Post('judge-invitations/:token/decline')
  @HttpCode(200)
  async decline(@Param('token') token: string) {
    return toJudgeView(await this.judging.decline(token));
  }

  @Get('challenges/:id/judging/entries')
  @UseGuards(BearerGuard)
  async entries(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: PhaseQuery) {
    return (await this.judging.panelEntries(user, id, query.phase)).entries;
  }

  @Post('challenges/:id/conflicts')
  @UseGuards(BearerGuard)
  async conflict(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: ConflictDto) {
    const conflict = await this.judging.declareConflict(user, id, body.submissionId, body.reason, body.judgeId);
    return { id: conflict.id, judgeId: conflict.judgeId, submissionId: conflict.submissionId, reason: conflict.reason };
  }

  @Post('challenges/:id/judging/start')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async start(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: PhaseQuery) {
    const { phase, assignments } = await this.judging.startJudging(user, id, query.phase);
    return { status: 'judging', phase: phase.number, assignments, seed: phase.assignmentSeed };
  }

  /** Ends an earlier phase: the chosen entries advance, every entrant of the phase gets one `phase-result`. */
  @Post('challenges/:id/phases/:number/advance')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async advance(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('number', PhaseNumberParam) number: number, @Body() body: AdvanceDto) {
    const { phase, advanced, warnings } = await this.advancement.advance(user, id, number, body);
    return { phase: phase.number, advanced, warnings };
  }

  @Get('me/assignments')
  @UseGuards(BearerGuard)
  async queue(@CurrentUser() user: User, @Query() query: QueueQuery) {
    return (await this.judging.queue(user, query.challengeId)).map(toQueueItemView);
  }

  @Get('assignments/:id')
  @UseGuards(BearerGuard)
  async assignment(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return toQueueItemView(await this.judging.assignmentFor(user, id));
  }

  @Put('assignments/:id/scorecard')
  @UseGuards(BearerGuard)
  async score(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: ScorecardDto) {
    const { assignment, scorecard } = await this.judging.saveScorecard(user, id, body);
    return { ...toAssignmentStatusView(assignment), scorecard: toScorecardView(scorecard) };
  }

  @Post('assignments/:id/recuse')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async recuse(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: RecuseDto) {
    const { assignment, reassignedTo } = await this.judging.recuse(user, id, body.reason);
    return { ...toAssignmentStatusView(assignment), reassigned: reassignedTo !== null };
  }

  @Post('assignments/:id/reassign')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async reassign(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: ReassignDto) {
    return toAssignmentStatusView(await this.judging.reassign(user, id, body.judgeId));
  }

  @Post('assignments/:id/reopen')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async reopen(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: ReopenDto) {
    return toAssignmentStatusView(await this.judging.reopen(user, id, body.reason));
  }

  @Get('challenges/:id/judging/progress')
  @UseGuards(BearerGuard)
  async progress(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: PhaseQuery) {
    const { overall, judges } = await this.judging.progress(user, id, query.phase);
    return { overall, judges };
  }

  @Post('challenges/:id/judging/remind')
  @HttpCode(200)
  @UseGuards(BearerGuard)
  async remind(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return { reminded: await this.judging.remind(user, id) };
  }

  /** The contract's array of ranked entries (`?format=csv` for a spreadsheet). */
  @Get('challenges/:id/ranking')
  @UseGuards(BearerGuard)
  async ranking(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: RankingQuery, @Res({ passthrough: true }) res: Response) {
    const { challenge, phase, ranking } = await this.judging.ranking(user, id, query.normalize ?? 'none', query.phase);
    if (query.format === 'csv') {
      res.type('text/csv').attachment(`${challenge.slug}-ranking-${ranking.normalize}.csv`);
      return rankingCsv(ranking, phase.rubric.map((c) => c.key));
    }
    return ranking.entries;
  }

  /** How the ranking was computed: per-judge calibration, agreement (ICC) and the tie-break chain. */
  @Get('challenges/:id/ranking/summary')
  @UseGuards(BearerGuard)
  async rankingSummary(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: RankingQuery) {
    const { ranking } = await this.judging.ranking(user, id, query.normalize ?? 'none', query.phase);
    return { normalize: ranking.normalize, judges: ranking.judges, agreement: ranking.agreement, tieBreak: ranking.tieBreak };
  }

  @Get('challenges/:id/scorecards')
  @UseGuards(BearerGuard)
  async scorecards(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() query: RankingQuery, @Res({ passthrough: true }) res: Response) {
    const { challenge, phase, rows } = await this.judging.scorecards(user, id, query.phase);
    if (query.format === 'csv') {
      res.type('text/csv').attachment(`${challenge.slug}-scorecards.csv`);
      return scorecardsCsv(rows, phase.rubric.map((c) => c.key));
    }
    return rows.map((r) => ({
      assignmentId: r.assignment_id,
      submissionId: r.submission_id,
      receipt: r.receipt,
      judge: { id: r.judge_id, name: r.judge_name, email: r.judge_email },
      status: r.status,
      scorecard: r.scores ? { scores: r.scores, feedback: r.feedback, note: r.note, final: r.final, submittedAt: r.submitted_at?.toISOString() ?? null } : null,
    }));
  }
}
