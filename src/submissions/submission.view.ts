import type { Challenge } from '../challenges/challenge.entity';
import type { SubmissionFile } from './submission-file.entity';
import type { Submission } from './submission.entity';
import { fileLabel, judgeAnswers, judgeFileLabel, judgeFileName, judgeMaySee, labelledAnswers } from './blind-judging';
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
export function toJudgeFileView(challenge: Challenge, file: SubmissionFile, submissionId: string) {
  return {
    id: file.id,
    fieldKey: file.fieldKey,
    name: judgeFileName(challenge, file.fieldKey, file.contentType),
    label: judgeFileLabel(challenge, file.fieldKey, file.contentType, file.size),
    contentType: file.contentType,
    size: file.size,
    url: `/api/v1/submissions/${submissionId}/files/${file.id}`,
  };
}

/** The files of an entry a judge may see, as the judge sees them. */
export function judgeFileViews(challenge: Challenge, files: SubmissionFile[], submissionId: string) {
  return files.filter((f) => judgeMaySee(challenge, f.fieldKey)).map((f) => toJudgeFileView(challenge, f, submissionId));
}

/** What an entry shows its reader; a judge sees it blinded (see blind-judging.ts). */
export function toReaderView(submission: Submission, files: SubmissionFile[], challenge: Challenge, role: EntryRole) {
  const view = toSubmissionView(submission);
  if (role !== 'judge') return { ...view, answers: labelledAnswers(submission.answers), files: files.map((f) => toFileView(f, submission.id)) };
  return { ...view, ineligibleReason: null, answers: judgeAnswers(challenge, submission.answers), files: judgeFileViews(challenge, files, submission.id) };
}

export function challengeSummary(challenge: Challenge) {
  return { id: challenge.id, slug: challenge.slug, title: challenge.title };
}
