import fc from 'fast-check';
import { assignJudges, type AssignmentInput } from './assignment';

const id = (prefix: string, i: number) => `${prefix}-${String(i).padStart(4, '0')}`;

/** A random panel: judges (some of whom are also solvers), entries, and random conflicts. */
const panels = fc
  .record({
    judgeCount: fc.integer({ min: 1, max: 12 }),
    entryCount: fc.integer({ min: 0, max: 60 }),
    perEntry: fc.integer({ min: 1, max: 5 }),
    seed: fc.integer(),
    conflictRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    conflictSeed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map(({ judgeCount, entryCount, perEntry, seed, conflictRate, conflictSeed }): AssignmentInput => {
    let state = conflictSeed;
    const next = () => ((state = (state * 48271) % 2147483647) / 2147483647);
    const judges = Array.from({ length: judgeCount }, (_, i) => ({ id: id('judge', i), userId: id('user', i) }));
    const entries = Array.from({ length: entryCount }, (_, i) => ({ id: id('entry', i), solverId: id('user', i % (judgeCount * 3)) }));
    const conflicts = new Set<string>();
    for (const judge of judges) for (const entry of entries) if (next() < conflictRate) conflicts.add(`${judge.id}:${entry.id}`);
    return { judges, entries, perEntry, seed, conflicts };
  });

describe('assignJudges', () => {
  it('gives every entry k distinct eligible judges with loads within one, whenever it succeeds', () => {
    fc.assert(
      fc.property(panels, (input) => {
        const result = assignJudges(input);
        if (!result.ok) return;
        const byEntry = new Map<string, string[]>();
        const load = new Map(input.judges.map((j) => [j.id, 0]));
        for (const { entryId, judgeId } of result.pairs) {
          byEntry.set(entryId, [...(byEntry.get(entryId) ?? []), judgeId]);
          load.set(judgeId, load.get(judgeId)! + 1);
        }
        for (const entry of input.entries) {
          const judges = byEntry.get(entry.id) ?? [];
          expect(judges).toHaveLength(input.perEntry);
          expect(new Set(judges).size).toBe(input.perEntry);
          for (const judgeId of judges) {
            expect(input.conflicts.has(`${judgeId}:${entry.id}`)).toBe(false);
            expect(input.judges.find((j) => j.id === judgeId)!.userId).not.toBe(entry.solverId);
          }
        }
        const loads = [...load.values()];
        expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it('always succeeds without conflicts when the panel is large enough', () => {
    fc.assert(
      fc.property(panels, (input) => {
        const clean = { ...input, conflicts: new Set<string>(), entries: input.entries.map((e) => ({ ...e, solverId: `outsider-${e.id}` })) };
        expect(assignJudges(clean).ok).toBe(input.judges.length >= input.perEntry || input.entries.length === 0);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic for a seed and independent of input order', () => {
    fc.assert(
      fc.property(panels, (input) => {
        const again = assignJudges({ ...input, judges: [...input.judges].reverse(), entries: [...input.entries].reverse() });
        expect(again).toEqual(assignJudges(input));
      }),
      { numRuns: 200 },
    );
  });

  it('succeeds exactly when a balanced assignment exists (checked by brute force on small panels)', () => {
    const subsets = (items: number[], k: number): number[][] =>
      k === 0 ? [[]] : items.flatMap((item, i) => subsets(items.slice(i + 1), k - 1).map((rest) => [item, ...rest]));
    const small = fc.record({
      judgeCount: fc.integer({ min: 1, max: 4 }),
      entryCount: fc.integer({ min: 1, max: 5 }),
      perEntry: fc.integer({ min: 1, max: 2 }),
      conflicts: fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 4 })), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(small, ({ judgeCount, entryCount, perEntry, conflicts }) => {
        const judges = Array.from({ length: judgeCount }, (_, i) => ({ id: `j${i}`, userId: `u${i}` }));
        const entries = Array.from({ length: entryCount }, (_, i) => ({ id: `e${i}`, solverId: `s${i}` }));
        const blocked = new Set(conflicts.map(([j, e]) => `j${j}:e${e}`));
        const options = entries.map((entry) =>
          subsets(judges.map((_, j) => j).filter((j) => !blocked.has(`j${j}:${entry.id}`)), perEntry),
        );
        const exists = (e: number, load: number[]): boolean => {
          if (e === entries.length) return Math.max(...load) - Math.min(...load) <= 1;
          return options[e].some((choice) => exists(e + 1, load.map((l, j) => l + (choice.includes(j) ? 1 : 0))));
        };
        const expected = judgeCount >= perEntry && exists(0, judges.map(() => 0));
        expect(assignJudges({ judges, entries, perEntry, conflicts: blocked, seed: 3 }).ok).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('explains why when the panel is too small', () => {
    const result = assignJudges({
      judges: [{ id: 'a', userId: 'ua' }, { id: 'b', userId: 'ub' }],
      entries: [{ id: 'e', solverId: 'x' }],
      perEntry: 3,
      conflicts: new Set(),
      seed: 1,
    });
    expect(result).toEqual({ ok: false, reason: 'Each entry needs 3 judges, but the panel has 2 accepted judge(s).' });
    const conflicted = assignJudges({
      judges: [{ id: 'a', userId: 'ua' }, { id: 'b', userId: 'ub' }],
      entries: [{ id: 'e', solverId: 'ua' }],
      perEntry: 2,
      conflicts: new Set(),
      seed: 1,
    });
    expect(conflicted.ok).toBe(false);
  });

  it('finds the balanced assignment a greedy pass alone misses', () => {
    // Judge c is eligible only for e1; a greedy pass that gives e1 to a and b leaves c idle.
    const result = assignJudges({
      judges: [{ id: 'a', userId: 'ua' }, { id: 'b', userId: 'ub' }, { id: 'c', userId: 'uc' }],
      entries: [{ id: 'e1', solverId: 'x' }, { id: 'e2', solverId: 'y' }, { id: 'e3', solverId: 'z' }],
      perEntry: 1,
      conflicts: new Set(['c:e2', 'c:e3']),
      seed: 7,
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.pairs.find((p) => p.judgeId === 'c')?.entryId).toBe('e1');
  });
});
