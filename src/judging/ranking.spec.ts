import type { RubricCriterion } from '../challenges/challenge.entity';
import { intraclassCorrelation, rankEntries, weightedScore } from './ranking';

const rubric: RubricCriterion[] = [
  { key: 'impact', name: 'Impact', description: '', weight: 2, maxScore: 10 },
  { key: 'cost', name: 'Cost', description: '', weight: 1, maxScore: 5 },
];
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 12, minute));
const entry = (id: string, minute = 0) => ({ id, title: `Entry ${id}`, submittedAt: at(minute) });

describe('weightedScore', () => {
  it('is Σ(weight × score / maxScore) / Σ weight × 100', () => {
    // (2 × 8/10 + 1 × 3/5) / 3 × 100 = (1.6 + 0.6) / 3 × 100 = 73.333…
    expect(weightedScore(rubric, { impact: 8, cost: 3 })).toBeCloseTo(73.3333, 4);
    expect(weightedScore(rubric, { impact: 10, cost: 5 })).toBe(100);
    expect(weightedScore(rubric, { impact: 0, cost: 0 })).toBe(0);
  });
});

describe('rankEntries', () => {
  it('ranks by the mean of final scorecards, with criterion means and the spread between judges', () => {
    const ranking = rankEntries({
      rubric,
      entries: [entry('a'), entry('b')],
      scorecards: [
        { entryId: 'a', judgeId: 'j1', scores: { impact: 8, cost: 3 } }, // 73.33
        { entryId: 'a', judgeId: 'j2', scores: { impact: 6, cost: 5 } }, // (1.2 + 1) / 3 × 100 = 73.33
        { entryId: 'b', judgeId: 'j1', scores: { impact: 10, cost: 5 } }, // 100
        { entryId: 'b', judgeId: 'j2', scores: { impact: 5, cost: 1 } }, // (1 + 0.2) / 3 × 100 = 40
      ],
      normalize: 'none',
    });
    expect(ranking.entries).toEqual([
      { rank: 1, submissionId: 'a', title: 'Entry a', score: 73.33, rawScore: 73.33, normalizedScore: expect.any(Number), judgeCount: 2, criteria: { impact: 7, cost: 4 }, spread: { min: 73.33, max: 73.33, range: 0 }, tiedWithNext: false },
      { rank: 2, submissionId: 'b', title: 'Entry b', score: 70, rawScore: 70, normalizedScore: expect.any(Number), judgeCount: 2, criteria: { impact: 7.5, cost: 3 }, spread: { min: 40, max: 100, range: 60 }, tiedWithNext: false },
    ]);
  });

  it('breaks ties by scorecard count, then the heaviest criterion, then submission time, then id', () => {
    const cards = (id: string, judges: string[], scores: Record<string, number>) => judges.map((judgeId) => ({ entryId: id, judgeId, scores }));
    const ranking = rankEntries({
      rubric,
      entries: [entry('late', 30), entry('early', 10), entry('more', 50), entry('heavy', 40), entry('same-b', 10), entry('same-a', 10)],
      scorecards: [
        // 60 with one scorecard each unless noted
        ...cards('more', ['j1', 'j2'], { impact: 6, cost: 3 }), // 60, two scorecards → first
        ...cards('heavy', ['j1'], { impact: 9, cost: 0 }), // (1.8 + 0)/3 = 60, impact 9 → second
        ...cards('late', ['j1'], { impact: 6, cost: 3 }), // 60, impact 6, submitted 12:30
        ...cards('early', ['j1'], { impact: 6, cost: 3 }), // 60, impact 6, submitted 12:10
        ...cards('same-b', ['j1'], { impact: 6, cost: 3 }), // same as early → by id
        ...cards('same-a', ['j1'], { impact: 6, cost: 3 }),
      ],
      normalize: 'none',
    });
    expect(ranking.entries.map((e) => e.submissionId)).toEqual(['more', 'heavy', 'early', 'same-a', 'same-b', 'late']);
    expect(ranking.entries.every((e) => e.score === 60)).toBe(true);
    expect(ranking.entries.map((e) => e.tiedWithNext)).toEqual([true, true, true, true, true, false]);
  });

  it('puts entries without a final scorecard last, with no score', () => {
    const ranking = rankEntries({ rubric, entries: [entry('none'), entry('one')], scorecards: [{ entryId: 'one', judgeId: 'j', scores: { impact: 0, cost: 0 } }], normalize: 'none' });
    expect(ranking.entries.map((e) => [e.submissionId, e.score, e.judgeCount])).toEqual([['one', 0, 1], ['none', null, 0]]);
  });

  it('normalizes each judge by z-score rescaled to the raw distribution, except judges with fewer than 3 scorecards', () => {
    // Judge "hard" gives 20, 40, 60; judge "easy" gives 60, 80, 100 to the same three entries; "new" scored once.
    const hardEasy = (entryId: string, hard: number, easy: number) => [
      { entryId, judgeId: 'hard', scores: { impact: hard / 10, cost: hard / 20 } },
      { entryId, judgeId: 'easy', scores: { impact: easy / 10, cost: easy / 20 } },
    ];
    const input = {
      rubric,
      entries: [entry('x'), entry('y'), entry('z'), entry('w')],
      scorecards: [...hardEasy('x', 20, 60), ...hardEasy('y', 40, 80), ...hardEasy('z', 60, 100), { entryId: 'w', judgeId: 'new', scores: { impact: 9, cost: 4.5 } }],
    };
    const ranking = rankEntries({ ...input, normalize: 'zscore' });
    // All 7 scores: 20,40,60,60,80,100,90 → mean 450/7 = 64.2857; squared deviations sum to 4771.43, so the
    // population sd is √(4771.43/7) = 26.108. Both judges' z-scores are −1.2247, 0, +1.2247 (sd 16.33), so
    // x: 64.286 − 1.2247·26.108 = 32.31, y: 64.29, z: 96.26. "new" scored once and keeps its raw 90.
    expect(ranking.entries.map((e) => [e.submissionId, e.normalizedScore])).toEqual([['z', 96.26], ['w', 90], ['y', 64.29], ['x', 32.31]]);
    expect(ranking.entries.find((e) => e.submissionId === 'x')!.rawScore).toBe(40);
    expect(ranking.judges).toEqual([
      { judgeId: 'easy', scorecards: 3, mean: 80, sd: 16.33, normalized: true },
      { judgeId: 'hard', scorecards: 3, mean: 40, sd: 16.33, normalized: true },
      { judgeId: 'new', scorecards: 1, mean: 90, sd: 0, normalized: false, reason: 'fewer than 3 final scorecards' },
    ]);
    expect(rankEntries({ ...input, normalize: 'none' }).entries.map((e) => e.submissionId)).toEqual(['w', 'z', 'y', 'x']);
  });
});

describe('intraclassCorrelation', () => {
  const icc = (groups: number[][]) =>
    intraclassCorrelation(
      groups.map((values) => {
        const sum = values.reduce((a, b) => a + b, 0);
        return { n: values.length, sum, squares: values.reduce((a, x) => a + (x - sum / values.length) ** 2, 0) };
      }),
    );

  it('is 1 when judges agree exactly and low when they do not', () => {
    expect(icc([[10, 10], [50, 50], [90, 90]])).toBe(1);
    expect(icc([[10, 90], [90, 10], [50, 50]])).toBeLessThan(0);
    expect(icc([[10, 10]])).toBeNull();
    expect(icc([[10, 10], [50], [90, 90]])).toBe(1);
  });

  it('matches a hand computation', () => {
    // Groups (1,3), (5,7): grand 4; SSB = 2·(2−4)² + 2·(6−4)² = 16; SSW = 2 + 2 = 4; MSB = 16, MSW = 2; n₀ = 2.
    // ICC = (16 − 2) / (16 + 2) = 0.7778
    expect(icc([[1, 3], [5, 7]])).toBeCloseTo(0.7778, 4);
  });
});
