import { IdParam } from '../common/http/id-param.pipe';
import { Body, Controller, Get, Param, Post, Query, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, SignedInGuard } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors/domain-errors';
import { FormView } from '../common/http/form-view';
import { validateDto } from '../common/validation';
import { challengeToForm, formToInput, STEP_OF_FIELD, STEPS, type StepKey } from './challenge-form';
import { completenessProblems } from './challenge-completeness';
import { UPLOAD_TYPES, FIELD_TYPES, type Challenge } from './challenge.entity';
import { toChallengePage, toChallengeView, toPhaseView } from './challenge.view';
import { ChallengesService } from './challenges.service';
import { AddManagerDto, CancelChallengeDto, CreateChallengeDto, UpdateChallengeDto, UpdatePhaseDto } from './dto/challenge.dto';
import { OptionalPhaseNumberParam } from './phase-number.pipe';
import type { Phase } from './phase.entity';

type Form = Record<string, unknown>;

const UPLOAD_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'application/zip': 'ZIP archive',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document (.docx)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel workbook (.xlsx)',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint (.pptx)',
  'video/mp4': 'MP4 video',
};
const TIME_ZONES = ['UTC', 'America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu', 'America/Puerto_Rico', 'Pacific/Guam', 'Europe/London', 'Europe/Paris', 'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney'];

function stepOrThrow(step: string): StepKey {
  const found = STEPS.find((s) => s.key === step);
  if (!found) throw new NotFoundError('page');
  return found.key;
}

/** The step indicator's items: done before the current step, current, then to do. */
function stepIndicator(current: StepKey) {
  const index = STEPS.findIndex((s) => s.key === current);
  return STEPS.map((s, i) => ({ ...s, state: i < index ? 'complete' : i === index ? 'current' : 'todo', number: i + 1 }));
}

@ApiExcludeController()
@Controller('manage/challenges')
@UseGuards(SignedInGuard)
export class ManageChallengesWebController {
  constructor(
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Render('manage/list')
  async list(@CurrentUser() user: User) {
    const managed = await this.challenges.listManaged(user);
    const now = this.clock.now();
    return {
      title: 'Your challenges',
      canCreate: user.hasRole('manager') || user.hasRole('admin'),
      challenges: managed.map(({ challenge, role }) => ({ ...toChallengeView(challenge, now), managerRole: role })),
    };
  }

  @Get('new')
  @Render('manage/new')
  newForm(@CurrentUser() user: User) {
    this.challenges.assertMayCreate(user);
    return { title: 'Create a challenge', values: { visibility: 'public' }, steps: stepIndicator('general') };
  }

  @Post()
  @FormView('manage/new')
  async create(@CurrentUser() user: User, @Body() form: Form, @Res() res: Response) {
    res.locals.steps = stepIndicator('general');
    const input = await validateDto(CreateChallengeDto, formToInput('general', form, null));
    const challenge = await this.challenges.create(user, input);
    res.redirect(303, `/manage/challenges/${challenge.id}/edit/details`);
  }

  @Get(':id')
  async overview(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    res.render('manage/overview', await this.overviewModel(user, id));
  }

  @Get(':id/preview')
  async preview(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    const challenge = await this.challenges.getManaged(user, id);
    res.render('challenges/detail', { title: `Preview: ${challenge.title}`, description: challenge.tagline, challenge: toChallengePage(challenge, this.clock.now()), preview: true, canManage: true });
  }

  /** One step of the form; the rubric and entry-form steps edit the phase `?phase=N` (the current one by default). */
  @Get(':id/edit/:step')
  async editForm(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('step') step: string, @Query('phase', OptionalPhaseNumberParam) phaseNumber: number | undefined, @Res() res: Response) {
    const key = stepOrThrow(step);
    const challenge = await this.challenges.getManaged(user, id);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    res.render(`manage/edit-${key}`, { ...this.editModel(challenge, key, phase), values: challengeToForm(challenge, phase) });
  }

  @Post(':id/edit/:step')
  @FormView((req) => `manage/edit-${stepOrThrow(String(req.params.step))}`)
  async save(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('step') step: string, @Query('phase', OptionalPhaseNumberParam) phaseNumber: number | undefined, @Body() form: Form, @Res() res: Response) {
    const key = stepOrThrow(step);
    const challenge = await this.challenges.getManaged(user, id);
    const phase = this.challenges.phaseOf(challenge, phaseNumber);
    Object.assign(res.locals, this.editModel(challenge, key, phase));
    await this.saveStep(user, challenge, phase, key, form);
    const next = STEPS[STEPS.findIndex((s) => s.key === key) + 1];
    const here = `/manage/challenges/${challenge.id}/edit/${key}?${phaseNumber ? `phase=${phaseNumber}&` : ''}saved=1`;
    res.redirect(303, form.stay === 'yes' || !next ? here : `/manage/challenges/${challenge.id}/edit/${next.key}`);
  }

  @Post(':id/publish')
  @FormView('manage/overview')
  async publish(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    Object.assign(res.locals, await this.overviewModel(user, id));
    const challenge = await this.challenges.publish(user, id);
    res.redirect(303, `/manage/challenges/${challenge.id}?done=published`);
  }

  @Post(':id/close')
  @FormView('manage/overview')
  async close(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Res() res: Response) {
    Object.assign(res.locals, await this.overviewModel(user, id));
    const challenge = await this.challenges.close(user, id);
    res.redirect(303, `/manage/challenges/${challenge.id}?done=closed`);
  }

  @Post(':id/cancel')
  @FormView('manage/overview')
  async cancel(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    Object.assign(res.locals, await this.overviewModel(user, id));
    const input = await validateDto(CancelChallengeDto, { reason: typeof form.reason === 'string' ? form.reason : undefined });
    const challenge = await this.challenges.cancel(user, id, input.reason);
    res.redirect(303, `/manage/challenges/${challenge.id}?done=cancelled`);
  }

  @Post(':id/managers')
  @FormView('manage/overview')
  async addManager(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() form: Form, @Res() res: Response) {
    Object.assign(res.locals, await this.overviewModel(user, id));
    const input = await validateDto(AddManagerDto, { email: form.email });
    await this.challenges.addManager(user, id, input.email);
    res.redirect(303, `/manage/challenges/${id}#managers`);
  }

  @Post(':id/managers/:userId/remove')
  async removeManager(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('userId', IdParam) userId: string, @Res() res: Response) {
    await this.challenges.removeManager(user, id, userId);
    res.redirect(303, `/manage/challenges/${id}#managers`);
  }

  /** The rubric and entry form belong to a phase: with several phases those steps change the chosen one. */
  private async saveStep(user: User, challenge: Challenge, phase: Phase, step: StepKey, form: Form): Promise<void> {
    if (step === 'review') return;
    if ((step === 'rubric' || step === 'entry-form') && challenge.phases.length > 1) {
      await this.challenges.updatePhase(user, challenge.id, phase.number, await validateDto(UpdatePhaseDto, formToInput(step, form, challenge)));
      return;
    }
    const input = await validateDto(UpdateChallengeDto, formToInput(step, form, challenge));
    await this.challenges.update(user, challenge.id, input);
  }

  private editModel(challenge: Challenge, step: StepKey, phase: Phase) {
    const now = this.clock.now();
    const problems = step === 'review' ? completenessProblems(challenge, now).map((p) => ({ ...p, step: STEP_OF_FIELD[p.field.split('.')[0]] ?? 'general' })) : [];
    return {
      title: `${STEPS.find((s) => s.key === step)!.label}: ${challenge.title}`,
      challenge: toChallengeView(challenge, now),
      phase: challenge.phases.length > 1 ? toPhaseView(phase, now) : undefined,
      step,
      steps: stepIndicator(step),
      problems,
      fieldTypes: FIELD_TYPES,
      uploadTypes: UPLOAD_TYPES.map((value) => ({ value, label: UPLOAD_LABELS[value] })),
      timeZones: TIME_ZONES.includes(challenge.timeZone) ? TIME_ZONES : [challenge.timeZone, ...TIME_ZONES],
    };
  }

  private async overviewModel(user: User, id: string) {
    const challenge = await this.challenges.getManaged(user, id);
    const [managers, audit] = await Promise.all([this.challenges.managers(user, id), this.challenges.auditLog(user, id)]);
    const view = toChallengeView(challenge, this.clock.now());
    return {
      title: `Manage: ${challenge.title}`,
      challenge: view,
      managers,
      audit: audit.slice(0, 100),
      isOwner: challenge.ownerId === user.id || user.hasRole('admin'),
      problems: view.status === 'draft' ? completenessProblems(challenge, this.clock.now()) : [],
    };
  }
}
