import { seededRandom, shuffled } from './seeded-random';

export interface AssignmentInput {
  entries: { id: string; solverId: string }[];
  judges: { id: string; userId: string }[];
  perEntry: number;
  /** Pairs that must never meet: `${judgeId}:${entryId}`. */
  conflicts: Set<string>;
  seed: number;
}

export type AssignmentResult = { ok: true; pairs: { entryId: string; judgeId: string }[] } | { ok: false; reason: string };

/**
 * Gives every entry `perEntry` distinct judges so that judge loads differ by at most one (each is ⌊N·k/m⌋ or
 * ⌈N·k/m⌉), never the entry's own solver and never a conflicted judge; the same seed gives the same result.
 *
 * Two phases, each a seeded greedy pass (least-loaded judge first) repaired by augmenting paths over the
 * bipartite graph: first every judge up to the floor with no judge above it, then every entry up to `perEntry`
 * with judges capped at the ceiling. An augmenting path never lowers a judge's load, so each phase ends in a
 * maximum flow for its capacities: when one falls short, no balanced assignment exists.
 */
export function assignJudges(input: AssignmentInput): AssignmentResult {
  const { perEntry } = input;
  const random = seededRandom(input.seed);
  const entries = shuffled([...input.entries].sort((a, b) => a.id.localeCompare(b.id)), random);
  const judges = shuffled([...input.judges].sort((a, b) => a.id.localeCompare(b.id)), random);
  const m = judges.length;
  if (entries.length === 0) return { ok: true, pairs: [] };
  if (m < perEntry) return { ok: false, reason: `Each entry needs ${perEntry} judges, but the panel has ${m} accepted judge(s).` };

  const total = entries.length * perEntry;
  const floor = Math.floor(total / m);
  const ceil = Math.ceil(total / m);
  const eligible = entries.map((entry) =>
    judges.map((judge, j) => (judge.userId !== entry.solverId && !input.conflicts.has(`${judge.id}:${entry.id}`) ? j : -1)).filter((j) => j >= 0),
  );
  const short = entries.filter((_, e) => eligible[e].length < perEntry);
  if (short.length) {
    return { ok: false, reason: `${short.length} entr${short.length === 1 ? 'y has' : 'ies have'} fewer than ${perEntry} eligible judges (conflicts or own entries). Invite more judges.` };
  }

  const assigned: Set<number>[] = entries.map(() => new Set());
  const load: number[] = judges.map(() => 0);
  const entriesOf: Set<number>[] = judges.map(() => new Set());
  const link = (e: number, j: number) => {
    assigned[e].add(j);
    entriesOf[j].add(e);
    load[j] += 1;
  };
  const unlink = (e: number, j: number) => {
    assigned[e].delete(j);
    entriesOf[j].delete(e);
    load[j] -= 1;
  };

  /** Least-loaded eligible judges first, never above `cap`. */
  const greedy = (cap: number) =>
    entries.forEach((_, e) => {
      const candidates = eligible[e].filter((j) => load[j] < cap && !assigned[e].has(j)).sort((a, b) => load[a] - load[b] || a - b);
      for (const j of candidates.slice(0, perEntry - assigned[e].size)) link(e, j);
    });

  /** One augmenting path from an entry short of judges to a judge under `cap`; returns whether one was found. */
  const augment = (cap: number, judgeNeedsWork: (j: number) => boolean): boolean => {
    const judgeParent = new Map<number, number>();
    const entryParent = new Map<number, number>();
    const queue: number[] = [];
    entries.forEach((_, e) => {
      if (assigned[e].size < perEntry) {
        entryParent.set(e, -1);
        queue.push(e);
      }
    });
    for (let head = 0; head < queue.length; head += 1) {
      const e = queue[head];
      for (const j of eligible[e]) {
        if (assigned[e].has(j) || judgeParent.has(j)) continue;
        judgeParent.set(j, e);
        if (load[j] < cap && judgeNeedsWork(j)) {
          let judge = j;
          let entry = e;
          for (;;) {
            link(entry, judge);
            const previousJudge = entryParent.get(entry)!;
            if (previousJudge === -1) return true;
            unlink(entry, previousJudge);
            judge = previousJudge;
            entry = judgeParent.get(judge)!;
          }
        }
        for (const e2 of entriesOf[j]) {
          if (!entryParent.has(e2)) {
            entryParent.set(e2, j);
            queue.push(e2);
          }
        }
      }
    }
    return false;
  };

  greedy(floor);
  while (load.some((l) => l < floor) && augment(floor, (j) => load[j] < floor));
  if (load.some((l) => l < floor)) {
    return { ok: false, reason: 'Conflicts leave some judges unable to take an even share of the entries. Invite more judges or review the conflicts.' };
  }
  greedy(ceil);
  while (assigned.some((a) => a.size < perEntry) && augment(ceil, () => true));
  if (assigned.some((a) => a.size < perEntry)) {
    return { ok: false, reason: 'The panel cannot give every entry its judges with even workloads under the declared conflicts. Invite more judges.' };
  }

  const pairs = entries.flatMap((entry, e) => [...assigned[e]].sort((a, b) => a - b).map((j) => ({ entryId: entry.id, judgeId: judges[j].id })));
  return { ok: true, pairs };
}
