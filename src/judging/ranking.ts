import type { RubricCriterion } from '../challenges/challenge.entity';

export type Normalization = 'none' | 'zscore';

export interface RankingInput {
  rubric: RubricCriterion[];
  entries: { id: string; title: string; submittedAt: Date }[];
  /** Final scorecards only. */
  scorecards: { entryId: string; judgeId: string; scores: Record<string, number> }[];
  normalize: Normalization;
}

export interface RankedEntry {
  rank: number;
  submissionId: string;
  title: string;
  /** The score the ranking uses: raw, or normalized when asked for. 0..100, two decimals. */
  score: number | null;
  rawScore: number | null;
  normalizedScore: number | null;
  judgeCount: number;
  criteria: Record<string, number | null>;
  spread: { min: number; max: number; range: number } | null;
  /** True when the score equals the next entry's and the tie-break chain decided the order. */
  tiedWithNext: boolean;
}

export interface JudgeCalibration {
  judgeId: string;
  scorecards: number;
  mean: number;
  sd: number;
  normalized: boolean;
  reason?: string;
}

export interface Ranking {
  normalize: Normalization;
  entries: RankedEntry[];
  judges: JudgeCalibration[];
  agreement: { icc: number | null; entries: number; interpretation: string };
  tieBreak: string[];
}

export const MIN_SCORECARDS_TO_NORMALIZE = 3;
export const TIE_BREAK = [
  'higher score',
  'more final scorecards',
  'higher mean on the heaviest-weighted criterion',
  'earlier submission time',
  'entry id',
];

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const populationSd = (values: number[]) => {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
};

/** One judge's score for one entry: Σ(weight × score / maxScore) / Σ weight × 100. */
export function weightedScore(rubric: RubricCriterion[], scores: Record<string, number>): number {
  const totalWeight = rubric.reduce((sum, c) => sum + c.weight, 0);
  return (rubric.reduce((sum, c) => sum + (c.weight * (scores[c.key] ?? 0)) / c.maxScore, 0) / totalWeight) * 100;
}

/**
 * ICC(1): one-way random effects agreement between single judges, for entries with at least two final
 * scorecards (unbalanced groups use the usual n₀ correction). 1 means judges agree completely.
 */
export function intraclassCorrelation(groups: number[][]): number | null {
  const used = groups.filter((g) => g.length >= 2);
  const a = used.length;
  const n = used.reduce((sum, g) => sum + g.length, 0);
  if (a < 2 || n - a < 1) return null;
  const grand = mean(used.flat());
  const ssb = used.reduce((sum, g) => sum + g.length * (mean(g) - grand) ** 2, 0);
  const ssw = used.reduce((sum, g) => sum + g.reduce((s, x) => s + (x - mean(g)) ** 2, 0), 0);
  const msb = ssb / (a - 1);
  const msw = ssw / (n - a);
  const n0 = (n - used.reduce((sum, g) => sum + g.length ** 2, 0) / n) / (a - 1);
  const denominator = msb + (n0 - 1) * msw;
  return denominator === 0 ? null : (msb - msw) / denominator;
}

function interpret(icc: number | null): string {
  if (icc === null) return 'not enough entries with two or more final scorecards';
  if (icc < 0.5) return 'poor agreement: judges disagree often';
  if (icc < 0.75) return 'moderate agreement';
  if (icc < 0.9) return 'good agreement';
  return 'excellent agreement';
}

/** The ranking of a challenge's entries from their final scorecards, per DESIGN.md's judging rules. */
export function rankEntries(input: RankingInput): Ranking {
  const { rubric } = input;
  const raw = input.scorecards.map((card) => ({ ...card, value: weightedScore(rubric, card.scores) }));

  const byJudge = new Map<string, number[]>();
  const byEntry = new Map<string, typeof raw>();
  for (const card of raw) {
    const judgeValues = byJudge.get(card.judgeId);
    if (judgeValues) judgeValues.push(card.value);
    else byJudge.set(card.judgeId, [card.value]);
    const entryCards = byEntry.get(card.entryId);
    if (entryCards) entryCards.push(card);
    else byEntry.set(card.entryId, [card]);
  }
  const all = raw.map((card) => card.value);
  const overallMean = all.length ? mean(all) : 0;
  const overallSd = all.length ? populationSd(all) : 0;
  const judges: JudgeCalibration[] = [...byJudge.entries()]
    .map(([judgeId, values]) => {
      const sd = populationSd(values);
      const reason =
        values.length < MIN_SCORECARDS_TO_NORMALIZE
          ? `fewer than ${MIN_SCORECARDS_TO_NORMALIZE} final scorecards`
          : sd === 0
            ? 'all of this judge\'s scores are equal'
            : undefined;
      return { judgeId, scorecards: values.length, mean: round(mean(values)), sd: round(sd), normalized: !reason, ...(reason ? { reason } : {}) };
    })
    .sort((a, b) => a.judgeId.localeCompare(b.judgeId));
  const calibration = new Map(judges.map((j) => [j.judgeId, { ...j, exactMean: mean(byJudge.get(j.judgeId)!), exactSd: populationSd(byJudge.get(j.judgeId)!) }]));
  /** A judge's z-score mapped back onto the raw distribution of all scorecards, kept within 0..100. */
  const normalized = (judgeId: string, value: number) => {
    const judge = calibration.get(judgeId)!;
    if (!judge.normalized) return value;
    return Math.min(100, Math.max(0, overallMean + ((value - judge.exactMean) / judge.exactSd) * overallSd));
  };

  const heaviest = rubric.reduce<RubricCriterion | undefined>((best, c) => (!best || c.weight > best.weight ? c : best), undefined);
  const rows = input.entries.map((entry) => {
    const cards = byEntry.get(entry.id) ?? [];
    const values = cards.map((c) => c.value);
    const rawScore = values.length ? mean(values) : null;
    const normalizedScore = values.length ? mean(cards.map((c) => normalized(c.judgeId, c.value))) : null;
    const criteria = Object.fromEntries(rubric.map((c) => [c.key, cards.length ? mean(cards.map((card) => card.scores[c.key] ?? 0)) : null]));
    return {
      entry,
      values,
      rawScore,
      normalizedScore,
      score: input.normalize === 'zscore' ? normalizedScore : rawScore,
      criteria,
      heaviestMean: heaviest ? (criteria[heaviest.key] ?? -1) : -1,
    };
  });

  const precise = (value: number | null) => (value === null ? -1 : Math.round(value * 1e6));
  rows.sort(
    (a, b) =>
      precise(b.score) - precise(a.score) ||
      b.values.length - a.values.length ||
      precise(b.heaviestMean) - precise(a.heaviestMean) ||
      a.entry.submittedAt.getTime() - b.entry.submittedAt.getTime() ||
      a.entry.id.localeCompare(b.entry.id),
  );

  const entries: RankedEntry[] = rows.map((row, i) => ({
    rank: i + 1,
    submissionId: row.entry.id,
    title: row.entry.title,
    score: row.score === null ? null : round(row.score),
    rawScore: row.rawScore === null ? null : round(row.rawScore),
    normalizedScore: row.normalizedScore === null ? null : round(row.normalizedScore),
    judgeCount: row.values.length,
    criteria: Object.fromEntries(Object.entries(row.criteria).map(([k, v]) => [k, v === null ? null : round(v)])),
    spread: row.values.length ? { min: round(Math.min(...row.values)), max: round(Math.max(...row.values)), range: round(Math.max(...row.values) - Math.min(...row.values)) } : null,
    tiedWithNext: i + 1 < rows.length && row.score !== null && precise(row.score) === precise(rows[i + 1].score),
  }));

  const icc = intraclassCorrelation(rows.map((row) => row.values));
  return {
    normalize: input.normalize,
    entries,
    judges,
    agreement: { icc: icc === null ? null : round(icc, 3), entries: rows.filter((r) => r.values.length >= 2).length, interpretation: interpret(icc) },
    tieBreak: TIE_BREAK,
  };
}
