import { judgeAnswers } from '../submissions/blind-judging';
import { judgeFileViews } from '../submissions/submission.view';
import { csvCell } from '../submissions/submissions.service';
import type { Assignment, Judge, Scorecard } from './judging.entities';
import type { QueueItem } from './judging.service';
import type { Ranking } from './ranking';

export function toJudgeView(judge: Judge, counts?: Record<string, number>) {
  return {
    id: judge.id,
    email: judge.email,
    name: judge.name,
    status: judge.status,
    invitedAt: judge.invitedAt.toISOString(),
    respondedAt: judge.respondedAt?.toISOString() ?? null,
    ...(counts ? { assignments: counts } : {}),
  };
}

export function toScorecardView(scorecard: Scorecard | null) {
  if (!scorecard) return null;
  return { scores: scorecard.scores, feedback: scorecard.feedback, note: scorecard.note, final: scorecard.final, submittedAt: scorecard.submittedAt?.toISOString() ?? null };
}

export function toAssignmentStatusView(assignment: Assignment) {
  return { id: assignment.id, challengeId: assignment.challengeId, submissionId: assignment.submissionId, status: assignment.status };
}

/** A queue item as its judge sees it: the entry blinded (see blind-judging.ts). */
export function toQueueItemView({ assignment, phase, submission, files, scorecard, earlier }: QueueItem) {
  return {
    id: assignment.id,
    challengeId: assignment.challengeId,
    status: assignment.status,
    submission: {
      id: submission.id,
      title: submission.title,
      answers: judgeAnswers(phase, submission.answers),
      files: judgeFileViews(phase, files, submission.id),
    },
    scorecard: toScorecardView(scorecard),
    earlierEntry: earlier && {
      phase: earlier.phase.number,
      title: earlier.submission.title,
      answers: judgeAnswers(earlier.phase, earlier.submission.answers),
      files: judgeFileViews(earlier.phase, earlier.files, earlier.submission.id),
      score: earlier.scores.total,
      criteria: earlier.scores.criteria,
    },
  };
}

export function rankingCsv(ranking: Ranking, criteria: string[]): string {
  const header = ['rank', 'submission_id', 'title', 'score', 'raw_score', 'normalized_score', 'judge_count', 'spread', ...criteria.map((c) => `mean_${c}`)];
  const lines = ranking.entries.map((e) => [e.rank, e.submissionId, e.title, e.score ?? '', e.rawScore ?? '', e.normalizedScore ?? '', e.judgeCount, e.spread?.range ?? '', ...criteria.map((c) => e.criteria[c] ?? '')]);
  return [header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function scorecardsCsv(rows: { receipt: string; title: string; judge_name: string; judge_email: string; status: string; scores: Record<string, number> | null; feedback: string | null; note: string | null; final: boolean | null; submitted_at: Date | null }[], criteria: string[]): string {
  const header = ['receipt', 'title', 'judge_name', 'judge_email', 'status', 'final', 'submitted_at', ...criteria, 'feedback', 'panel_note'];
  const lines = rows.map((r) => [r.receipt, r.title, r.judge_name, r.judge_email, r.status, r.final ? 'yes' : 'no', r.submitted_at?.toISOString() ?? '', ...criteria.map((c) => r.scores?.[c] ?? ''), r.feedback ?? '', r.note ?? '']);
  return [header, ...lines].map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

