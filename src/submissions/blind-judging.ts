import type { FormField } from '../challenges/challenge.entity';
import type { Answers, FileAnswer } from './answers';
import { extensionFor } from './content-sniffer';
import type { EntryRole } from './submissions.service';

/**
 * What a judge may learn about an entry, in one place for every surface (JSON, pages, downloads, messages).
 * Judges never learn who wrote an entry, whatever the challenge's `blindJudging` says (that setting hides the
 * judges from the solvers): no name or address, no original file name, no answer that identifies a person,
 * no ineligibility reason (managers write it about the solver).
 * Every rule takes the entry form the entry was written on: its phase's (a Phase, or a Challenge for its current phase).
 */
export interface EntryForm {
  fields: FormField[];
}

/** A field whose answer can name the solver: every email field, and any field its managers mark identifying. */
export function identifiesSolver(field: FormField): boolean {
  return field.type === 'email' || field.identifying === true;
}

/** The fields a judge sees answers to, in form order. */
export function judgeFields(form: EntryForm): FormField[] {
  return form.fields.filter((field) => !identifiesSolver(field));
}

/** The fields whose answers a reader of an entry sees. */
export function fieldsShownTo(form: EntryForm, role: EntryRole): FormField[] {
  return role === 'judge' ? judgeFields(form) : form.fields;
}

/** "120 KB": whole kilobytes below a megabyte, one decimal above. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "Jane Doe CV.pdf (PDF, 120 KB)": a file as readers see it named, with its type and size. */
export function fileLabel(name: string, contentType: string, size: number): string {
  return `${name} (${extensionFor(contentType).toUpperCase()}, ${sizeText(size)})`;
}

/** A file field's number among the form's file fields: a judge sees "Attachment 2" for the second one on every entry. */
function attachmentNumber(form: EntryForm, fieldKey: string): number {
  return form.fields.filter((field) => field.type === 'file').findIndex((field) => field.key === fieldKey) + 1;
}

/** The name a judge sees and downloads a file under: "Attachment 1.pdf". */
export function judgeFileName(form: EntryForm, fieldKey: string, contentType: string): string {
  return `Attachment ${attachmentNumber(form, fieldKey)}.${extensionFor(contentType)}`;
}

/** "Attachment 1 (PDF, 120 KB)". */
export function judgeFileLabel(form: EntryForm, fieldKey: string, contentType: string, size: number): string {
  return `Attachment ${attachmentNumber(form, fieldKey)} (${extensionFor(contentType).toUpperCase()}, ${sizeText(size)})`;
}

export type LabelledAnswers = Record<string, Answers[string] | (FileAnswer & { label: string })>;

/** Answers as a reader who is not a judge sees them: files labelled with their name, type and size. */
export function labelledAnswers(answers: Answers): LabelledAnswers {
  return Object.fromEntries(
    Object.entries(answers).map(([key, value]) => [key, typeof value === 'object' ? { ...value, label: fileLabel(value.name, value.contentType, value.size) } : value]),
  );
}

/** Answers as a judge sees them: identifying answers left out, files as numbered attachments. */
export function judgeAnswers(form: EntryForm, answers: Answers): LabelledAnswers {
  const shown: LabelledAnswers = {};
  for (const field of judgeFields(form)) {
    const value = answers[field.key];
    if (value === undefined) continue;
    shown[field.key] =
      typeof value === 'object'
        ? { ...value, name: judgeFileName(form, field.key, value.contentType), label: judgeFileLabel(form, field.key, value.contentType, value.size) }
        : value;
  }
  return shown;
}

/** Whether a judge may see (and download) the answer to `fieldKey`. */
export function judgeMaySee(form: EntryForm, fieldKey: string): boolean {
  return judgeFields(form).some((field) => field.key === fieldKey);
}
