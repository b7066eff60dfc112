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
  let n = 0;
  let total = 0;
  let sizesSquared = 0;
  for (const g of used) {
    n += g.length;
    sizesSquared += g.length ** 2;
    for (const x of g) total += x;
  }
  if (a < 2 || n - a < 1) return null;
  const grand = total / n;
  let ssb = 0;
  let ssw = 0;
  for (const g of used) {
    const groupMean = mean(g);
    ssb += g.length * (groupMean - grand) ** 2;
    for (const x of g) ssw += (x - groupMean) ** 2;
  }
  const msb = ssb / (a - 1);
  const msw = ssw / (n - a);
  const n0 = (n - sizesSquared / n) / (a - 1);
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

/** Appends `index` to the list kept under `key`. */
function group(groups: Map<string, number[]>, key: string, index: number): void {
  const list = groups.get(key);
  if (list) list.push(index);
  else groups.set(key, [index]);
}

/** Mean and population standard deviation of the values at `indices`. */
function meanAndSd(values: Float64Array, indices: number[]): { mean: number; sd: number } {
  let sum = 0;
  for (const i of indices) sum += values[i];
  const m = sum / indices.length;
  let squares = 0;
  for (const i of indices) squares += (values[i] - m) ** 2;
  return { mean: m, sd: Math.sqrt(squares / indices.length) };
}

/**
 * The ranking of a challenge's entries from their final scorecards, per DESIGN.md's judging rules. Written with
 * typed arrays and index lists rather than intermediate objects: it ranks 10,000 entries per request.
 */
export function rankEntries(input: RankingInput): Ranking {
  const { rubric, scorecards } = input;
  const values = new Float64Array(scorecards.length);
  const byJudge = new Map<string, number[]>();
  const byEntry = new Map<string, number[]>();
  scorecards.forEach((card, i) => {
    values[i] = weightedScore(rubric, card.scores);
    group(byJudge, card.judgeId, i);
    group(byEntry, card.entryId, i);
  });
  const all = scorecards.map((_, i) => i);
  const overall = all.length ? meanAndSd(values, all) : { mean: 0, sd: 0 };

  const judges: JudgeCalibration[] = [];
  const normalizedValues = Float64Array.from(values);
  for (const [judgeId, indices] of byJudge) {
    const { mean: judgeMean, sd } = meanAndSd(values, indices);
    const reason =
      indices.length < MIN_SCORECARDS_TO_NORMALIZE
        ? `fewer than ${MIN_SCORECARDS_TO_NORMALIZE} final scorecards`
        : sd === 0
          ? 'all of this judge\'s scores are equal'
          : undefined;
    judges.push({ judgeId, scorecards: indices.length, mean: round(judgeMean), sd: round(sd), normalized: !reason, ...(reason ? { reason } : {}) });
    // A judge's z-score mapped back onto the raw distribution of all scorecards, kept within 0..100.
    if (!reason) for (const i of indices) normalizedValues[i] = Math.min(100, Math.max(0, overall.mean + ((values[i] - judgeMean) / sd) * overall.sd));
  }
  judges.sort((a, b) => a.judgeId.localeCompare(b.judgeId));

  const heaviest = rubric.reduce<number>((best, c, i) => (best < 0 || c.weight > rubric[best].weight ? i : best), -1);
  const precise = (value: number | null) => (value === null ? -1 : Math.round(value * 1e6));
  const rows = input.entries.map((entry) => {
    const indices = byEntry.get(entry.id) ?? [];
    const n = indices.length;
    const entryValues = indices.map((i) => values[i]);
    let rawSum = 0;
    let normalizedSum = 0;
    const criterionSums = new Float64Array(rubric.length);
    for (const i of indices) {
      rawSum += values[i];
      normalizedSum += normalizedValues[i];
      const scores = scorecards[i].scores;
      for (let c = 0; c < rubric.length; c += 1) criterionSums[c] += scores[rubric[c].key] ?? 0;
    }
    const rawScore = n ? rawSum / n : null;
    const normalizedScore = n ? normalizedSum / n : null;
    const score = input.normalize === 'zscore' ? normalizedScore : rawScore;
    const heaviestMean = heaviest >= 0 && n ? criterionSums[heaviest] / n : -1;
    // The tie-break chain's keys, computed once rather than in every comparison.
    return { entry, values: entryValues, criterionSums, rawScore, normalizedScore, score, scoreKey: precise(score), heaviestKey: precise(heaviestMean), submittedMs: entry.submittedAt.getTime() };
  });

  rows.sort(
    (a, b) =>
      b.scoreKey - a.scoreKey ||
      b.values.length - a.values.length ||
      b.heaviestKey - a.heaviestKey ||
      a.submittedMs - b.submittedMs ||
      (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0),
  );

  const entries: RankedEntry[] = rows.map((row, i) => {
    const n = row.values.length;
    const criteria: Record<string, number | null> = {};
    rubric.forEach((c, index) => (criteria[c.key] = n ? round(row.criterionSums[index] / n) : null));
    const min = n ? Math.min(...row.values) : 0;
    const max = n ? Math.max(...row.values) : 0;
    return {
      rank: i + 1,
      submissionId: row.entry.id,
      title: row.entry.title,
      score: row.score === null ? null : round(row.score),
      rawScore: row.rawScore === null ? null : round(row.rawScore),
      normalizedScore: row.normalizedScore === null ? null : round(row.normalizedScore),
      judgeCount: n,
      criteria,
      spread: n ? { min: round(min), max: round(max), range: round(max - min) } : null,
      tiedWithNext: i + 1 < rows.length && row.score !== null && row.scoreKey === rows[i + 1].scoreKey,
    };
  });

  const icc = intraclassCorrelation(rows.map((row) => row.values));
  return {
    normalize: input.normalize,
    entries,
    judges,
    agreement: { icc: icc === null ? null : round(icc, 3), entries: rows.filter((r) => r.values.length >= 2).length, interpretation: interpret(icc) },
    tieBreak: TIE_BREAK,
  };
}
