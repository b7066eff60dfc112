import type { Challenge } from '../challenges/challenge.entity';
import type { SubmissionFile } from './submission-file.entity';
import type { Submission } from './submission.entity';
import { blindAnswers, blindFileName } from './submissions.service';

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

export function toFileView(file: SubmissionFile, submissionId: string, name = file.name) {
  return {
    id: file.id,
    fieldKey: file.fieldKey,
    name,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    url: `/api/v1/submissions/${submissionId}/files/${file.id}`,
  };
}

/** What an entry shows its reader; a blind judge sees neutral file names (the view never names the solver). */
export function toReaderView(submission: Submission, files: SubmissionFile[], blind: boolean) {
  const view = toSubmissionView(submission);
  if (!blind) return { ...view, files: files.map((f) => toFileView(f, submission.id)) };
  return {
    ...view,
    answers: blindAnswers(submission.id, submission.answers),
    files: files.map((f) => toFileView(f, submission.id, blindFileName(submission.id, f.fieldKey, f.contentType))),
  };
}

export function challengeSummary(challenge: Challenge) {
  return { id: challenge.id, slug: challenge.slug, title: challenge.title };
}
