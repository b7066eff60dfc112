import type { Challenge } from '../challenges/challenge.entity';
import type { SubmissionFile } from './submission-file.entity';
import type { Submission } from './submission.entity';
import { fileLabel, judgeAnswers, type EntryForm, judgeFileLabel, judgeFileName, judgeMaySee, labelledAnswers } from './blind-judging';
import type { EntryRole } from './submissions.service';

export function toSubmissionView(submission: Submission) {
  return {
    id: submission.id,
    challengeId: submission.challengeId,
    title: submission.title,
    status: submission.status,
    receipt: submission.receipt,
    answers: submission.answers,
    submittedAt: submission.submittedAt?.toISOString() ?? null,
    withdrawnAt: submission.withdrawnAt?.toISOString() ?? null,
    ineligible: submission.ineligibleAt !== null,
    ineligibleReason: submission.ineligibleReason,
    createdAt: submission.createdAt.toISOString(),
    updatedAt: submission.updatedAt.toISOString(),
  };
}

export function toFileView(file: SubmissionFile, submissionId: string) {
  return {
    id: file.id,
    fieldKey: file.fieldKey,
    name: file.name,
    label: fileLabel(file.name, file.contentType, file.size),
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    authorInMetadata: file.authorInMetadata,
    url: `/api/v1/submissions/${submissionId}/files/${file.id}`,
  };
}

/** A file as a judge sees it: a numbered attachment, nothing of its original name. */
export function toJudgeFileView(form: EntryForm, file: SubmissionFile, submissionId: string) {
  return {
    id: file.id,
    fieldKey: file.fieldKey,
    name: judgeFileName(form, file.fieldKey, file.contentType),
    label: judgeFileLabel(form, file.fieldKey, file.contentType, file.size),
    contentType: file.contentType,
    size: file.size,
    url: `/api/v1/submissions/${submissionId}/files/${file.id}`,
  };
}

/** The files of an entry a judge may see, as the judge sees them. */
export function judgeFileViews(form: EntryForm, files: SubmissionFile[], submissionId: string) {
  return files.filter((f) => judgeMaySee(form, f.fieldKey)).map((f) => toJudgeFileView(form, f, submissionId));
}

/** What an entry shows its reader; a judge sees it blinded (see blind-judging.ts). `form`: the entry's phase. */
export function toReaderView(submission: Submission, files: SubmissionFile[], form: EntryForm, role: EntryRole) {
  const view = toSubmissionView(submission);
  if (role !== 'judge') return { ...view, answers: labelledAnswers(submission.answers), files: files.map((f) => toFileView(f, submission.id)) };
  return { ...view, ineligibleReason: null, answers: judgeAnswers(form, submission.answers), files: judgeFileViews(form, files, submission.id) };
}

export function challengeSummary(challenge: Challenge) {
  return { id: challenge.id, slug: challenge.slug, title: challenge.title };
}
