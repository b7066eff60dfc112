import { AnyFilesInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { memoryStorage } from 'multer';
import { validateDto } from '../common/validation';
import { SubmissionBodyDto } from './dto/submission.dto';
import type { FormField } from '../challenges/challenge.entity';
import type { SubmissionInput } from './submissions.service';

/** Multipart parsing for entries: files stay in memory until checked; 50 MiB is the largest maxBytes a field may set. */
export const EntryFilesInterceptor = AnyFilesInterceptor({
  storage: memoryStorage(),
  limits: { fileSize: 50 * 1024 * 1024, files: 10, fields: 200, fieldSize: 256 * 1024, parts: 220 },
});

/**
 * One input shape from either body: JSON `{ title, answers, submit }`, or multipart with `title`, `submit`,
 * each answer as a field named after its key and each file as a part named after its file field.
 */
export async function submissionInput(req: Request, submitByDefault: boolean): Promise<SubmissionInput> {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  const uploads = files.map((f) => ({ fieldKey: f.fieldname, originalName: f.originalname, content: f.buffer }));
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
  if (req.is('multipart/form-data')) {
    const { title, submit, ...answers } = body;
    const dto = await validateDto(SubmissionBodyDto, { title, submit, answers });
    return { title: dto.title, submit: dto.submit ?? submitByDefault, answers: dto.answers ?? {}, uploads };
  }
  const dto = await validateDto(SubmissionBodyDto, body);
  return { title: dto.title, submit: dto.submit ?? submitByDefault, answers: dto.answers ?? {}, uploads };
}

/**
 * The entry page's input: a browser sends only the ticked checkboxes, and the page renders every checkbox field, so
 * one that is absent was left unticked (on an edit too, where an absent answer would otherwise keep the old one).
 */
export async function pageSubmissionInput(req: Request, fields: FormField[], submitByDefault: boolean): Promise<SubmissionInput> {
  const input = await submissionInput(req, submitByDefault);
  const unticked = fields.filter((field) => field.type === 'checkbox' && !(field.key in input.answers)).map((field) => [field.key, 'false']);
  return { ...input, answers: { ...input.answers, ...Object.fromEntries(unticked) } };
}
