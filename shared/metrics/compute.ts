import { addAlphaUnit, alphaFromSums, emptyAlphaSums } from './krippendorff.js';
import { matchReview, type ReviewMatching } from './matching.js';
import { seededRandom } from './prng.js';
import { quantileSorted, ratio } from './stats.js';
import type { Adjudication, MetricReview, MetricTask, StudyData } from './types.js';

/** A figure with its 95% percentile-bootstrap confidence interval (nulls when undefined). */
export interface Figure {
  readonly value: number | null;
  readonly ci: readonly [number | null, number | null];
}

/** What happened to the critiques shown in a condition, and how many flaws humans added. */
export interface Fate {
  /** Accepted as written. */
  readonly kept: number;
  /** Accepted with edited text. */
  readonly edited: number;
  readonly rejected: number;
  /** Rejections by reason (`unspecified` when none was given). */
  readonly rejected_by_reason: Readonly<Record<string, number>>;
  /** Shown, never decided. */
  readonly undecided: number;
  /** Flaws the evaluators added themselves. */
  readonly added: number;
}

/** The figures of one condition. */
export interface ConditionMetrics {
  readonly policy: string;
  readonly reviews: number;
  readonly reported_per_review: Figure;
  readonly caught_per_review: Figure;
  readonly catch_rate: Figure;
  readonly critique_accept_rate: Figure;
  readonly invalid_accept_rate: Figure;
  readonly valid_reject_rate: Figure;
  readonly added_per_review: Figure;
  readonly median_active_seconds: Figure;
  readonly agreement: { readonly verdict_alpha: Figure; readonly rating_alpha: Figure };
  readonly fate: Fate;
}

/** One row of a breakdown of catch rate by a flaw attribute. */
export interface CatchRow {
  readonly condition: string;
  readonly group: string;
  readonly caught: number;
  readonly flaws: number;
  readonly catch_rate: number | null;
}

/** Per-evaluator figures within a condition (no CIs). */
export interface EvaluatorRow {
  readonly evaluator: string;
  readonly condition: string;
  readonly reviews: number;
  readonly reported_per_review: number | null;
  readonly caught_per_review: number | null;
  /** reported_per_review over the evaluator's own baseline mean, minus 1. */
  readonly uplift_reported: number | null;
  readonly uplift_caught: number | null;
}

/** Figures by position in the evaluator's queue (learning and fatigue). */
export interface PositionRow {
  readonly condition: string;
  readonly position: number;
  readonly reviews: number;
  readonly reported_per_review: number | null;
  readonly caught_per_review: number | null;
}

/** Everything `assay metrics` reports. */
export interface StudyMetrics {
  readonly study: string;
  readonly baseline: string | null;
  readonly bootstrap: { readonly resamples: number; readonly seed: number; readonly level: number; readonly tasks: number };
  readonly conditions: Readonly<Record<string, ConditionMetrics>>;
  readonly uplift: Readonly<Record<string, { readonly reported: Figure; readonly caught: Figure }>>;
  readonly breakdowns: {
    readonly by_severity: readonly CatchRow[];
    readonly by_category: readonly CatchRow[];
    readonly by_evaluator: readonly EvaluatorRow[];
    readonly by_position: readonly PositionRow[];
    readonly active_seconds: Readonly<Record<string, readonly number[]>>;
  };
}

/** Options of {@link computeMetrics}. */
export interface MetricsOptions {
  /** Number of bootstrap resamples; 0 leaves every CI [null, null]. Default 2,000. */
  readonly bootstrap?: number;
  /** PRNG seed of the bootstrap. Default 1. */
  readonly seed?: number;
  /** Baseline condition; default the first condition with policy `none`. */
  readonly baseline?: string;
  /** Called now and then during the bootstrap with (resamples done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A study's input that the metrics refuse, naming the row and field. */
export class MetricsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsInputError';
  }
}

// Per (condition, task) sufficient statistics; every figure is a function of their sums.
const S_REVIEWS = 0;
const S_REPORTED = 1;
const S_CAUGHT = 2;
const S_FLAWS = 3;
const S_ACCEPTED_SHOWN = 4;
const S_SHOWN = 5;
const S_INVALID_ACCEPTED = 6;
const S_INVALID_SHOWN = 7;
const S_VALID_NOT_ACCEPTED = 8;
const S_VALID_SHOWN = 9;
const S_ADDED = 10;
const S_VERDICT_N = 11;
const S_VERDICT_OBS = 12;
const S_VERDICT_S1 = 13;
const S_RATING_N = 14;
const S_RATING_OBS = 15;
const S_RATING_S1 = 16;
const S_RATING_S2 = 17;
const S_ACTIVE_N = 18;
const K = 19;

// Figures per condition, in this order in the bootstrap buffers.
const FIGURES = [
  'reported_per_review',
  'caught_per_review',
  'catch_rate',
  'critique_accept_rate',
  'invalid_accept_rate',
  'valid_reject_rate',
  'added_per_review',
  'median_active_seconds',
  'verdict_alpha',
  'rating_alpha',
] as const;
const F = FIGURES.length;

/** Reviews that count: submitted and not skipped. */
export function countedReviews(reviews: readonly MetricReview[]): MetricReview[] {
  return reviews.filter((r) => r.submitted && !r.skipped);
}

/** Checks that every review points at a known task, condition and critiques. */
function validate(data: StudyData): Map<string, MetricTask> {
  const tasks = new Map<string, MetricTask>();
  data.tasks.forEach((t, i) => {
    if (tasks.has(t.id)) throw new MetricsInputError(`tasks[${i}].id: duplicate task "${t.id}"`);
    tasks.set(t.id, t);
  });
  const conditions = new Set<string>();
  data.conditions.forEach((c, i) => {
    if (conditions.has(c.name)) throw new MetricsInputError(`conditions[${i}].name: duplicate condition "${c.name}"`);
    conditions.add(c.name);
  });
  const ids = new Set<string>();
  data.reviews.forEach((r, i) => {
    const where = `reviews[${i}] (review "${r.id}")`;
    if (ids.has(r.id)) throw new MetricsInputError(`${where}.id: duplicate review id`);
    ids.add(r.id);
    const task = tasks.get(r.task);
    if (!task) throw new MetricsInputError(`${where}.task: unknown task "${r.task}"`);
    if (!conditions.has(r.condition)) throw new MetricsInputError(`${where}.condition: unknown condition "${r.condition}"`);
    const critiqueIds = new Set(task.critiques.map((c) => c.id));
    for (const s of r.shown) {
      if (!critiqueIds.has(s)) throw new MetricsInputError(`${where}.shown: task "${r.task}" has no critique "${s}"`);
    }
    const shown = new Set(r.shown);
    for (const d of r.decisions) {
      if (!shown.has(d.critique)) throw new MetricsInputError(`${where}.decisions: critique "${d.critique}" was not shown in this review`);
    }
    if (r.rating !== null && !Number.isFinite(r.rating)) throw new MetricsInputError(`${where}.rating: not a number`);
  });
  return tasks;
}

/** Matches every counted review; a map from review id to its matching. */
export function matchStudy(data: StudyData, adjudications: readonly Adjudication[] = data.adjudications): Map<string, ReviewMatching> {
  const tasks = new Map(data.tasks.map((t) => [t.id, t]));
  const byReview = new Map<string, Adjudication[]>();
  for (const a of adjudications) {
    const list = byReview.get(a.review) ?? [];
    list.push(a);
    byReview.set(a.review, list);
  }
  const out = new Map<string, ReviewMatching>();
  for (const r of countedReviews(data.reviews)) {
    const task = tasks.get(r.task);
    if (task) out.set(r.id, matchReview(task, r, byReview.get(r.id) ?? []));
  }
  return out;
}

/** The first condition with policy `none`, or null. */
export function defaultBaseline(data: Pick<StudyData, 'conditions'>): string | null {
  return data.conditions.find((c) => c.policy === 'none')?.name ?? null;
}

interface Prepared {
  readonly conditionNames: readonly string[];
  readonly taskIds: readonly string[];
  /** [condition][stat][task] */
  readonly stats: Float64Array;
  /** Per condition: the stats that are not zero for every task (the others need no sums). */
  readonly nonzero: readonly (readonly number[])[];
  /** Per condition: active seconds ascending, and the task index of each. */
  readonly active: readonly { readonly seconds: Float64Array; readonly task: Int32Array }[];
}

function prepare(data: StudyData, tasks: Map<string, MetricTask>, matchings: Map<string, ReviewMatching>): Prepared {
  const reviews = countedReviews(data.reviews);
  const conditionNames = data.conditions.map((c) => c.name);
  const cIndex = new Map(conditionNames.map((n, i) => [n, i]));
  const taskIds = [...new Set(reviews.map((r) => r.task))].sort();
  const tIndex = new Map(taskIds.map((id, i) => [id, i]));
  const C = conditionNames.length;
  const T = taskIds.length;
  const stats = new Float64Array(C * T * K);
  const at = (c: number, k: number, t: number): number => (c * K + k) * T + t;
  const groups = new Map<string, MetricReview[]>(); // condition × task
  const activeLists: { s: number; t: number }[][] = conditionNames.map(() => []);

  for (const r of reviews) {
    const c = cIndex.get(r.condition)!;
    const t = tIndex.get(r.task)!;
    const task = tasks.get(r.task)!;
    const valid = new Map(task.critiques.map((x) => [x.id, x.valid]));
    const accepted = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique));
    const m = matchings.get(r.id)!;
    stats[at(c, S_REVIEWS, t)]! += 1;
    stats[at(c, S_REPORTED, t)]! += accepted.size + r.added.length;
    stats[at(c, S_CAUGHT, t)]! += m.caught.length;
    stats[at(c, S_FLAWS, t)]! += task.flaws.length;
    stats[at(c, S_ADDED, t)]! += r.added.length;
    for (const id of new Set(r.shown)) {
      const acc = accepted.has(id);
      stats[at(c, S_SHOWN, t)]! += 1;
      if (acc) stats[at(c, S_ACCEPTED_SHOWN, t)]! += 1;
      const v = valid.get(id);
      if (v === false) {
        stats[at(c, S_INVALID_SHOWN, t)]! += 1;
        if (acc) stats[at(c, S_INVALID_ACCEPTED, t)]! += 1;
      } else if (v === true) {
        stats[at(c, S_VALID_SHOWN, t)]! += 1;
        if (!acc) stats[at(c, S_VALID_NOT_ACCEPTED, t)]! += 1;
      }
    }
    if (r.activeSeconds !== null && Number.isFinite(r.activeSeconds)) {
      activeLists[c]!.push({ s: r.activeSeconds, t });
      stats[at(c, S_ACTIVE_N, t)]! += 1;
    }
    const key = `${c}\u0000${t}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }

  // Agreement sums per (condition, task): verdict units are task × critique shown to ≥ 2 evaluators.
  for (const [key, list] of groups) {
    const [c, t] = key.split('\u0000').map(Number) as [number, number];
    const byCritique = new Map<string, number[]>();
    for (const r of list) {
      const accepted = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique));
      for (const id of new Set(r.shown)) {
        const values = byCritique.get(id) ?? [];
        values.push(accepted.has(id) ? 1 : 0);
        byCritique.set(id, values);
      }
    }
    const verdict = emptyAlphaSums();
    for (const values of byCritique.values()) addAlphaUnit(verdict, values, 'nominal');
    stats[at(c, S_VERDICT_N, t)] = verdict.n;
    stats[at(c, S_VERDICT_OBS, t)] = verdict.observed;
    stats[at(c, S_VERDICT_S1, t)] = verdict.s1;
    const rating = emptyAlphaSums();
    addAlphaUnit(
      rating,
      list.map((r) => r.rating).filter((v): v is number => v !== null),
      'interval',
    );
    stats[at(c, S_RATING_N, t)] = rating.n;
    stats[at(c, S_RATING_OBS, t)] = rating.observed;
    stats[at(c, S_RATING_S1, t)] = rating.s1;
    stats[at(c, S_RATING_S2, t)] = rating.s2;
  }

  const active = activeLists.map((list) => {
    list.sort((a, b) => a.s - b.s || a.t - b.t);
    return { seconds: Float64Array.from(list, (x) => x.s), task: Int32Array.from(list, (x) => x.t) };
  });
  const nonzero = conditionNames.map((_name, c) =>
    Array.from({ length: K }, (_v, k) => k).filter((k) => stats.subarray(at(c, k, 0), at(c, k, 0) + T).some((x) => x !== 0)),
  );
  return { conditionNames, taskIds, stats, nonzero, active };
}

/**
 * Median of ascending `seconds` where value i occurs w[task[i]] times (a bootstrap resample):
 * the mean of the two middle values of the expanded list when its length is even. `total` is the
 * expanded length (Σ weights), when the caller knows it. O(n), no sort, stops at the middle.
 */
export function weightedMedian(seconds: Float64Array, task: Int32Array, w: Float64Array, total?: number): number | null {
  let n = total ?? 0;
  if (total === undefined) for (let i = 0; i < task.length; i++) n += w[task[i]!]!;
  if (n === 0) return null;
  const lo = Math.floor((n - 1) / 2);
  const hi = Math.floor(n / 2);
  let cum = 0;
  let loValue = NaN;
  for (let i = 0; i < seconds.length; i++) {
    const wi = w[task[i]!]!;
    if (wi === 0) continue;
    const next = cum + wi;
    if (Number.isNaN(loValue) && lo < next) loValue = seconds[i]!;
    if (hi < next) return (loValue + seconds[i]!) / 2;
    cum = next;
  }
  return loValue;
}

/** Resamples evaluated together: each pass over a stat row serves this many weight vectors. */
const LANES = 4;

/**
 * Computes every condition's figures for LANES weight vectors at once (`w` is [lane][task]) into
 * `out[(lane * C + c) * F + f]` (NaN = null). Batching keeps the stat rows in cache.
 */
function evaluate(p: Prepared, w: Float64Array, sums: Float64Array, out: Float64Array): void {
  const C = p.conditionNames.length;
  const T = p.taskIds.length;
  const { stats } = p;
  const w1 = T;
  const w2 = 2 * T;
  const w3 = 3 * T;
  for (let c = 0; c < C; c++) {
    sums.fill(0);
    // stats are [condition][stat][task]: each sum is a dot product with a weight vector
    for (const k of p.nonzero[c]!) {
      const row = (c * K + k) * T;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let t = 0; t < T; t++) {
        const x = stats[row + t]!;
        if (x === 0) continue;
        a0 += w[t]! * x;
        a1 += w[w1 + t]! * x;
        a2 += w[w2 + t]! * x;
        a3 += w[w3 + t]! * x;
      }
      sums[k] = a0;
      sums[K + k] = a1;
      sums[2 * K + k] = a2;
      sums[3 * K + k] = a3;
    }
    for (let lane = 0; lane < LANES; lane++) {
      const s = sums.subarray(lane * K, (lane + 1) * K);
      const n = s[S_REVIEWS]!;
      const div = (x: number, y: number): number => (y === 0 ? NaN : x / y);
      const o = (lane * C + c) * F;
      out[o + 0] = div(s[S_REPORTED]!, n);
      out[o + 1] = div(s[S_CAUGHT]!, n);
      out[o + 2] = div(s[S_CAUGHT]!, s[S_FLAWS]!);
      out[o + 3] = div(s[S_ACCEPTED_SHOWN]!, s[S_SHOWN]!);
      out[o + 4] = div(s[S_INVALID_ACCEPTED]!, s[S_INVALID_SHOWN]!);
      out[o + 5] = div(s[S_VALID_NOT_ACCEPTED]!, s[S_VALID_SHOWN]!);
      out[o + 6] = div(s[S_ADDED]!, n);
      const a = p.active[c]!;
      out[o + 7] = weightedMedian(a.seconds, a.task, w.subarray(lane * T, (lane + 1) * T), s[S_ACTIVE_N]!) ?? NaN;
      const vs1 = s[S_VERDICT_S1]!;
      out[o + 8] = alphaFromSums({ n: s[S_VERDICT_N]!, observed: s[S_VERDICT_OBS]!, s1: vs1, s2: vs1 }, 'nominal') ?? NaN;
      out[o + 9] = alphaFromSums({ n: s[S_RATING_N]!, observed: s[S_RATING_OBS]!, s1: s[S_RATING_S1]!, s2: s[S_RATING_S2]! }, 'interval') ?? NaN;
    }
  }
}

const nullable = (x: number): number | null => (Number.isNaN(x) ? null : x);

function percentileCi(samples: Float64Array, count: number, level: number): readonly [number | null, number | null] {
  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (!Number.isNaN(samples[i]!)) kept.push(samples[i]!);
  if (kept.length === 0) return [null, null];
  const sorted = Float64Array.from(kept).sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)];
}

function upliftOf(x: number, base: number): number {
  return Number.isNaN(x) || Number.isNaN(base) || base === 0 ? NaN : x / base - 1;
}

/** Counts, not estimates: the fate of shown critiques in each condition. */
function fates(data: StudyData): Map<string, Fate> {
  const out = new Map<string, { kept: number; edited: number; rejected: number; rejected_by_reason: Record<string, number>; undecided: number; added: number }>();
  for (const c of data.conditions) out.set(c.name, { kept: 0, edited: 0, rejected: 0, rejected_by_reason: {}, undecided: 0, added: 0 });
  for (const r of countedReviews(data.reviews)) {
    const f = out.get(r.condition)!;
    const decided = new Map(r.decisions.map((d) => [d.critique, d]));
    for (const id of new Set(r.shown)) {
      const d = decided.get(id);
      if (!d) f.undecided++;
      else if (d.verdict === 'accept') {
        if (d.edited) f.edited++;
        else f.kept++;
      } else {
        f.rejected++;
        const reason = d.reason || 'unspecified';
        f.rejected_by_reason[reason] = (f.rejected_by_reason[reason] ?? 0) + 1;
      }
    }
    f.added += r.added.length;
  }
  return out;
}

function breakdowns(
  data: StudyData,
  tasks: Map<string, MetricTask>,
  matchings: Map<string, ReviewMatching>,
  baseline: string | null,
): StudyMetrics['breakdowns'] {
  const reviews = countedReviews(data.reviews);
  const catchBy = (attr: 'severity' | 'category'): CatchRow[] => {
    const acc = new Map<string, { condition: string; group: string; caught: number; flaws: number }>();
    for (const r of reviews) {
      const task = tasks.get(r.task)!;
      const caught = new Set(matchings.get(r.id)!.caught);
      for (const f of task.flaws) {
        const group = f[attr] ?? 'unspecified';
        const key = `${r.condition}\u0000${group}`;
        const row = acc.get(key) ?? { condition: r.condition, group, caught: 0, flaws: 0 };
        row.flaws++;
        if (caught.has(f.id)) row.caught++;
        acc.set(key, row);
      }
    }
    const order = new Map(data.conditions.map((c, i) => [c.name, i]));
    return [...acc.values()]
      .sort((a, b) => order.get(a.condition)! - order.get(b.condition)! || a.group.localeCompare(b.group))
      .map((r) => ({ ...r, catch_rate: ratio(r.caught, r.flaws) }));
  };

  const perEvaluator = new Map<string, { evaluator: string; condition: string; reviews: number; reported: number; caught: number }>();
  const perPosition = new Map<string, { condition: string; position: number; reviews: number; reported: number; caught: number }>();
  const active: Record<string, number[]> = Object.fromEntries(data.conditions.map((c) => [c.name, [] as number[]]));
  for (const r of reviews) {
    const reported = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique)).size + r.added.length;
    const caught = matchings.get(r.id)!.caught.length;
    const ek = `${r.evaluator}\u0000${r.condition}`;
    const e = perEvaluator.get(ek) ?? { evaluator: r.evaluator, condition: r.condition, reviews: 0, reported: 0, caught: 0 };
    e.reviews++;
    e.reported += reported;
    e.caught += caught;
    perEvaluator.set(ek, e);
    if (r.position !== null) {
      const pk = `${r.condition}\u0000${r.position}`;
      const p = perPosition.get(pk) ?? { condition: r.condition, position: r.position, reviews: 0, reported: 0, caught: 0 };
      p.reviews++;
      p.reported += reported;
      p.caught += caught;
      perPosition.set(pk, p);
    }
    if (r.activeSeconds !== null && Number.isFinite(r.activeSeconds)) active[r.condition]!.push(r.activeSeconds);
  }
  const by_evaluator = [...perEvaluator.values()]
    .sort((a, b) => a.evaluator.localeCompare(b.evaluator) || a.condition.localeCompare(b.condition))
    .map((e) => {
      const base = baseline === null ? undefined : perEvaluator.get(`${e.evaluator}\u0000${baseline}`);
      const rpr = e.reported / e.reviews;
      const cpr = e.caught / e.reviews;
      const brpr = base ? base.reported / base.reviews : null;
      const bcpr = base ? base.caught / base.reviews : null;
      return {
        evaluator: e.evaluator,
        condition: e.condition,
        reviews: e.reviews,
        reported_per_review: rpr,
        caught_per_review: cpr,
        uplift_reported: brpr ? rpr / brpr - 1 : null,
        uplift_caught: bcpr ? cpr / bcpr - 1 : null,
      };
    });
  const by_position = [...perPosition.values()]
    .sort((a, b) => a.condition.localeCompare(b.condition) || a.position - b.position)
    .map((p) => ({
      condition: p.condition,
      position: p.position,
      reviews: p.reviews,
      reported_per_review: p.reported / p.reviews,
      caught_per_review: p.caught / p.reviews,
    }));
  for (const list of Object.values(active)) list.sort((a, b) => a - b);
  return { by_severity: catchBy('severity'), by_category: catchBy('category'), by_evaluator, by_position, active_seconds: active };
}

/**
 * Computes a study's metrics (see docs/metrics.md for every definition). Pure and deterministic
 * for a seed. The bootstrap resamples the tasks that have counted reviews, with replacement; all
 * reviews of a drawn task come along, and every figure (both arms of an uplift included) is
 * recomputed from the resample's sums.
 */
export function computeMetrics(data: StudyData, options: MetricsOptions = {}): StudyMetrics {
  const B = options.bootstrap ?? 2000;
  const seed = options.seed ?? 1;
  if (!Number.isInteger(B) || B < 0) throw new MetricsInputError(`bootstrap: must be a whole number ≥ 0, not ${B}`);
  if (!Number.isInteger(seed)) throw new MetricsInputError(`seed: must be an integer, not ${seed}`);
  const tasks = validate(data);
  let baseline: string | null;
  if (options.baseline !== undefined) {
    if (!data.conditions.some((c) => c.name === options.baseline)) {
      throw new MetricsInputError(
        `baseline: no condition "${options.baseline}" in study "${data.study}" (conditions: ${data.conditions.map((c) => c.name).join(', ') || 'none'})`,
      );
    }
    baseline = options.baseline;
  } else baseline = defaultBaseline(data);

  const matchings = matchStudy(data);
  const p = prepare(data, tasks, matchings);
  const C = p.conditionNames.length;
  const T = p.taskIds.length;
  const bIndex = baseline === null ? -1 : p.conditionNames.indexOf(baseline);
  const sums = new Float64Array(LANES * K);
  const out = new Float64Array(LANES * C * F);
  const w = new Float64Array(LANES * T);
  w.fill(1, 0, T);
  evaluate(p, w, sums, out);
  const point = out.slice(0, C * F);

  // Bootstrap: samples[(c * (F + 2) + f) * B + b]; the last two figures of a condition are uplifts.
  const G = F + 2;
  const samples = new Float64Array(C * G * Math.max(B, 1));
  const random = seededRandom(seed);
  const step = Math.max(LANES, Math.floor(B / 50));
  for (let b0 = 0; b0 < B && T > 0; b0 += LANES) {
    const lanes = Math.min(LANES, B - b0);
    w.fill(0);
    for (let lane = 0; lane < lanes; lane++) {
      const offset = lane * T;
      for (let i = 0; i < T; i++) w[offset + Math.floor(random() * T)]! += 1;
    }
    evaluate(p, w, sums, out);
    for (let lane = 0; lane < lanes; lane++) {
      const b = b0 + lane;
      const o = lane * C * F;
      for (let c = 0; c < C; c++) {
        for (let f = 0; f < F; f++) samples[(c * G + f) * B + b] = out[o + c * F + f]!;
        samples[(c * G + F) * B + b] = bIndex < 0 ? NaN : upliftOf(out[o + c * F]!, out[o + bIndex * F]!);
        samples[(c * G + F + 1) * B + b] = bIndex < 0 ? NaN : upliftOf(out[o + c * F + 1]!, out[o + bIndex * F + 1]!);
      }
    }
    const done = b0 + lanes;
    if (options.onProgress && (done % step < LANES || done === B)) options.onProgress(done, B);
  }
  const effectiveB = T > 0 ? B : 0;
  const figure = (c: number, g: number, value: number): Figure => ({
    value: nullable(value),
    ci: effectiveB === 0 || Number.isNaN(value) ? [null, null] : percentileCi(samples.subarray((c * G + g) * B, (c * G + g + 1) * B), effectiveB, 0.95),
  });

  const fate = fates(data);
  const conditions: Record<string, ConditionMetrics> = {};
  const uplift: Record<string, { reported: Figure; caught: Figure }> = {};
  data.conditions.forEach((cond, c) => {
    const f = (i: number): Figure => figure(c, i, point[c * F + i]!);
    let reviews = 0;
    for (let t = 0; t < T; t++) reviews += p.stats[(c * K + S_REVIEWS) * T + t]!;
    conditions[cond.name] = {
      policy: cond.policy,
      reviews,
      reported_per_review: f(0),
      caught_per_review: f(1),
      catch_rate: f(2),
      critique_accept_rate: f(3),
      invalid_accept_rate: f(4),
      valid_reject_rate: f(5),
      added_per_review: f(6),
      median_active_seconds: f(7),
      agreement: { verdict_alpha: f(8), rating_alpha: f(9) },
      fate: fate.get(cond.name)!,
    };
    if (bIndex >= 0 && c !== bIndex) {
      uplift[cond.name] = {
        reported: figure(c, F, upliftOf(point[c * F]!, point[bIndex * F]!)),
        caught: figure(c, F + 1, upliftOf(point[c * F + 1]!, point[bIndex * F + 1]!)),
      };
    }
  });
  return {
    study: data.study,
    baseline,
    bootstrap: { resamples: effectiveB, seed, level: 0.95, tasks: T },
    conditions,
    uplift,
    breakdowns: breakdowns(data, tasks, matchings, baseline),
  };
}
