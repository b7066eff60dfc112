import type { Request } from 'express';
import multer, { MulterError, type StorageEngine } from 'multer';
import type { FormField } from '../challenges/challenge.entity';
import { DomainError, MalformedRequestError, PayloadTooLargeError, ValidationFailedError } from '../common/errors/domain-errors';
import { validateDto } from '../common/validation';
import { answerMaxLength } from './answers';
import { SubmissionBodyDto } from './dto/submission.dto';
import type { IncomingFiles } from './incoming-files';
import { TITLE_MAX, type ReceivedUpload, type SubmissionInput } from './submissions.service';

/**
 * An entry's body, read only once the service has looked up the challenge and let the actor enter it: the fields of
 * the phase's entry form decide which parts are accepted and how large each may be.
 */
export type EntryBody = (form: FormField[], incoming: IncomingFiles) => Promise<SubmissionInput>;

/** UTF-8 takes at most 4 bytes for each character a length check counts. */
const BYTES_PER_CHARACTER = 4;

/**
 * One input shape from either body: JSON `{ title, answers, submit }`, or multipart with `title`, `submit`,
 * each answer as a field named after its key and each file as a part named after its file field.
 */
export function entryBody(req: Request, submitByDefault: boolean): EntryBody {
  return async (form, incoming) => {
    if (!req.is('multipart/form-data')) {
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, unknown>;
      const dto = await validateDto(SubmissionBodyDto, body);
      return { title: dto.title, submit: dto.submit ?? submitByDefault, answers: dto.answers ?? {}, uploads: [] };
    }
    const uploads = await receiveParts(req, form, incoming);
    try {
      const { title, submit, ...answers } = req.body as Record<string, unknown>;
      const dto = await validateDto(SubmissionBodyDto, { title, submit, answers });
      return { title: dto.title, submit: dto.submit ?? submitByDefault, answers: dto.answers ?? {}, uploads };
    } catch (error) {
      await incoming.discard(uploads.map((u) => u.path));
      throw error;
    }
  };
}

/**
 * Streams the multipart body: text fields into `req.body` (each at most as long as the longest answer the form
 * allows), each file part of a file field to a temporary file, stopped as soon as it passes the field's `maxBytes`.
 * Any refusal removes the files already received.
 */
function receiveParts(req: Request, form: FormField[], incoming: IncomingFiles): Promise<ReceivedUpload[]> {
  const fileFields = new Map(form.filter((f) => f.type === 'file').map((f) => [f.key, f]));
  const answerFields = new Map(form.filter((f) => f.type !== 'file').map((f) => [f.key, f]));
  // Two parts per answer field at most, title and submit on top.
  const fields = 2 * answerFields.size + 2;
  const limits = {
    fields,
    files: fileFields.size,
    parts: fields + fileFields.size,
    fieldSize: BYTES_PER_CHARACTER * Math.max(TITLE_MAX, ...[...answerFields.values()].map(answerMaxLength)),
    fieldNameSize: 100,
    fieldNestingDepth: 0,
  };
  const received: ReceivedUpload[] = [];
  const seen = new Set<string>();
  return new Promise((resolve, reject) => {
    const writing = new Set<Promise<void>>();
    let refused = false;
    // The file before the one refused may still be closing: wait for every write, then remove them all.
    const refuse = (error: unknown) => {
      if (refused) return;
      refused = true;
      Promise.allSettled([...writing])
        .then(() => incoming.discard(received.map((u) => u.path)))
        .then(() => reject(refusal(error, answerFields)), reject);
    };
    const storage: StorageEngine = {
      _handleFile(_req, file, done) {
        const field = fileFields.get(file.fieldname)!;
        const maxBytes = field.maxBytes ?? 0;
        const tooLarge = () => new PayloadTooLargeError(`${field.label} is larger than ${maxBytes} bytes.`, [{ field: `answers.${field.key}`, message: `must be at most ${maxBytes} bytes` }]);
        const write = incoming.receive(file.stream, maxBytes, tooLarge).then(
          (stored) => {
            received.push({ field, originalName: file.originalname, ...stored });
            done(null, { path: stored.path, size: stored.size });
          },
          (error: unknown) => {
            // Answered at once, so the client can stop sending; multer reads and discards the rest of the body.
            if (error instanceof PayloadTooLargeError) refuse(error);
            done(error);
          },
        );
        writing.add(write);
        void write.finally(() => writing.delete(write));
      },
      _removeFile(_req, file, done) {
        const at = received.findIndex((u) => u.path === file.path);
        if (at >= 0) received.splice(at, 1);
        incoming.discard([file.path]).then(() => done(null), done);
      },
    };
    const fileFilter = (_req: Request, file: Express.Multer.File, accept: (error: Error | null, include?: boolean) => void) => {
      const at = `answers.${file.fieldname}`;
      if (!fileFields.has(file.fieldname)) return accept(ValidationFailedError.field(at, 'is not a file field of this challenge'));
      if (seen.has(file.fieldname)) return accept(ValidationFailedError.field(at, 'takes one file'));
      seen.add(file.fieldname);
      accept(null, true);
    };
    multer({ storage, limits, fileFilter }).any()(req, req.res!, (error?: unknown) => (error ? refuse(error) : resolve(received)));
  });
}

/** What a refused multipart body answers: the field at fault where there is one. */
function refusal(error: unknown, answerFields: Map<string, FormField>): unknown {
  if (error instanceof DomainError) return error;
  if (error instanceof MulterError) {
    switch (error.code) {
      case 'LIMIT_FIELD_VALUE': {
        const field = error.field === undefined ? undefined : answerFields.get(error.field);
        if (error.field === 'title') return ValidationFailedError.field('title', `must be at most ${TITLE_MAX} characters`);
        if (field) return ValidationFailedError.field(`answers.${field.key}`, `must be at most ${answerMaxLength(field)} characters`);
        return new PayloadTooLargeError('A value in the form is larger than any answer this challenge accepts.');
      }
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_PART_COUNT':
      case 'LIMIT_FIELD_KEY':
        return new PayloadTooLargeError(`The form has more or longer parts than this challenge's entry form (${error.message.toLowerCase()}).`);
      default:
        return new MalformedRequestError(`The multipart body is not valid: ${error.message}.`);
    }
  }
  // A disk that fails is our problem (500); anything else busboy or the connection reports is a malformed body.
  if (error instanceof Error && !('syscall' in error)) return new MalformedRequestError(`The multipart body is not valid: ${error.message}.`);
  return error;
}

/**
 * The entry page's body: a browser sends only the ticked checkboxes, and the page renders every checkbox field, so
 * one that is absent was left unticked (on an edit too, where an absent answer would otherwise keep the old one).
 */
export function pageEntryBody(req: Request, submitByDefault: boolean): EntryBody {
  const body = entryBody(req, submitByDefault);
  return async (form, incoming) => {
    const input = await body(form, incoming);
    const unticked = form.filter((field) => field.type === 'checkbox' && !(field.key in input.answers)).map((field) => [field.key, 'false']);
    return { ...input, answers: { ...input.answers, ...Object.fromEntries(unticked) } };
  };
}
