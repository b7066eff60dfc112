import { Body, Controller, Get, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, SignedInGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { toChallengeView } from '../challenges/challenge.view';
import { Clock } from '../common/clock';
import { FormView } from '../common/http/form-view';
import { IdParam } from '../common/http/id-param.pipe';
import { validateDto } from '../common/validation';
import { JudgingService } from '../judging/judging.service';
import { AwardsService } from './awards.service';
import { toWinnerView } from './awards.views';
import { SelectAwardsDto } from './dto/awards.dto';

type Form = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
const SELECTION_ROWS = 8;

@ApiExcludeController()
@Controller()
export class AwardsWebController {
  constructor(
    private readonly awards: AwardsService,
    private readonly judging: JudgingService,
    private readonly clock: Clock,
  ) {}

  @Get('challenges/:slug/winners')
  async winners(@CurrentUser() user: User | undefined, @Param('slug') slug: string, @Res() res: Response) {
    const { challenge, rows } = await this.awards.winners(user, slug);
    const view = rows.map(toWinnerView);
    res.render('awards/winners', {
      title: `Winners: ${challenge.title}`,
      challenge: toChallengeView(challenge, this.clock.now()),
      winners: view.filter((w) => w.kind === 'winner'),
      mentions: view.filter((w) => w.kind === 'honorable-mention'),
    });
  }

  @Get('challenges/:slug/awards/:awardId/certificate')
  async certificate(@CurrentUser() user: User | undefined, @Param('slug') slug: string, @Param('awardId', IdParam) awardId: string, @Res() res: Response) {
    const { challenge, row } = await this.awards.certificate(user, slug, awardId);
    res.render('awards/certificate', { layout: 'layouts/print', title: `Certificate: ${row.solverName}`, challenge: toChallengeView(challenge, this.clock.now()), award: toWinnerView(row) });
  }

  @Get('manage/challenges/:id/awards')
  @UseGuards(SignedInGuard)
  async manage(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    res.render('awards/manage', await this.model(user, id));
  }

  @Post('manage/challenges/:id/awards')
  @UseGuards(SignedInGuard)
  @FormView('awards/manage')
  async select(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    const model = await this.model(user, id);
    Object.assign(res.locals, model);
    const rows = (Array.isArray(form.awards) ? form.awards : typeof form.awards === 'object' && form.awards ? Object.values(form.awards) : []) as Form[];
    const input = await validateDto(
      SelectAwardsDto,
      form.fromRanking === 'true'
        ? { fromRanking: true }
        : {
            awards: rows
              .filter((row) => text(row.submissionId))
              .map((row) => ({
                submissionId: text(row.submissionId),
                kind: text(row.kind) || 'winner',
                place: /^\d+$/.test(text(row.place)) ? Number(text(row.place)) : text(row.place),
                title: text(row.title) || undefined,
                prize: text(row.prize) ? { amount: text(row.prize).replace(/,/g, ''), currency: model.challenge.prizeTotal?.currency ?? 'USD' } : undefined,
                citation: text(row.citation) || undefined,
              })),
            justification: text(form.justification) || undefined,
            allowOverTotal: form.allowOverTotal === 'true',
          },
    );
    const { warnings } = await this.awards.select(user, id, input);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/awards${warnings.length ? '?tie=1' : ''}`);
  }

  @Post('manage/challenges/:id/announce')
  @UseGuards(SignedInGuard)
  @FormView('awards/manage')
  async announce(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const model = await this.model(user, id);
    Object.assign(res.locals, model);
    await this.awards.announce(user, id);
    res.redirect(303, `/manage/challenges/${model.challenge.id}/awards`);
  }

  @Post('manage/challenges/:id/announcement/retry')
  @UseGuards(SignedInGuard)
  async retry(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    await this.awards.retryFailed(user, id);
    res.redirect(303, `/manage/challenges/${id}/awards`);
  }

  private async model(user: User, id: string) {
    const [{ challenge, ranking }, current, delivery] = await Promise.all([this.judging.ranking(user, id, 'none'), this.awards.list(user, id), this.awards.delivery(user, id)]);
    const view = toChallengeView(challenge, this.clock.now());
    const selection = current.map(toWinnerView);
    const rows = [
      ...selection.map((a) => ({ submissionId: a.entry.id, kind: a.kind, place: String(a.place), title: a.title, prize: a.prize?.amount ?? '', citation: a.citation })),
      ...Array.from({ length: Math.max(0, SELECTION_ROWS - selection.length) }, () => ({ submissionId: '', kind: 'winner', place: '', title: '', prize: '', citation: '' })),
    ];
    return {
      title: `Awards: ${challenge.title}`,
      challenge: view,
      ranked: ranking.entries.filter((e) => e.score !== null).slice(0, 25),
      selection,
      values: { awards: rows },
      announced: view.status === 'announced',
      judging: view.status === 'judging',
      delivery,
      deliveredPercent: delivery.expected ? Math.round((delivery.sent / delivery.expected) * 100) : 0,
    };
  }
}
