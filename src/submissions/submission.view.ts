import type { Challenge } from '../challenges/challenge.entity';
import type { SubmissionFile } from './submission-file.entity';
import type { Submission } from './submission.entity';

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
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    url: `/api/v1/submissions/${submissionId}/files/${file.id}`,
  };
}

export function challengeSummary(challenge: Challenge) {
  return { id: challenge.id, slug: challenge.slug, title: challenge.title };
}
