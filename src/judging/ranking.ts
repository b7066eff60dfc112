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

/** One judge's score for one entry: Σ(weight × score / maxScore) / Σ weight × 100. */
export function weightedScore(rubric: RubricCriterion[], scores: Record<string, number>): number {
  const totalWeight = rubric.reduce((sum, c) => sum + c.weight, 0);
  return (rubric.reduce((sum, c) => sum + (c.weight * (scores[c.key] ?? 0)) / c.maxScore, 0) / totalWeight) * 100;
}

/** Scores of one entry, as the agreement measure needs them: how many, their sum, and squared deviations from their mean. */
export interface ScoreGroup {
  n: number;
  sum: number;
  squares: number;
}

/**
 * ICC(1): one-way random effects agreement between single judges, for entries with at least two final
 * scorecards (unbalanced groups use the usual n₀ correction). 1 means judges agree completely.
 */
export function intraclassCorrelation(groups: ScoreGroup[]): number | null {
  let a = 0;
  let n = 0;
  let total = 0;
  let sizesSquared = 0;
  let ssw = 0;
  for (const g of groups) {
    if (g.n < 2) continue;
    a += 1;
    n += g.n;
    sizesSquared += g.n ** 2;
    total += g.sum;
    ssw += g.squares;
  }
  if (a < 2 || n - a < 1) return null;
  const grand = total / n;
  let ssb = 0;
  for (const g of groups) if (g.n >= 2) ssb += g.n * (g.sum / g.n - grand) ** 2;
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

/** The number of `key` in `numbers`, given the next free number when it has none yet. */
function numberOf(numbers: Map<string, number>, key: string): number {
  let n = numbers.get(key);
  if (n === undefined) numbers.set(key, (n = numbers.size));
  return n;
}

/**
 * The ranking of a challenge's entries from their final scorecards, per DESIGN.md's judging rules. Written over
 * typed arrays indexed by scorecard, judge and entry number rather than objects per scorecard: it ranks 10,000
 * entries per request. Judges are calibrated over every scorecard given, entries ranked are those listed.
 */
export function rankEntries(input: RankingInput): Ranking {
  const { rubric, entries, scorecards } = input;
  const cards = scorecards.length;
  const criteria = rubric.length;
  const entryNumbers = new Map<string, number>();
  entries.forEach((entry, i) => entryNumbers.set(entry.id, i));
  const judgeNumbers = new Map<string, number>();
  const cardEntry = new Int32Array(cards);
  const cardJudge = new Int32Array(cards);
  const values = new Float64Array(cards);
  for (let i = 0; i < cards; i += 1) {
    const card = scorecards[i];
    values[i] = weightedScore(rubric, card.scores);
    cardEntry[i] = entryNumbers.get(card.entryId) ?? -1;
    cardJudge[i] = numberOf(judgeNumbers, card.judgeId);
  }

  // Each judge's mean and population sd, and those of all scorecards, by two passes over the scores.
  const judgeCount = judgeNumbers.size;
  const judgeCards = new Int32Array(judgeCount);
  const judgeMeans = new Float64Array(judgeCount);
  const judgeSds = new Float64Array(judgeCount);
  let overallMean = 0;
  for (let i = 0; i < cards; i += 1) {
    judgeCards[cardJudge[i]] += 1;
    judgeMeans[cardJudge[i]] += values[i];
    overallMean += values[i];
  }
  overallMean = cards ? overallMean / cards : 0;
  for (let j = 0; j < judgeCount; j += 1) judgeMeans[j] /= judgeCards[j];
  let overallSd = 0;
  for (let i = 0; i < cards; i += 1) {
    judgeSds[cardJudge[i]] += (values[i] - judgeMeans[cardJudge[i]]) ** 2;
    overallSd += (values[i] - overallMean) ** 2;
  }
  overallSd = cards ? Math.sqrt(overallSd / cards) : 0;
  const judges: JudgeCalibration[] = [];
  const normalizes = new Uint8Array(judgeCount);
  for (const [judgeId, j] of judgeNumbers) {
    judgeSds[j] = Math.sqrt(judgeSds[j] / judgeCards[j]);
    const reason =
      judgeCards[j] < MIN_SCORECARDS_TO_NORMALIZE
        ? `fewer than ${MIN_SCORECARDS_TO_NORMALIZE} final scorecards`
        : judgeSds[j] === 0
          ? 'all of this judge\'s scores are equal'
          : undefined;
    normalizes[j] = reason ? 0 : 1;
    judges.push({ judgeId, scorecards: judgeCards[j], mean: round(judgeMeans[j]), sd: round(judgeSds[j]), normalized: !reason, ...(reason ? { reason } : {}) });
  }
  judges.sort((a, b) => a.judgeId.localeCompare(b.judgeId));

  // Per entry: count, raw and normalized sums, lowest and highest score, criterion sums; then squared deviations.
  const count = entries.length;
  const counts = new Int32Array(count);
  const rawSums = new Float64Array(count);
  const normalizedSums = new Float64Array(count);
  const lowest = new Float64Array(count).fill(Infinity);
  const highest = new Float64Array(count).fill(-Infinity);
  const criterionSums = new Float64Array(count * criteria);
  for (let i = 0; i < cards; i += 1) {
    const e = cardEntry[i];
    if (e < 0) continue;
    const value = values[i];
    const j = cardJudge[i];
    counts[e] += 1;
    rawSums[e] += value;
    // A judge's z-score mapped back onto the raw distribution of all scorecards, kept within 0..100.
    normalizedSums[e] += normalizes[j] ? Math.min(100, Math.max(0, overallMean + ((value - judgeMeans[j]) / judgeSds[j]) * overallSd)) : value;
    if (value < lowest[e]) lowest[e] = value;
    if (value > highest[e]) highest[e] = value;
    const scores = scorecards[i].scores;
    for (let c = 0; c < criteria; c += 1) criterionSums[e * criteria + c] += scores[rubric[c].key] ?? 0;
  }
  const squares = new Float64Array(count);
  for (let i = 0; i < cards; i += 1) {
    const e = cardEntry[i];
    if (e >= 0) squares[e] += (values[i] - rawSums[e] / counts[e]) ** 2;
  }

  // The tie-break chain's keys, computed once rather than in every comparison.
  const heaviest = rubric.reduce<number>((best, c, i) => (best < 0 || c.weight > rubric[best].weight ? i : best), -1);
  const scores = new Array<number | null>(count);
  const scoreKeys = new Float64Array(count);
  const heaviestKeys = new Float64Array(count);
  const submittedMs = new Float64Array(count);
  for (let e = 0; e < count; e += 1) {
    const n = counts[e];
    scores[e] = n === 0 ? null : (input.normalize === 'zscore' ? normalizedSums[e] : rawSums[e]) / n;
    scoreKeys[e] = n === 0 ? -1 : Math.round((scores[e] as number) * 1e6);
    heaviestKeys[e] = heaviest >= 0 && n ? Math.round((criterionSums[e * criteria + heaviest] / n) * 1e6) : -1;
    submittedMs[e] = entries[e].submittedAt.getTime();
  }
  const order = Array.from({ length: count }, (_, e) => e);
  order.sort(
    (a, b) =>
      scoreKeys[b] - scoreKeys[a] ||
      counts[b] - counts[a] ||
      heaviestKeys[b] - heaviestKeys[a] ||
      submittedMs[a] - submittedMs[b] ||
      (entries[a].id < entries[b].id ? -1 : entries[a].id > entries[b].id ? 1 : 0),
  );

  const ranked: RankedEntry[] = order.map((e, i) => {
    const n = counts[e];
    const criterionMeans: Record<string, number | null> = {};
    for (let c = 0; c < criteria; c += 1) criterionMeans[rubric[c].key] = n ? round(criterionSums[e * criteria + c] / n) : null;
    const score = scores[e];
    return {
      rank: i + 1,
      submissionId: entries[e].id,
      title: entries[e].title,
      score: score === null ? null : round(score),
      rawScore: n ? round(rawSums[e] / n) : null,
      normalizedScore: n ? round(normalizedSums[e] / n) : null,
      judgeCount: n,
      criteria: criterionMeans,
      spread: n ? { min: round(lowest[e]), max: round(highest[e]), range: round(highest[e] - lowest[e]) } : null,
      tiedWithNext: i + 1 < count && score !== null && scoreKeys[e] === scoreKeys[order[i + 1]],
    };
  });

  const groups = order.map((e) => ({ n: counts[e], sum: rawSums[e], squares: squares[e] }));
  const icc = intraclassCorrelation(groups);
  return {
    normalize: input.normalize,
    entries: ranked,
    judges,
    agreement: { icc: icc === null ? null : round(icc, 3), entries: groups.filter((g) => g.n >= 2).length, interpretation: interpret(icc) },
    tieBreak: TIE_BREAK,
  };
}
