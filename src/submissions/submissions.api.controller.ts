import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BearerGuard, CurrentUser } from '../auth/guards';
import type { User } from '../auth/user.entity';
import { IdParam } from '../common/http/id-param.pipe';
import { EntriesQueryDto, IneligibleDto, SubmissionBodyDto } from './dto/submission.dto';
import { entryBody } from './submission-request';
import { challengeSummary, toReaderView, toSubmissionView } from './submission.view';
import { SubmissionsService } from './submissions.service';
import { sendFile } from './send-file';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1')
@UseGuards(BearerGuard)
export class SubmissionsApiController {
  constructor(private readonly submissions: SubmissionsService) {}

  /** JSON `{ title, answers, submit }` or multipart (answers as fields, files as parts named after file fields). */
  @Post('challenges/:id/submissions')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: SubmissionBodyDto })
  async create(@CurrentUser() user: User, @Param('id', IdParam) challengeId: string, @Req() req: Request) {
    return toSubmissionView(await this.submissions.create(user, challengeId, entryBody(req, true)));
  }

  @Get('challenges/:id/submissions')
  async list(@CurrentUser() user: User, @Param('id', IdParam) challengeId: string, @Query() query: EntriesQueryDto, @Res({ passthrough: true }) res: Response) {
    if (query.format === 'csv') {
      const { challenge, csv } = await this.submissions.exportCsv(user, challengeId);
      res.type('text/csv').attachment(`${challenge.slug}-entries.csv`);
      return csv;
    }
    const { page, counts } = await this.submissions.listForChallenge(user, challengeId, query);
    return {
      ...page,
      counts,
      items: page.items.map((row) => ({ ...toSubmissionView(row.submission), solver: { name: row.solverName, email: row.solverEmail }, authorInFiles: row.authorInFiles })),
    };
  }

  @Get('me/submissions')
  async mine(@CurrentUser() user: User) {
    return (await this.submissions.listMine(user)).map(({ submission, challenge }) => ({ ...toSubmissionView(submission), challenge: challengeSummary(challenge) }));
  }

  @Get('submissions/:id')
  async get(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    const { submission, challenge, role } = await this.submissions.readable(user, id);
    const files = await this.submissions.filesOf(id);
    return { ...toReaderView(submission, files, this.submissions.phaseOfEntry(challenge, submission), role), challenge: challengeSummary(challenge) };
  }

  @Patch('submissions/:id')
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: SubmissionBodyDto })
  async update(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Req() req: Request) {
    return toSubmissionView(await this.submissions.update(user, id, entryBody(req, false)));
  }

  @Post('submissions/:id/withdraw')
  @HttpCode(200)
  async withdraw(@CurrentUser() user: User, @Param('id', IdParam) id: string) {
    return toSubmissionView(await this.submissions.withdraw(user, id));
  }

  @Post('submissions/:id/ineligible')
  @HttpCode(200)
  async ineligible(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Body() body: IneligibleDto) {
    return toSubmissionView(await this.submissions.markIneligible(user, id, body.reason));
  }

  @Get('submissions/:id/files/:fileId')
  async file(@CurrentUser() user: User, @Param('id', IdParam) id: string, @Param('fileId', IdParam) fileId: string, @Res() res: Response) {
    sendFile(res, await this.submissions.file(user, id, fileId));
  }
}
