import { seededRng, shuffled, type Rng } from './random.js';

/** What a study asks of the assignment. Order of the arrays matters (it feeds the seeded shuffles). */
export interface AssignmentRequest {
  readonly tasks: readonly string[];
  readonly evaluators: readonly string[];
  /** Condition names. */
  readonly conditions: readonly string[];
  /** Distinct evaluators per task. */
  readonly overlap: number;
  /** Any integer in 0..2^32−1. */
  readonly seed: number;
}

/** One item of one evaluator's queue. */
export interface Assignment {
  readonly evaluator: string;
  readonly task: string;
  readonly condition: string;
  /** The neutral label the evaluator sees for this item's condition ("Set A", …). */
  readonly label: string;
  /** 1-based position in the evaluator's queue. */
  readonly position: number;
}

/** A request that no assignment can satisfy, or that is malformed; the message says which rule. */
export class AssignmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssignmentError';
  }
}

/** The neutral label of the i-th condition slot: "Set A" … "Set Z", "Set AA", … */
export function neutralLabel(i: number): string {
  let n = i;
  let s = '';
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `Set ${s}`;
}

function checkDistinct(what: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (v.length === 0) throw new AssignmentError(`${what}: an empty id`);
    if (seen.has(v)) throw new AssignmentError(`${what}: "${v}" is listed twice`);
    seen.add(v);
  }
}

/** Checks a request; throws {@link AssignmentError} naming the violated rule. */
export function validateAssignmentRequest(req: AssignmentRequest): void {
  if (req.tasks.length === 0) throw new AssignmentError('A study needs at least one task.');
  if (req.evaluators.length === 0) throw new AssignmentError('A study needs at least one evaluator.');
  if (req.conditions.length === 0) throw new AssignmentError('A study needs at least one condition.');
  checkDistinct('tasks', req.tasks);
  checkDistinct('evaluators', req.evaluators);
  checkDistinct('conditions', req.conditions);
  if (!Number.isInteger(req.overlap) || req.overlap < 1) {
    throw new AssignmentError(`overlap must be a whole number ≥ 1 (distinct evaluators per task); got ${req.overlap}.`);
  }
  if (req.overlap > req.evaluators.length) {
    throw new AssignmentError(
      `overlap ${req.overlap} is impossible with ${req.evaluators.length} evaluator(s): every task must be reviewed by ${req.overlap} distinct evaluators and nobody sees a task twice. Add evaluators or lower the overlap.`,
    );
  }
  if (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > 0xffff_ffff) {
    throw new AssignmentError(`seed must be a whole number in 0..4294967295; got ${req.seed}.`);
  }
}

/**
 * Step 1: which evaluators review which task. Tasks in a seeded order each take the `overlap`
 * least-loaded evaluators (ties broken at random). Invariant: all loads lie in {m, m+1}; taking
 * the n lowest keeps it so. Hence loads differ by at most one, and a task's evaluators are distinct.
 */
function pickEvaluators(T: number, E: number, n: number, rng: Rng): { task: number; evaluator: number }[] {
  const load = new Array<number>(E).fill(0);
  const edges: { task: number; evaluator: number }[] = [];
  for (const task of shuffled(
    Array.from({ length: T }, (_, i) => i),
    rng,
  )) {
    const ranked = shuffled(
      Array.from({ length: E }, (_, i) => i),
      rng,
    ).sort((a, b) => load[a]! - load[b]!); // stable: random among equal loads
    for (const evaluator of ranked.slice(0, n)) {
      load[evaluator]!++;
      edges.push({ task, evaluator });
    }
  }
  return edges;
}

/**
 * Step 2: an equitable C-edge-colouring of the bipartite task–evaluator graph (de Werra). Every
 * vertex is split into sub-vertices of at most C edges each; the split graph has maximum degree
 * ≤ C, so (König) it has a proper C-edge-colouring, found with alternating-path swaps. A full
 * sub-vertex then holds each colour exactly once and the remainder at most once, so each vertex
 * (task or evaluator) of degree d holds each colour ⌊d/C⌋ or ⌈d/C⌉ times.
 */
function equitableColouring(edges: readonly { task: number; evaluator: number }[], T: number, E: number, C: number, rng: Rng): number[] {
  const M = edges.length;
  const left = new Int32Array(M); // task sub-vertex of each edge
  const right = new Int32Array(M); // evaluator sub-vertex of each edge
  const byTask: number[][] = Array.from({ length: T }, () => []);
  const byEvaluator: number[][] = Array.from({ length: E }, () => []);
  edges.forEach((e, i) => {
    byTask[e.task]!.push(i);
    byEvaluator[e.evaluator]!.push(i);
  });
  let vertices = 0;
  const split = (groups: number[][], side: Int32Array): void => {
    for (const group of groups) {
      shuffled(group, rng).forEach((edge, k) => {
        side[edge] = vertices + Math.floor(k / C);
      });
      vertices += Math.ceil(group.length / C);
    }
  };
  split(byTask, left);
  split(byEvaluator, right);

  const at = new Int32Array(vertices * C).fill(-1); // at[v*C + c] = edge coloured c at v
  const colour = new Int32Array(M).fill(-1);
  const free = (v: number): number => {
    for (let c = 0; c < C; c++) if (at[v * C + c] === -1) return c;
    throw new Error('internal: no free colour (degree exceeds C)');
  };
  const other = (edge: number, v: number): number => (left[edge] === v ? right[edge]! : left[edge]!);
  const paint = (edge: number, c: number): void => {
    colour[edge] = c;
    at[left[edge]! * C + c] = edge;
    at[right[edge]! * C + c] = edge;
  };
  for (let edge = 0; edge < M; edge++) {
    const u = left[edge]!;
    const v = right[edge]!;
    const a = free(u);
    if (at[v * C + a] === -1) {
      paint(edge, a);
      continue;
    }
    const b = free(v);
    if (at[u * C + b] === -1) {
      paint(edge, b);
      continue;
    }
    // Swap a and b along the alternating path from v that starts with v's a-edge. In a bipartite
    // graph that path cannot reach u (u would be entered by an a-edge, and u has none).
    const path: number[] = [];
    let x = v;
    let c = a;
    for (;;) {
      const e = at[x * C + c]!;
      if (e === -1) break;
      path.push(e);
      x = other(e, x);
      c = c === a ? b : a;
    }
    for (const e of path) {
      at[left[e]! * C + colour[e]!] = -1;
      at[right[e]! * C + colour[e]!] = -1;
    }
    for (const e of path) paint(e, colour[e] === a ? b : a);
    paint(edge, a);
  }
  return Array.from(colour);
}

/**
 * Step 3: an evaluator's queue order. Items are dealt in rounds; each round holds one item of every
 * condition that has one left, in random order. Since the counts differ by at most one, every
 * prefix of the queue is balanced over conditions (±1): conditions interleave.
 */
function orderQueue<T extends { condition: number }>(items: readonly T[], C: number, rng: Rng): T[] {
  const pools: T[][] = Array.from({ length: C }, () => []);
  for (const item of items) pools[item.condition]!.push(item);
  const shuffledPools = pools.map((p) => shuffled(p, rng));
  const out: T[] = [];
  const rounds = Math.max(0, ...shuffledPools.map((p) => p.length));
  for (let r = 0; r < rounds; r++) {
    const present = shuffledPools.map((p, c) => (r < p.length ? c : -1)).filter((c) => c >= 0);
    for (const c of shuffled(present, rng)) out.push(shuffledPools[c]![r]!);
  }
  return out;
}

/**
 * The study's assignment, deterministic for the request (same arrays in the same order, same seed).
 * Guarantees, for T tasks, E evaluators, C conditions and overlap n ≤ E:
 * - every task is reviewed by exactly n distinct evaluators;
 * - a task's n reviews hold each condition ⌊n/C⌋ or ⌈n/C⌉ times;
 * - every evaluator's load is ⌊Tn/E⌋ or ⌈Tn/E⌉, and their conditions differ by at most one in
 *   count — in every prefix of their queue, not only in total;
 * - each evaluator sees a random, private mapping of neutral labels ("Set A", …) to conditions.
 * Any request with n ≤ E is satisfiable; anything else throws {@link AssignmentError}.
 */
export function assignStudy(req: AssignmentRequest): Assignment[] {
  validateAssignmentRequest(req);
  const T = req.tasks.length;
  const E = req.evaluators.length;
  const C = req.conditions.length;
  const rng = seededRng(req.seed);
  const edges = pickEvaluators(T, E, req.overlap, rng);
  const colours = equitableColouring(edges, T, E, C, rng);
  const conditionOfColour = shuffled(
    Array.from({ length: C }, (_, i) => i),
    rng,
  );
  const perEvaluator: { task: number; condition: number }[][] = Array.from({ length: E }, () => []);
  edges.forEach((e, i) => perEvaluator[e.evaluator]!.push({ task: e.task, condition: conditionOfColour[colours[i]!]! }));
  const out: Assignment[] = [];
  perEvaluator.forEach((items, evaluator) => {
    const labelOf = shuffled(
      Array.from({ length: C }, (_, i) => neutralLabel(i)),
      rng,
    );
    orderQueue(items, C, rng).forEach((item, i) => {
      out.push({
        evaluator: req.evaluators[evaluator]!,
        task: req.tasks[item.task]!,
        condition: req.conditions[item.condition]!,
        label: labelOf[item.condition]!,
        position: i + 1,
      });
    });
  });
  return out;
}
