import { Body, Controller, Get, Param, Post, Query, Render, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, SignedInGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { statusOf } from '../challenges/challenge-status';
import type { Challenge, FormField } from '../challenges/challenge.entity';
import { toChallengeView, toPhaseView } from '../challenges/challenge.view';
import { ChallengesService } from '../challenges/challenges.service';
import { Clock } from '../common/clock';
import { FormView } from '../common/http/form-view';
import { IdParam } from '../common/http/id-param.pipe';
import { pageLinks } from '../common/pagination';
import { validateDto, validatePageQuery } from '../common/validation';
import { EntriesQueryDto, IneligibleDto } from './dto/submission.dto';
import { sendFile } from './send-file';
import { pageEntryBody } from './submission-request';
import { fieldsShownTo } from './blind-judging';
import { toReaderView, toSubmissionView } from './submission.view';
import type { Submission } from './submission.entity';
import { answerText, SubmissionsService } from './submissions.service';

/** Form values for an existing entry: its answers as the inputs show them. */
function formValues(submission: Submission): Record<string, unknown> {
  const values: Record<string, unknown> = { title: submission.title };
  for (const [key, value] of Object.entries(submission.answers)) values[key] = typeof value === 'boolean' ? String(value) : typeof value === 'object' ? '' : value;
  return values;
}

/** An entry's answers as label and text, in the order of its phase's form. */
function answersOf(fields: FormField[], submission: Submission): { label: string; text: string }[] {
  return fields.map((field) => ({ label: field.label, text: answerText(submission.answers[field.key]) }));
}

@ApiExcludeController()
@Controller()
@UseGuards(SignedInGuard)
export class SubmissionsWebController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
  ) {}

  /** The entry form; in a later phase, with the solver's earlier entry beside it, or a page saying why not. */
  @Get('challenges/:slug/enter')
  async enterForm(@CurrentUser() user: User, @Param('slug') slug: string, @Res() res: Response) {
    const challenge = await this.challenges.getVisible(user, slug);
    const refusal = await this.submissions.entryRefusal(user, challenge);
    if (refusal) return res.status(403).render('submissions/cannot-enter', { title: `You cannot enter: ${challenge.title}`, challenge: toChallengeView(challenge, this.clock.now()), reason: refusal });
    const earlier = await this.submissions.earlierEntryFor(user, challenge);
    res.render('submissions/form', {
      ...this.formModel(challenge, user),
      values: {},
      earlier: earlier && { title: earlier.submission.title, phaseName: earlier.phase.name, answers: answersOf(earlier.phase.fields, earlier.submission) },
    });
  }

  @Post('challenges/:slug/enter')
  @FormView('submissions/form')
  async enter(@CurrentUser() user: User, @Param('slug') slug: string, @Req() req: Request, @Res() res: Response) {
    const challenge = await this.challenges.getVisible(user, slug);
    Object.assign(res.locals, this.formModel(challenge, user));
    const submission = await this.submissions.create(user, challenge.id, pageEntryBody(req, true));
    res.redirect(303, `/submissions/${submission.id}?saved=${submission.status}`);
  }

  @Get('submissions/:id')
  async show(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query('saved') saved: string | undefined, @Res() res: Response) {
    res.render('submissions/show', { ...(await this.entryModel(user, id)), saved });
  }

  @Get('submissions/:id/edit')
  async editForm(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const { submission, challenge } = await this.submissions.ownEntry(user, id, 'change');
    res.render('submissions/form', { ...this.formModel(challenge, user, submission), values: formValues(submission) });
  }

  @Post('submissions/:id/edit')
  @FormView('submissions/form')
  async edit(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Req() req: Request, @Res() res: Response) {
    const { submission, challenge } = await this.submissions.ownEntry(user, id, 'change');
    Object.assign(res.locals, this.formModel(challenge, user, submission));
    const updated = await this.submissions.update(user, id, pageEntryBody(req, false));
    res.redirect(303, `/submissions/${updated.id}?saved=${updated.status}`);
  }

  @Post('submissions/:id/withdraw')
  @FormView('submissions/show')
  async withdraw(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    Object.assign(res.locals, await this.entryModel(user, id));
    await this.submissions.withdraw(user, id);
    res.redirect(303, `/submissions/${id}?saved=withdrawn`);
  }

  @Post('submissions/:id/ineligible')
  @FormView('submissions/show')
  async ineligible(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Record<string, unknown>, @Res() res: Response) {
    Object.assign(res.locals, await this.entryModel(user, id));
    const input = await validateDto(IneligibleDto, { reason: form.reason });
    await this.submissions.markIneligible(user, id, input.reason);
    res.redirect(303, `/submissions/${id}`);
  }

  @Get('submissions/:id/files/:fileId')
  async file(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('fileId', IdParam) fileId: string, @Res() res: Response) {
    sendFile(res, await this.submissions.file(user, id, fileId));
  }

  @Get('me/submissions')
  @Render('submissions/mine')
  async mine(@CurrentUser() user: User) {
    const now = this.clock.now();
    const entries = (await this.submissions.listMine(user)).map(({ submission, challenge }) => ({
      ...toSubmissionView(submission),
      challenge: toChallengeView(challenge, now),
      editable: submission.status !== 'withdrawn' && statusOf(challenge, now) === 'open',
    }));
    return { title: 'Your entries', entries };
  }

  @Get('manage/challenges/:id/entries')
  @Render('submissions/entries')
  async entries(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Query() raw: Record<string, unknown>) {
    const { query, params } = await validatePageQuery(EntriesQueryDto, raw);
    const { challenge, phase, page, counts } = await this.submissions.listForChallenge(user, id, query);
    const now = this.clock.now();
    return {
      title: `Entries: ${challenge.title}`,
      challenge: toChallengeView(challenge, now),
      phase: challenge.phases.length > 1 ? toPhaseView(phase, now) : undefined,
      entries: page.items.map((row) => ({ ...toSubmissionView(row.submission), solverName: row.solverName, solverEmail: row.solverEmail, authorInFiles: row.authorInFiles })),
      counts,
      total: page.total,
      query: { status: query.status ?? '', q: query.q ?? '' },
      ...pageLinks(page, `/manage/challenges/${challenge.id}/entries`, params),
    };
  }

  @Get('manage/challenges/:id/entries.csv')
  async csv(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const { challenge, csv } = await this.submissions.exportCsv(user, id);
    res.type('text/csv').attachment(`${challenge.slug}-entries.csv`).send(csv);
  }

  private formModel(challenge: Challenge, user: User, submission?: Submission) {
    const now = this.clock.now();
    const view = toChallengeView(challenge, now);
    return {
      title: submission ? `Edit your entry: ${challenge.title}` : `Enter: ${challenge.title}`,
      challenge: view,
      submission: submission ? toSubmissionView(submission) : undefined,
      action: submission ? `/submissions/${submission.id}/edit` : `/challenges/${challenge.slug}/enter`,
      labels: { title: 'Title of your entry', ...Object.fromEntries(challenge.fields.map((f) => [`answers.${f.key}`, f.label])) },
      open: view.status === 'open',
      verified: user.emailVerifiedAt !== null,
      blindFiles: challenge.blindJudging && challenge.fields.some((f) => f.type === 'file'),
      existingFiles: submission
        ? Object.fromEntries(Object.entries(submission.answers).filter(([, v]) => typeof v === 'object').map(([k, v]) => [k, answerText(v)]))
        : {},
    };
  }

  private async entryModel(user: User, id: string) {
    const { submission, challenge, asManager, role } = await this.submissions.readable(user, id);
    const form = this.submissions.phaseOfEntry(challenge, submission);
    const reader = toReaderView(submission, await this.submissions.filesOf(id), form, role);
    const now = this.clock.now();
    const view = toChallengeView(challenge, now);
    return {
      title: submission.title,
      challenge: view,
      submission: reader,
      answers: fieldsShownTo(form, role).map((field) => {
        const file = reader.files.find((f) => f.fieldKey === field.key);
        return { label: field.label, text: file ? '' : answerText(reader.answers[field.key]), file };
      }),
      asManager,
      solver: asManager ? await this.submissions.solverOf(submission) : undefined,
      canEdit: !asManager && submission.status !== 'withdrawn' && view.status === 'open',
      canMarkIneligible: asManager && submission.status === 'submitted' && !submission.ineligibleAt,
    };
  }
}
