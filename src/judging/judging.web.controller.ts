import { Body, Controller, Get, Inject, Param, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { CurrentUser, SignedInGuard } from '../auth/guards';
import { SESSION_COOKIE, sessionCookieOptions } from '../auth/session.middleware';
import { User } from '../auth/user.entity';
import { phaseStatusIn } from '../challenges/challenge-status';
import type { Challenge } from '../challenges/challenge.entity';
import { toChallengeView, toPhaseView } from '../challenges/challenge.view';
import type { Phase } from '../challenges/phase.entity';
import { Clock } from '../common/clock';
import { FormView } from '../common/http/form-view';
import { IdParam, isId } from '../common/http/id-param.pipe';
import { validateDto } from '../common/validation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { judgeFields } from '../submissions/blind-judging';
import { answerText } from '../submissions/submissions.service';
import { OptionalPhaseNumberParam, PhaseNumberParam } from '../challenges/phase-number.pipe';
import { AdvancementService } from './advancement.service';
import { AcceptInvitationDto, AdvanceDto, ConflictDto, InviteJudgeDto, ReopenDto, RecuseDto, ScorecardDto } from './dto/judging.dto';
import { judgeSpreadChart, scoreHistogram } from './charts';
import { JudgingService } from './judging.service';
import { rankingCsv, scorecardsCsv, toJudgeView, toQueueItemView } from './judging.views';

type Form = Record<string, unknown>;

/** The phase a manager's page shows, for its heading and phase links; nothing for a one-phase challenge. */
const phaseView = (challenge: Challenge, phase: Phase, now: Date) => (challenge.phases.length > 1 ? toPhaseView(phase, now) : undefined);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const wholeNumberOrRaw = (value: unknown) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value === '' ? undefined : value);

@ApiExcludeController()
@Controller()
export class JudgingWebController {
  constructor(
    private readonly judging: JudgingService,
    private readonly advancement: AdvancementService,
    private readonly auth: AuthService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- invitations (the link works signed in or not) ----------------------------------------------------------

  @Get('judge/invitations/:token')
  async invitation(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    res.render('judging/invitation', await this.invitationModel(token, req.user));
  }

  @Post('judge/invitations/:token/accept')
  @FormView('judging/invitation')
  async accept(@Param('token') token: string, @Body() form: Form, @Req() req: Request, @Res() res: Response) {
    Object.assign(res.locals, await this.invitationModel(token, req.user));
    const input = req.user ? undefined : await validateDto(AcceptInvitationDto, { name: text(form.name) || undefined, password: text(form.password) });
    const { judge, user, created } = await this.judging.accept(token, req.user, input?.password ? { name: input.name ?? '', password: input.password } : undefined);
    if (created) {
      const session = await this.auth.startSession(user);
      res.cookie(SESSION_COOKIE, session.token, { ...sessionCookieOptions(this.config), maxAge: session.maxAgeMs });
    }
    res.redirect(303, `/judge?challengeId=${judge.challengeId}&welcome=1`);
  }

  @Post('judge/invitations/:token/decline')
  @Render('judging/invitation-declined')
  async decline(@Param('token') token: string) {
    await this.judging.decline(token);
    return { title: 'Invitation declined' };
  }

  // ---- the judge's side --------------------------------------------------------------------------------------

  @Get('judge')
  @UseGuards(SignedInGuard)
  @Render('judging/queue')
  async queue(@CurrentUser() user: User, @Query('challengeId') challengeId: string | undefined, @Query('welcome') welcome: string | undefined) {
    const items = await this.judging.queue(user, typeof challengeId === 'string' && isId(challengeId) ? challengeId.toLowerCase() : undefined);
    const now = this.clock.now();
    const byChallenge = new Map<string, { challenge: ReturnType<typeof toChallengeView>; items: ReturnType<typeof toQueueItemView>[]; done: number; total: number }>();
    for (const item of items) {
      const group = byChallenge.get(item.challenge.id) ?? { challenge: toChallengeView(item.challenge, now), items: [], done: 0, total: 0 };
      group.items.push(toQueueItemView(item));
      if (item.assignment.status !== 'recused') group.total += 1;
      if (item.assignment.status === 'submitted') group.done += 1;
      byChallenge.set(item.challenge.id, group);
    }
    return { title: 'Your judging', groups: [...byChallenge.values()], welcome: welcome === '1' };
  }

  @Get('judge/assignments/:id')
  @UseGuards(SignedInGuard)
  async scorecardPage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query('saved') saved: string | undefined, @Res() res: Response) {
    const model = await this.scorecardModel(user, id);
    res.render('judging/scorecard', { ...model, saved, values: model.current });
  }

  @Post('judge/assignments/:id')
  @UseGuards(SignedInGuard)
  @FormView('judging/scorecard')
  async saveScorecard(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    Object.assign(res.locals, await this.scorecardModel(user, id));
    const rawScores = typeof form.scores === 'object' && form.scores !== null ? (form.scores as Form) : {};
    const input = await validateDto(ScorecardDto, {
      scores: Object.fromEntries(Object.entries(rawScores).map(([k, v]) => [k, wholeNumberOrRaw(v)])),
      feedback: text(form.feedback),
      note: text(form.note),
      final: form.final === 'true',
    });
    await this.judging.saveScorecard(user, id, input);
    res.redirect(303, `/judge/assignments/${id}?saved=${input.final ? 'final' : 'draft'}`);
  }

  @Post('judge/assignments/:id/recuse')
  @UseGuards(SignedInGuard)
  @FormView('judging/scorecard')
  async recuse(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    const model = await this.scorecardModel(user, id);
    Object.assign(res.locals, model);
    const input = await validateDto(RecuseDto, { reason: form.reason });
    await this.judging.recuse(user, id, input.reason);
    res.redirect(303, `/judge?challengeId=${model.challenge.id}`);
  }

  @Get('judge/challenges/:id/entries')
  @UseGuards(SignedInGuard)
  async entriesPage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    res.render('judging/entries', await this.entriesModel(user, id));
  }

  @Post('judge/challenges/:id/conflicts')
  @UseGuards(SignedInGuard)
  @FormView('judging/entries')
  async conflict(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    const model = await this.entriesModel(user, id);
    Object.assign(res.locals, model);
    const input = await validateDto(ConflictDto, { submissionId: form.submissionId, reason: form.reason });
    await this.judging.declareConflict(user, id, input.submissionId, input.reason);
    res.redirect(303, `/judge/challenges/${model.challenge.id}/entries`);
  }

  // ---- the manager's side ------------------------------------------------------------------------------------

  @Get('manage/challenges/:id/judges')
  @UseGuards(SignedInGuard)
  async panelPage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    res.render('judging/panel', await this.panelModel(user, id));
  }

  @Post('manage/challenges/:id/judges')
  @UseGuards(SignedInGuard)
  @FormView('judging/panel')
  async invite(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    const model = await this.panelModel(user, id);
    Object.assign(res.locals, model);
    const input = await validateDto(InviteJudgeDto, { email: form.email, name: text(form.name) || undefined });
    await this.judging.invite(user, id, input.email, input.name);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/judges?invited=1`);
  }

  @Post('manage/challenges/:id/judges/:judgeId/remove')
  @UseGuards(SignedInGuard)
  @FormView('judging/panel')
  async removeJudge(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('judgeId', IdParam) judgeId: string, @Res() res: Response) {
    const model = await this.panelModel(user, id);
    Object.assign(res.locals, model);
    await this.judging.remove(user, id, judgeId);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/judges`);
  }

  @Post('manage/challenges/:id/judges/:judgeId/conflicts')
  @UseGuards(SignedInGuard)
  @FormView('judging/panel')
  async managerConflict(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('judgeId', IdParam) judgeId: string, @Body() form: Form, @Res() res: Response) {
    const model = await this.panelModel(user, id);
    Object.assign(res.locals, model);
    const input = await validateDto(ConflictDto, { submissionId: form.submissionId, reason: form.reason, judgeId });
    await this.judging.declareConflict(user, id, input.submissionId, input.reason, judgeId);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/judges`);
  }

  @Get('manage/challenges/:id/judging')
  @UseGuards(SignedInGuard)
  async progressPage(
    @CurrentUser() user: User,
    @Param('id', IdParam) id: string,
    @Query('phase', OptionalPhaseNumberParam) phase: number | undefined,
    @Query('reminded') reminded: string | undefined,
    @Query('advanced') advanced: string | undefined,
    @Res() res: Response,
  ) {
    res.render('judging/progress', { ...(await this.progressModel(user, id, phase)), reminded, advanced });
  }

  @Post('manage/challenges/:id/judging/start')
  @UseGuards(SignedInGuard)
  @FormView('judging/progress')
  async start(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    Object.assign(res.locals, await this.progressModel(user, id));
    const { challenge } = await this.judging.startJudging(user, id);
    res.redirect(303, `/manage/challenges/${challenge.id}/judging`);
  }

  @Post('manage/challenges/:id/judging/remind')
  @UseGuards(SignedInGuard)
  @FormView('judging/progress')
  async remind(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const model = await this.progressModel(user, id);
    Object.assign(res.locals, model);
    const count = await this.judging.remind(user, id);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/judging?reminded=${count}`);
  }

  @Post('manage/challenges/:id/phases/:number/advance')
  @UseGuards(SignedInGuard)
  @FormView('judging/progress')
  async advance(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('number', PhaseNumberParam) number: number, @Body() form: Form, @Res() res: Response) {
    const model = await this.progressModel(user, id, number);
    Object.assign(res.locals, model);
    const input = await validateDto(AdvanceDto, { fromRanking: true, force: form.force === 'true' || undefined, reason: text(form.reason) || undefined });
    await this.advancement.advance(user, id, number, input);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/judging?phase=${number}&advanced=${number}`);
  }

  @Get('manage/challenges/:id/ranking')
  @UseGuards(SignedInGuard)
  @Render('judging/ranking')
  async rankingPage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query('phase', OptionalPhaseNumberParam) phaseNumber: number | undefined) {
    const [{ challenge, phase, ranking: raw }, { ranking: normalized }, { judges: panel }] = await Promise.all([
      this.judging.ranking(user, id, 'none', phaseNumber),
      this.judging.ranking(user, id, 'zscore', phaseNumber),
      this.judging.panel(user, id, phaseNumber),
    ]);
    const top = phase === challenge.finalPhase ? { count: challenge.winnersCount, tag: 'winner' } : { count: phase.advanceCount ?? 0, tag: 'advances' };
    const normalizedRank = new Map(normalized.entries.map((e) => [e.submissionId, e.rank]));
    const names = new Map(panel.map(({ judge }) => [judge.id, judge.name || judge.email]));
    return {
      title: `Ranking: ${challenge.title}`,
      challenge: toChallengeView(challenge, this.clock.now()),
      phase: phaseView(challenge, phase, this.clock.now()),
      entries: raw.entries.map((e) => ({
        ...e,
        normalizedRank: normalizedRank.get(e.submissionId),
        winner: e.rank <= top.count && e.score !== null,
      })),
      top,
      judges: normalized.judges.map((j) => ({ ...j, name: names.get(j.judgeId) ?? j.judgeId })),
      histogram: scoreHistogram(raw.entries.flatMap((e) => (e.score === null ? [] : [e.score]))),
      spread: judgeSpreadChart(await this.judging.judgeSpreads(phase, names)),
      agreement: raw.agreement,
      tieBreak: raw.tieBreak,
      criteria: phase.rubric,
    };
  }

  @Get('manage/challenges/:id/ranking.csv')
  @UseGuards(SignedInGuard)
  async rankingCsv(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query('normalize') normalize: string | undefined, @Res() res: Response) {
    const { challenge, ranking } = await this.judging.ranking(user, id, normalize === 'zscore' ? 'zscore' : 'none');
    res.type('text/csv').attachment(`${challenge.slug}-ranking-${ranking.normalize}.csv`).send(rankingCsv(ranking, challenge.rubric.map((c) => c.key)));
  }

  @Get('manage/challenges/:id/scorecards.csv')
  @UseGuards(SignedInGuard)
  async scorecardsCsv(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const { challenge, rows } = await this.judging.scorecards(user, id);
    res.type('text/csv').attachment(`${challenge.slug}-scorecards.csv`).send(scorecardsCsv(rows, challenge.rubric.map((c) => c.key)));
  }

  @Get('manage/challenges/:id/scorecards')
  @UseGuards(SignedInGuard)
  async scorecardsPage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    res.render('judging/scorecards', await this.scorecardsModel(user, id));
  }

  @Post('manage/assignments/:id/reopen')
  @UseGuards(SignedInGuard)
  @FormView('judging/scorecards')
  async reopen(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    const input = await validateDto(ReopenDto, { reason: form.reason });
    const assignment = await this.judging.reopen(user, id, input.reason);
    res.redirect(303, `/manage/challenges/${assignment.challengeId}/scorecards`);
  }

  // ---- models ------------------------------------------------------------------------------------------------

  private async invitationModel(token: string, viewer: User | undefined) {
    const { judge, challenge, expiresAt, expired } = await this.judging.invitation(token);
    const hasAccount = viewer ? true : await this.auth.accountExists(judge.email);
    return {
      title: `Judge ${challenge.title}`,
      token,
      judge: toJudgeView(judge),
      expiresAt,
      expired,
      challenge: toChallengeView(challenge, this.clock.now()),
      signedInAsInvitee: viewer?.email === judge.email,
      signedInAsOther: !!viewer && viewer.email !== judge.email,
      hasAccount,
      returnTo: encodeURIComponent(`/judge/invitations/${token}`),
    };
  }

  private async scorecardModel(user: User, id: string) {
    const item = await this.judging.assignmentFor(user, id);
    const view = toQueueItemView(item);
    const challenge = toChallengeView(item.challenge, this.clock.now());
    const scores = item.scorecard?.scores ?? {};
    return {
      title: `Score: ${item.submission.title}`,
      challenge,
      assignment: view,
      answers: judgeFields(item.phase).map((field) => {
        const file = view.submission.files.find((f) => f.fieldKey === field.key);
        return { label: field.label, text: file ? '' : answerText(view.submission.answers[field.key]), file };
      }),
      earlier: item.earlier && {
        id: item.earlier.submission.id,
        phase: item.earlier.phase.number,
        title: item.earlier.submission.title,
        answers: judgeFields(item.earlier.phase).map((field) => {
          const file = view.earlierEntry?.files.find((f) => f.fieldKey === field.key);
          return { label: field.label, text: file ? '' : answerText(view.earlierEntry?.answers[field.key]), file };
        }),
        score: item.earlier.scores.total,
        criteria: item.earlier.scores.criteria,
      },
      criteria: item.phase.rubric.map((c) => ({ ...c, value: scores[c.key] ?? '' })),
      locked: item.scorecard?.final === true,
      recused: item.assignment.status === 'recused',
      current: { feedback: item.scorecard?.feedback ?? '', note: item.scorecard?.note ?? '' },
      labels: { feedback: 'Feedback for the solver', note: 'Note for the panel', ...Object.fromEntries(item.phase.rubric.map((c) => [`scores.${c.key}`, c.name])) },
    };
  }

  private async entriesModel(user: User, id: string) {
    const { challenge, entries } = await this.judging.panelEntries(user, id);
    return { title: `Entries: ${challenge.title}`, challenge: toChallengeView(challenge, this.clock.now()), entries };
  }

  private async panelModel(user: User, id: string) {
    const { challenge, judges, conflicts } = await this.judging.panel(user, id);
    const entries = (await this.judging.panelEntries(user, challenge.id)).entries;
    return {
      title: `Judges: ${challenge.title}`,
      challenge: toChallengeView(challenge, this.clock.now()),
      judges: judges.map(({ judge, counts }) => ({
        ...toJudgeView(judge, counts),
        conflicts: conflicts.filter((c) => c.judgeId === judge.id).map((c) => ({ reason: c.reason, entry: entries.find((e) => e.id === c.submissionId)?.title ?? c.submissionId })),
      })),
      entries,
    };
  }

  private async progressModel(user: User, id: string, phaseNumber?: number) {
    const { challenge, phase, overall, judges } = await this.judging.progress(user, id, phaseNumber);
    const now = this.clock.now();
    const view = toChallengeView(challenge, now);
    const next = this.advancement.nextIfAdvanceable(challenge, phase);
    const status = phaseStatusIn(challenge, phase, now);
    return {
      title: `Judging: ${challenge.title}`,
      challenge: view,
      phase: phaseView(challenge, phase, now),
      overall,
      judges,
      canStart: status === 'closed',
      judging: status === 'judging',
      advance: next && { number: phase.number, next: next.name, count: phase.advanceCount },
    };
  }

  private async scorecardsModel(user: User, id: string) {
    const { challenge, rows } = await this.judging.scorecards(user, id);
    return {
      title: `Scorecards: ${challenge.title}`,
      challenge: toChallengeView(challenge, this.clock.now()),
      criteria: challenge.rubric,
      rows: rows.map((r) => ({ ...r, scoreList: challenge.rubric.map((c) => r.scores?.[c.key] ?? '') })),
    };
  }
}
