import { computeCalibration, type CalibrationSettings, type ConditionCalibration, type UpliftCalibration } from './calibration.js';
import { alphaFromSums } from './krippendorff.js';
import { matchReview, type ReviewMatching } from './matching.js';
import { MIN_REVIEWS, POPULATION_METHOD, tQuantile, twoWayVariance, type Linearised } from './population.js';
import { seededRandom } from './prng.js';
import { quantileSorted, ratio } from './stats.js';
import type { Adjudication, MetricReview, MetricTask, StudyData } from './types.js';
import { plural } from '../plural.js';

/** How the intervals are made: for evaluators and tasks in general, or for these evaluators. */
export type CiMethod = 'population' | 'tasks';

/** What a figure rests on (docs/metrics.md, "Figure bases"). */
export interface FigureBasis {
  /** Counted reviews the figure is computed from (both arms of a comparison). */
  readonly reviews: number;
  /** Evaluators and tasks those reviews come from. */
  readonly evaluators: number;
  readonly tasks: number;
  /** Catch figures: ground-truth flaws in those reviews (a flaw counts once per review). */
  readonly flaws?: number;
  /** Catch figures: of those, flaws that can be matched automatically (an anchor, or a shown critique that describes it). */
  readonly flaws_auto_matchable?: number;
  /** Catch figures: of those, flaws with a researcher's ruling in force. */
  readonly flaws_adjudicated?: number;
  /** `tasks` intervals: bootstrap resamples in which the figure was defined; null for a method without resampling. */
  readonly resamples: number | null;
  /** `population` intervals: the t reference's (Satterthwaite) degrees of freedom. */
  readonly df: number | null;
}

/** A figure: its value, its 95% CI (nulls when there is none), why not, and what it rests on. */
export interface Figure {
  readonly value: number | null;
  readonly ci: readonly [number | null, number | null];
  /** Why the value, or else the interval, is null; null when both exist. */
  readonly reason: string | null;
  readonly basis: FigureBasis;
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
  /** Confidence and calibration of the answers to the study's question; absent when it asks none (calibration.ts). */
  readonly calibration?: ConditionCalibration;
}

/** A condition's uplift over the baseline: relative (`reported`, `caught`) and absolute (`*_diff`). */
export interface Uplift {
  /** reported_per_review(c) / reported_per_review(baseline) − 1. */
  readonly reported: Figure;
  /** caught_per_review(c) / caught_per_review(baseline) − 1. */
  readonly caught: Figure;
  /** reported_per_review(c) − reported_per_review(baseline). */
  readonly reported_diff: Figure;
  /** caught_per_review(c) − caught_per_review(baseline). */
  readonly caught_diff: Figure;
  /** catch_rate(c) − catch_rate(baseline). */
  readonly catch_rate_diff: Figure;
  /** Differences in accuracy, Brier score, mean confidence and over-confidence; absent when the study asks no question. */
  readonly calibration?: UpliftCalibration;
}

/** One row of a breakdown of catch rate by a flaw attribute. */
export interface CatchRow {
  readonly condition: string;
  readonly group: string;
  readonly caught: number;
  readonly flaws: number;
  readonly catch_rate: number | null;
}

/** Per-evaluator figures within a condition, with intervals over tasks (the evaluator is fixed). */
export interface EvaluatorRow {
  readonly evaluator: string;
  readonly condition: string;
  readonly reviews: number;
  readonly reported_per_review: Figure;
  readonly caught_per_review: Figure;
  /** reported_per_review over the evaluator's own baseline mean, minus 1; null on baseline rows. */
  readonly uplift_reported: Figure;
  readonly uplift_caught: Figure;
}

/** Figures by position in the evaluator's queue (learning and fatigue). */
export interface PositionRow {
  readonly condition: string;
  readonly position: number;
  readonly reviews: number;
  readonly reported_per_review: number | null;
  readonly caught_per_review: number | null;
}

/** How the intervals of a metrics result were made. */
export interface IntervalSettings {
  /** `population:<method>` or `tasks:percentile-bootstrap` (the same as `ci_method`). */
  readonly method: string;
  readonly level: number;
  /** Resamples drawn; null when the method draws none. */
  readonly resamples: number | null;
  /** The bootstrap's seed; null when the method draws nothing. */
  readonly seed: number | null;
  /** Tasks and evaluators with counted reviews. */
  readonly tasks: number;
  readonly evaluators: number;
  /** Said when an option was given that the method does not use (e.g. `--bootstrap` with `population`). */
  readonly note: string | null;
}

/** A hazard in the data behind the figures (e.g. flaws that cannot be matched automatically). */
export interface MetricsWarning {
  readonly code: string;
  readonly condition: string | null;
  readonly message: string;
}

/** Everything `assay metrics` reports. */
export interface StudyMetrics {
  readonly study: string;
  readonly baseline: string | null;
  /** `population:two-way-cluster-robust` or `tasks:percentile-bootstrap`. */
  readonly ci_method: string;
  readonly intervals: IntervalSettings;
  /** The study's question, how answers are scored and binned, or why there are no calibration figures. */
  readonly calibration: CalibrationSettings;
  readonly warnings: readonly MetricsWarning[];
  readonly conditions: Readonly<Record<string, ConditionMetrics>>;
  readonly uplift: Readonly<Record<string, Uplift>>;
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
  /** `population` (default): evaluators and tasks in general; `tasks`: the task bootstrap, these evaluators. */
  readonly ci?: CiMethod;
  /** `tasks`: number of bootstrap resamples (0 leaves every CI null). Default 2,000. `population` draws none. */
  readonly bootstrap?: number;
  /** PRNG seed of the bootstrap. Default 1. */
  readonly seed?: number;
  /** Baseline condition; default the first condition with policy `none`. */
  readonly baseline?: string;
  /** Fewest reviews per arm an interval may rest on (default {@link MIN_REVIEWS}); tests of the arithmetic lower it. */
  readonly minReviews?: number;
  /** Called now and then during the bootstrap with (resamples done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The `ci_method` of the task bootstrap. */
export const TASKS_METHOD = 'tasks:percentile-bootstrap';

/** The `ci_method` string of a method. */
export function ciMethodName(ci: CiMethod): string {
  return ci === 'population' ? `population:${POPULATION_METHOD}` : TASKS_METHOD;
}

/** A study's input that the metrics refuse, naming the row and field. */
export class MetricsInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsInputError';
  }
}

// Per review (and, summed, per condition × task) sufficient statistics; every figure is a
// function of their sums.
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
/** Flaws that can be caught automatically or are adjudicated: catch figures resting on none are undefined. */
const S_COUNTABLE = 19;
const K = 20;

/** Per-condition figures, in this order in the bootstrap buffers (address them by name through FI). */
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
type FigureName = (typeof FIGURES)[number];
const F = FIGURES.length;
const FI = Object.fromEntries(FIGURES.map((name, i) => [name, i])) as Record<FigureName, number>;

/** Comparisons with the baseline, after the per-condition figures in the bootstrap buffers. */
const UPLIFTS = ['reported', 'caught', 'reported_diff', 'caught_diff', 'catch_rate_diff'] as const;
type UpliftName = (typeof UPLIFTS)[number];
const U = UPLIFTS.length;

/** How a ratio figure is made from the sums, and what its interval's scale is. */
interface RatioSpec {
  readonly num: number;
  readonly den: number;
  /** `log` for means of counts (> 0), `logit` for shares in (0, 1): intervals stay in the parameter space. */
  readonly scale: 'log' | 'logit';
  /** Why the figure is null when its denominator is zero. */
  readonly empty: string;
  /** True for figures that count caught flaws. */
  readonly catches?: boolean;
}

const RATIOS: Partial<Record<FigureName, RatioSpec>> = {
  reported_per_review: { num: S_REPORTED, den: S_REVIEWS, scale: 'log', empty: 'no finished reviews in this condition' },
  caught_per_review: { num: S_CAUGHT, den: S_REVIEWS, scale: 'log', empty: 'no finished reviews in this condition', catches: true },
  catch_rate: { num: S_CAUGHT, den: S_FLAWS, scale: 'logit', empty: 'no ground-truth flaws in the tasks reviewed under this condition', catches: true },
  critique_accept_rate: { num: S_ACCEPTED_SHOWN, den: S_SHOWN, scale: 'logit', empty: 'no critique was shown in this condition' },
  invalid_accept_rate: { num: S_INVALID_ACCEPTED, den: S_INVALID_SHOWN, scale: 'logit', empty: 'no decoy critique (valid: false) was shown in this condition' },
  valid_reject_rate: { num: S_VALID_NOT_ACCEPTED, den: S_VALID_SHOWN, scale: 'logit', empty: 'no critique marked valid: true was shown in this condition' },
  added_per_review: { num: S_ADDED, den: S_REVIEWS, scale: 'log', empty: 'no finished reviews in this condition' },
};

const EMPTY_ALPHA = {
  verdict_alpha: 'no critique of a task was shown to two evaluators in this condition, or their verdicts never vary',
  rating_alpha: 'no task was rated by two evaluators in this condition, or the ratings never vary',
} as const;

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
    const answer = r.answer ?? null;
    if (answer !== null && typeof answer !== 'boolean') throw new MetricsInputError(`${where}.answer: expected true, false or null`);
    const confidence = r.confidence ?? null;
    if (confidence !== null && !(typeof confidence === 'number' && Number.isFinite(confidence) && confidence >= 50 && confidence <= 100)) {
      throw new MetricsInputError(`${where}.confidence: expected a number from 50 to 100 or null, not ${String(confidence)}`);
    }
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

/** The counted reviews as flat arrays: per review its cells and its sufficient statistics. */
interface Prepared {
  readonly conditionNames: readonly string[];
  readonly taskIds: readonly string[];
  readonly evaluatorIds: readonly string[];
  /** Per counted review (in input order): condition, task and evaluator indices. */
  readonly condition: Int32Array;
  readonly task: Int32Array;
  readonly evaluator: Int32Array;
  /** [review][stat] */
  readonly reviewStats: Float64Array;
  /** Per review: active seconds, NaN when unknown. */
  readonly activeSeconds: Float64Array;
  /** Per review: flaws of its task, those auto-matchable in it, those with a ruling in force. */
  readonly flawsAuto: Int32Array;
  readonly flawsAdjudicated: Int32Array;
  readonly flawsCountable: Int32Array;
  /** [condition][stat][task]: the per-review statistics summed per condition × task (the bootstrap's units). */
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
  const evaluatorIds = [...new Set(reviews.map((r) => r.evaluator))].sort();
  const eIndex = new Map(evaluatorIds.map((id, i) => [id, i]));
  const C = conditionNames.length;
  const T = taskIds.length;
  const N = reviews.length;
  const condition = new Int32Array(N);
  const task = new Int32Array(N);
  const evaluator = new Int32Array(N);
  const rs = new Float64Array(N * K);
  const activeSeconds = new Float64Array(N).fill(NaN);
  const flawsAuto = new Int32Array(N);
  const flawsAdjudicated = new Int32Array(N);
  const flawsCountable = new Int32Array(N);
  const groups = new Map<string, number[]>(); // condition × task → review indices
  const validOf = new Map<string, Map<string, boolean | null>>(); // per task, built once

  reviews.forEach((r, i) => {
    const c = cIndex.get(r.condition)!;
    const t = tIndex.get(r.task)!;
    condition[i] = c;
    task[i] = t;
    evaluator[i] = eIndex.get(r.evaluator)!;
    const taskRow = tasks.get(r.task)!;
    let valid = validOf.get(r.task);
    if (!valid) {
      valid = new Map(taskRow.critiques.map((x) => [x.id, x.valid]));
      validOf.set(r.task, valid);
    }
    const accepted = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique));
    const m = matchings.get(r.id)!;
    const o = i * K;
    rs[o + S_REVIEWS] = 1;
    rs[o + S_REPORTED] = accepted.size + r.added.length;
    rs[o + S_CAUGHT] = m.caught.length;
    rs[o + S_FLAWS] = taskRow.flaws.length;
    rs[o + S_ADDED] = r.added.length;
    for (const id of new Set(r.shown)) {
      const acc = accepted.has(id);
      rs[o + S_SHOWN]! += 1;
      if (acc) rs[o + S_ACCEPTED_SHOWN]! += 1;
      const v = valid.get(id);
      if (v === false) {
        rs[o + S_INVALID_SHOWN]! += 1;
        if (acc) rs[o + S_INVALID_ACCEPTED]! += 1;
      } else if (v === true) {
        rs[o + S_VALID_SHOWN]! += 1;
        if (!acc) rs[o + S_VALID_NOT_ACCEPTED]! += 1;
      }
    }
    if (r.activeSeconds !== null && Number.isFinite(r.activeSeconds)) {
      activeSeconds[i] = r.activeSeconds;
      rs[o + S_ACTIVE_N] = 1;
    }
    // What the catch figures rest on: a flaw can be caught automatically in this review when it
    // has an anchor (an added flaw may overlap it) or a shown critique describes it.
    const shown = new Set(r.shown);
    const ruled = new Set(m.matches.filter((x) => x.adjudication !== null).map((x) => x.flaw));
    for (const f of taskRow.flaws) {
      const auto = f.anchor !== null || f.critiques.some((id) => shown.has(id));
      if (auto) flawsAuto[i]!++;
      if (ruled.has(f.id)) flawsAdjudicated[i]!++;
      if (auto || ruled.has(f.id)) flawsCountable[i]!++;
    }
    rs[o + S_COUNTABLE] = flawsCountable[i]!;
    const key = `${c}\u0000${t}`;
    const list = groups.get(key);
    if (list) list.push(i);
    else groups.set(key, [i]);
  });

  // Agreement: each review's share of its condition × task's alpha sums. Verdict units are
  // task × critique shown to ≥ 2 evaluators; rating units are tasks. A unit's disagreement
  // Σ_{i≠j} δ(v_i, v_j)/(m − 1) is split by its first index, so the shares add up to the unit's.
  for (const list of groups.values()) {
    const byCritique = new Map<string, { review: number; value: number }[]>();
    for (const i of list) {
      const r = reviews[i]!;
      const accepted = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique));
      for (const id of new Set(r.shown)) {
        const values = byCritique.get(id) ?? [];
        values.push({ review: i, value: accepted.has(id) ? 1 : 0 });
        byCritique.set(id, values);
      }
    }
    for (const values of byCritique.values()) addShares(rs, values, S_VERDICT_N, S_VERDICT_OBS, S_VERDICT_S1, null, 'nominal');
    const ratings = list.flatMap((i) => (reviews[i]!.rating === null ? [] : [{ review: i, value: reviews[i]!.rating! }]));
    addShares(rs, ratings, S_RATING_N, S_RATING_OBS, S_RATING_S1, S_RATING_S2, 'interval');
  }

  const stats = new Float64Array(C * T * K);
  for (let i = 0; i < N; i++) {
    const c = condition[i]!;
    const t = task[i]!;
    for (let k = 0; k < K; k++) {
      const x = rs[i * K + k]!;
      if (x !== 0) stats[(c * K + k) * T + t]! += x;
    }
  }
  const activeLists: { s: number; t: number }[][] = conditionNames.map(() => []);
  for (let i = 0; i < N; i++) if (!Number.isNaN(activeSeconds[i]!)) activeLists[condition[i]!]!.push({ s: activeSeconds[i]!, t: task[i]! });
  const active = activeLists.map((list) => {
    list.sort((a, b) => a.s - b.s || a.t - b.t);
    return { seconds: Float64Array.from(list, (x) => x.s), task: Int32Array.from(list, (x) => x.t) };
  });
  const nonzero = conditionNames.map((_name, c) =>
    Array.from({ length: K }, (_v, k) => k).filter((k) => stats.subarray((c * K + k) * T, (c * K + k + 1) * T).some((x) => x !== 0)),
  );
  return { conditionNames, taskIds, evaluatorIds, condition, task, evaluator, reviewStats: rs, activeSeconds, flawsAuto, flawsAdjudicated, flawsCountable, stats, nonzero, active };
}

/** Adds one alpha unit's values to its reviews' shares (see krippendorff.ts for the sums). */
function addShares(
  rs: Float64Array,
  values: readonly { review: number; value: number }[],
  kn: number,
  kObs: number,
  kS1: number,
  kS2: number | null,
  level: 'nominal' | 'interval',
): void {
  const m = values.length;
  if (m < 2) return;
  for (const a of values) {
    let d = 0;
    for (const b of values) {
      if (a === b) continue;
      d += level === 'interval' ? (a.value - b.value) ** 2 : a.value === b.value ? 0 : 1;
    }
    const o = a.review * K;
    rs[o + kn]! += 1;
    rs[o + kObs]! += d / (m - 1);
    rs[o + kS1]! += a.value;
    if (kS2 !== null) rs[o + kS2]! += a.value * a.value;
  }
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
const LANES = 8;

/** The value of every figure from one set of sums (`s` is one lane's K sums); NaN = null. */
function figuresFromSums(s: Float64Array, out: Float64Array, o: number): void {
  const div = (x: number, y: number): number => (y === 0 ? NaN : x / y);
  for (const name of FIGURES) {
    const spec = RATIOS[name];
    if (spec) out[o + FI[name]] = div(s[spec.num]!, s[spec.den]!);
  }
  if (s[S_COUNTABLE] === 0) {
    // nothing could be caught: the catch figures rest on nothing (not 0)
    out[o + FI.caught_per_review] = NaN;
    out[o + FI.catch_rate] = NaN;
  }
  const vs1 = s[S_VERDICT_S1]!;
  out[o + FI.verdict_alpha] = alphaFromSums({ n: s[S_VERDICT_N]!, observed: s[S_VERDICT_OBS]!, s1: vs1, s2: vs1 }, 'nominal') ?? NaN;
  out[o + FI.rating_alpha] = alphaFromSums({ n: s[S_RATING_N]!, observed: s[S_RATING_OBS]!, s1: s[S_RATING_S1]!, s2: s[S_RATING_S2]! }, 'interval') ?? NaN;
}

/**
 * Computes every condition's figures for LANES weight vectors at once (`w` is [lane][task]) into
 * `out[(lane * C + c) * F + f]` (NaN = null). Batching keeps the stat rows in cache.
 */
function evaluate(p: Prepared, w: Float64Array, sums: Float64Array, out: Float64Array): void {
  const C = p.conditionNames.length;
  const T = p.taskIds.length;
  const { stats } = p;
  const [o1, o2, o3, o4, o5, o6, o7] = [T, 2 * T, 3 * T, 4 * T, 5 * T, 6 * T, 7 * T];
  for (let c = 0; c < C; c++) {
    sums.fill(0);
    // stats are [condition][stat][task]: each sum is a dot product with a weight vector; the row
    // is read once for all LANES (= 8) vectors
    for (const k of p.nonzero[c]!) {
      const row = (c * K + k) * T;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let a4 = 0;
      let a5 = 0;
      let a6 = 0;
      let a7 = 0;
      for (let t = 0; t < T; t++) {
        const x = stats[row + t]!;
        a0 += w[t]! * x;
        a1 += w[o1 + t]! * x;
        a2 += w[o2 + t]! * x;
        a3 += w[o3 + t]! * x;
        a4 += w[o4 + t]! * x;
        a5 += w[o5 + t]! * x;
        a6 += w[o6 + t]! * x;
        a7 += w[o7 + t]! * x;
      }
      sums[k] = a0;
      sums[K + k] = a1;
      sums[2 * K + k] = a2;
      sums[3 * K + k] = a3;
      sums[4 * K + k] = a4;
      sums[5 * K + k] = a5;
      sums[6 * K + k] = a6;
      sums[7 * K + k] = a7;
    }
    for (let lane = 0; lane < LANES; lane++) {
      const s = sums.subarray(lane * K, (lane + 1) * K);
      const o = (lane * C + c) * F;
      figuresFromSums(s, out, o);
      const a = p.active[c]!;
      out[o + FI.median_active_seconds] = weightedMedian(a.seconds, a.task, w.subarray(lane * T, (lane + 1) * T), s[S_ACTIVE_N]!) ?? NaN;
    }
  }
}


function percentileCi(samples: Float64Array, count: number, level: number): { ci: readonly [number | null, number | null]; defined: number } {
  const kept: number[] = [];
  for (let i = 0; i < count; i++) if (!Number.isNaN(samples[i]!)) kept.push(samples[i]!);
  if (kept.length === 0) return { ci: [null, null], defined: 0 };
  const sorted = Float64Array.from(kept).sort();
  const tail = (1 - level) / 2;
  return { ci: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)], defined: kept.length };
}

/** The value of a comparison of condition figures x (the condition) and base (the baseline). */
function compare(name: UpliftName, x: readonly number[] | Float64Array, xo: number, base: readonly number[] | Float64Array, bo: number): number {
  const rel = (a: number, b: number): number => (Number.isNaN(a) || Number.isNaN(b) || b === 0 ? NaN : a / b - 1);
  const diff = (a: number, b: number): number => a - b; // NaN propagates
  switch (name) {
    case 'reported':
      return rel(x[xo + FI.reported_per_review]!, base[bo + FI.reported_per_review]!);
    case 'caught':
      return rel(x[xo + FI.caught_per_review]!, base[bo + FI.caught_per_review]!);
    case 'reported_diff':
      return diff(x[xo + FI.reported_per_review]!, base[bo + FI.reported_per_review]!);
    case 'caught_diff':
      return diff(x[xo + FI.caught_per_review]!, base[bo + FI.caught_per_review]!);
    case 'catch_rate_diff':
      return diff(x[xo + FI.catch_rate]!, base[bo + FI.catch_rate]!);
  }
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

// ---------------------------------------------------------------------------------------------
// Population intervals: linearised estimators and the two-way variance (population.ts).

interface Scope {
  readonly reviews: number;
  readonly evaluators: number;
  readonly tasks: number;
  readonly flaws: number;
  readonly auto: number;
  readonly adjudicated: number;
  readonly countable: number;
}

/** How many reviews, evaluators, tasks and flaws a set of reviews holds. */
function scopeOf(p: Prepared, member: (i: number) => boolean): Scope {
  const ev = new Set<number>();
  const tk = new Set<number>();
  let reviews = 0;
  let flaws = 0;
  let auto = 0;
  let adjudicated = 0;
  let countable = 0;
  for (let i = 0; i < p.condition.length; i++) {
    if (!member(i)) continue;
    reviews++;
    ev.add(p.evaluator[i]!);
    tk.add(p.task[i]!);
    flaws += p.reviewStats[i * K + S_FLAWS]!;
    auto += p.flawsAuto[i]!;
    adjudicated += p.flawsAdjudicated[i]!;
    countable += p.flawsCountable[i]!;
  }
  return { reviews, evaluators: ev.size, tasks: tk.size, flaws, auto, adjudicated, countable };
}

/** {@link scopeOf} for an explicit list of review indices (no pass over every review). */
function scopeOfList(p: Prepared, list: readonly number[]): Scope {
  const ev = new Set<number>();
  const tk = new Set<number>();
  let flaws = 0;
  let auto = 0;
  let adjudicated = 0;
  let countable = 0;
  for (const i of list) {
    ev.add(p.evaluator[i]!);
    tk.add(p.task[i]!);
    flaws += p.reviewStats[i * K + S_FLAWS]!;
    auto += p.flawsAuto[i]!;
    adjudicated += p.flawsAdjudicated[i]!;
    countable += p.flawsCountable[i]!;
  }
  return { reviews: list.length, evaluators: ev.size, tasks: tk.size, flaws, auto, adjudicated, countable };
}

function linearised(p: Prepared, z: Float64Array, w: Float64Array): Linearised {
  return { z, w, evaluator: p.evaluator, task: p.task, evaluators: p.evaluatorIds.length, tasks: p.taskIds.length };
}

/** A ratio Σ num / Σ den over condition c's reviews, with its influence values. */
function ratioLin(p: Prepared, c: number, spec: RatioSpec): { value: number; z: Float64Array; w: Float64Array } {
  const N = p.condition.length;
  const rs = p.reviewStats;
  let Y = 0;
  let X = 0;
  for (let i = 0; i < N; i++) {
    if (p.condition[i] !== c) continue;
    Y += rs[i * K + spec.num]!;
    X += rs[i * K + spec.den]!;
  }
  const z = new Float64Array(N);
  const w = new Float64Array(N);
  if (X === 0) return { value: NaN, z, w };
  const value = Y / X;
  for (let i = 0; i < N; i++) {
    if (p.condition[i] !== c) continue;
    const x = rs[i * K + spec.den]!;
    z[i] = (rs[i * K + spec.num]! - value * x) / X;
    w[i] = x / X;
  }
  return { value, z, w };
}

/** Krippendorff's alpha from condition c's review shares, with its influence values (delta method). */
function alphaLin(p: Prepared, c: number, which: 'verdict_alpha' | 'rating_alpha'): { value: number; z: Float64Array; w: Float64Array } {
  const N = p.condition.length;
  const rs = p.reviewStats;
  const [kn, kObs, kS1, kS2] = which === 'verdict_alpha' ? [S_VERDICT_N, S_VERDICT_OBS, S_VERDICT_S1, S_VERDICT_S1] : [S_RATING_N, S_RATING_OBS, S_RATING_S1, S_RATING_S2];
  let n = 0;
  let O = 0;
  let S1 = 0;
  let S2 = 0;
  for (let i = 0; i < N; i++) {
    if (p.condition[i] !== c) continue;
    n += rs[i * K + kn]!;
    O += rs[i * K + kObs]!;
    S1 += rs[i * K + kS1]!;
    S2 += rs[i * K + kS2]!;
  }
  const z = new Float64Array(N);
  const w = new Float64Array(N);
  const value = alphaFromSums({ n, observed: O, s1: S1, s2: S2 }, which === 'verdict_alpha' ? 'nominal' : 'interval') ?? NaN;
  if (Number.isNaN(value)) return { value, z, w };
  // α = 1 − (n − 1)·O / E with E = 2(n·S2 − S1²) (for 0/1 verdicts S2 = S1): its gradient
  const E = 2 * (n * S2 - S1 * S1);
  const gO = -(n - 1) / E;
  const gN = -O / E + (2 * (n - 1) * O * S2) / (E * E);
  const gS1 = (-4 * (n - 1) * O * S1) / (E * E);
  const gS2 = (2 * n * (n - 1) * O) / (E * E);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < N; i++) {
    if (p.condition[i] !== c || rs[i * K + kn]! === 0) continue;
    const s1 = rs[i * K + kS1]!;
    const s2 = which === 'verdict_alpha' ? s1 : rs[i * K + kS2]!;
    z[i] = gN * rs[i * K + kn]! + gO * rs[i * K + kObs]! + gS1 * s1 + gS2 * s2;
    w[i] = rs[i * K + kn]! / n;
    sum += z[i]!;
    count++;
  }
  // α is homogeneous of degree 0 in its sums only up to the (n − 1): centre the influence values
  for (let i = 0; i < N; i++) if (w[i]! > 0) z[i]! -= sum / count;
  return { value, z, w };
}

interface PopulationInterval {
  readonly ci: readonly [number | null, number | null];
  readonly reason: string | null;
  readonly df: number | null;
}

const NO_CI: PopulationInterval = { ci: [null, null], reason: null, df: null };

/**
 * The population interval of a linearised estimator on a scale: `log` (> 0) and `logit` (in
 * (0, 1)) are back-transformed, so intervals stay inside the parameter space; `log-ratio` is
 * a relative change exp(·) − 1; `raw` is symmetric.
 */
function populationInterval(p: Prepared, value: number, z: Float64Array, w: Float64Array, scale: 'log' | 'logit' | 'raw' | 'log-ratio', level: number): PopulationInterval {
  const v = twoWayVariance(linearised(p, z, w));
  if (v.variance === null || v.df === null) return { ci: [null, null], reason: v.reason, df: null };
  const q = tQuantile(level, v.df);
  const se = Math.sqrt(v.variance);
  switch (scale) {
    case 'raw':
      return { ci: [value - q * se, value + q * se], reason: null, df: v.df };
    case 'log-ratio':
      return { ci: [Math.exp(value - q * se) - 1, Math.exp(value + q * se) - 1], reason: null, df: v.df };
    case 'log': {
      if (!(value > 0)) return { ci: [null, null], reason: 'the estimate is 0 (every review at zero): no interval on this scale', df: v.df };
      const s = se / value;
      return { ci: [value * Math.exp(-q * s), value * Math.exp(q * s)], reason: null, df: v.df };
    }
    case 'logit': {
      if (!(value > 0 && value < 1)) return { ci: [null, null], reason: `the estimate is ${value === 0 ? '0%' : '100%'} with no variation: no interval`, df: v.df };
      const s = se / (value * (1 - value));
      const l = Math.log(value / (1 - value));
      const expit = (x: number): number => 1 / (1 + Math.exp(-x));
      return { ci: [expit(l - q * s), expit(l + q * s)], reason: null, df: v.df };
    }
  }
}

/** Woodruff's interval for the median: the two-way interval of the CDF at the median, inverted. */
function medianPopulation(p: Prepared, c: number, level: number): { value: number; interval: PopulationInterval } {
  const N = p.condition.length;
  const values: number[] = [];
  for (let i = 0; i < N; i++) if (p.condition[i] === c && !Number.isNaN(p.activeSeconds[i]!)) values.push(p.activeSeconds[i]!);
  if (values.length === 0) return { value: NaN, interval: NO_CI };
  const sorted = Float64Array.from(values).sort();
  const med = quantileSorted(sorted, 0.5)!;
  let below = 0;
  for (const s of sorted) if (s <= med) below++;
  const n = sorted.length;
  const Fm = below / n;
  const z = new Float64Array(N);
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    if (p.condition[i] !== c || Number.isNaN(p.activeSeconds[i]!)) continue;
    z[i] = ((p.activeSeconds[i]! <= med ? 1 : 0) - Fm) / n;
    w[i] = 1 / n;
  }
  const v = twoWayVariance(linearised(p, z, w));
  if (v.variance === null || v.df === null) return { value: med, interval: { ci: [null, null], reason: v.reason, df: null } };
  const half = tQuantile(level, v.df) * Math.sqrt(v.variance);
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  return { value: med, interval: { ci: [quantileSorted(sorted, clamp(0.5 - half)), quantileSorted(sorted, clamp(0.5 + half))], reason: null, df: v.df } };
}

/**
 * s²/n, the variance of a mean of independent reviews, from the mean's influence values
 * z_j = (y_j − ȳ)/n: Σz² / (1 − 1/n) (the leverage adjustment of one arm); null below 2 reviews.
 */
function armVariance(z: Float64Array): number | null {
  const n = z.length;
  if (n < 2) return null;
  let v = 0;
  for (const x of z) v += x * x;
  return v / (1 - 1 / n);
}

const oneReview = (arm: string | null): string => `${arm ? `${arm}: ` : ''}only 1 review: no interval`;

/** A mean of one evaluator's reviews (distinct tasks, so independent): t with n − 1 df on the log scale. */
function reviewInterval(value: number, z: Float64Array, level: number): PopulationInterval {
  const v = armVariance(z);
  if (v === null) return { ci: [null, null], reason: oneReview(null), df: null };
  if (!(v > 0)) return { ci: [null, null], reason: 'no variation between the reviews: no interval', df: null };
  const df = z.length - 1;
  if (!(value > 0)) return { ci: [null, null], reason: 'the estimate is 0 (every review at zero): no interval on this scale', df };
  const half = (tQuantile(level, df) * Math.sqrt(v)) / value;
  return { ci: [value * Math.exp(-half), value * Math.exp(half)], reason: null, df };
}

/**
 * The ratio of two means of one evaluator's reviews in two conditions (independent samples: each
 * task once): the delta method on the log scale, Var = s²a/(na·ȳa²) + s²b/(nb·ȳb²), each arm with
 * its own leverage adjustment, and Welch–Satterthwaite df. `za`, `zb` are the arms' influence
 * values already divided by their means. The interval is of the relative change (ratio − 1).
 */
function ratioInterval(logRatio: number, za: Float64Array, zb: Float64Array, level: number): PopulationInterval {
  const va = armVariance(za);
  const vb = armVariance(zb);
  if (va === null || vb === null) return { ci: [null, null], reason: oneReview(va === null ? null : 'baseline'), df: null };
  const v = va + vb;
  if (!(v > 0)) return { ci: [null, null], reason: 'no variation between the reviews: no interval', df: null };
  const df = (v * v) / ((va * va) / (za.length - 1) + (vb * vb) / (zb.length - 1));
  const half = tQuantile(level, df) * Math.sqrt(v);
  return { ci: [Math.exp(logRatio - half) - 1, Math.exp(logRatio + half) - 1], reason: null, df };
}


/** Why the catch figures of a scope rest on nothing, or null when they rest on something. */
function catchEmptyReason(s: Scope): string | null {
  if (s.reviews === 0) return 'no finished reviews';
  if (s.flaws === 0) return 'no ground-truth flaws in the reviewed tasks';
  if (s.countable === 0) {
    return `none of the ${plural(s.flaws, 'ground-truth flaw')} in these reviews can be matched automatically (no anchor, and no shown critique describes it) and none is adjudicated: adjudicate on the Matching screen, or give the flaws anchors or critique links`;
  }
  return null;
}

function basisOf(s: Scope, catches: boolean, resamples: number | null, df: number | null): FigureBasis {
  return {
    reviews: s.reviews,
    evaluators: s.evaluators,
    tasks: s.tasks,
    ...(catches ? { flaws: s.flaws, flaws_auto_matchable: s.auto, flaws_adjudicated: s.adjudicated } : {}),
    resamples,
    df,
  };
}

function tooFew(s: Scope, minReviews: number, arm?: string): string | null {
  return s.reviews < minReviews ? `${arm ? `${arm}: ` : ''}only ${plural(s.reviews, 'review')}: an interval needs at least ${minReviews}` : null;
}

/**
 * Computes a study's metrics (see docs/metrics.md for every definition). Pure and deterministic
 * (for a seed). Intervals: `population` (default) — a two-way cluster-robust variance over
 * evaluators and tasks of each linearised figure (population.ts), no resampling; `tasks` — the
 * percentile bootstrap over tasks (all reviews of a drawn task come along; every figure, both arms
 * of a comparison included, is recomputed from the resample's sums).
 */
export function computeMetrics(data: StudyData, options: MetricsOptions = {}): StudyMetrics {
  const method: CiMethod = options.ci ?? 'population';
  if (method !== 'population' && method !== 'tasks') throw new MetricsInputError(`ci: expected population or tasks, not ${String(method)}`);
  const B = options.bootstrap ?? 2000;
  const seed = options.seed ?? 1;
  const minReviews = options.minReviews ?? MIN_REVIEWS;
  const level = 0.95;
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

  // Task bootstrap: samples[(c * (F + U) + g) * B + b]; after the F figures come the U comparisons.
  const G = F + U;
  const effectiveB = method === 'tasks' && T > 0 ? B : 0;
  const samples = new Float64Array(effectiveB > 0 ? C * G * effectiveB : 0);
  if (effectiveB > 0) {
    const random = seededRandom(seed);
    const step = Math.max(LANES, Math.floor(B / 50));
    for (let b0 = 0; b0 < B; b0 += LANES) {
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
          UPLIFTS.forEach((name, u) => {
            samples[(c * G + F + u) * B + b] = bIndex < 0 ? NaN : compare(name, out, o + c * F, out, o + bIndex * F);
          });
        }
      }
      const done = b0 + lanes;
      if (options.onProgress && (done % step < LANES || done === B)) options.onProgress(done, B);
    }
  }

  const scopes = p.conditionNames.map((_n, c) => scopeOf(p, (i) => p.condition[i] === c));
  const bootstrapFigure = (c: number, g: number, value: number, s: Scope, catches: boolean, reason: string | null, few: string | null): Figure => {
    if (Number.isNaN(value) || reason !== null) return { value: null, ci: [null, null], reason: reason ?? 'undefined', basis: basisOf(s, catches, null, null) };
    if (effectiveB === 0) {
      return { value, ci: [null, null], reason: T === 0 ? 'no finished reviews' : '--bootstrap 0: no resamples, no interval', basis: basisOf(s, catches, 0, null) };
    }
    const { ci, defined } = percentileCi(samples.subarray((c * G + g) * B, (c * G + g + 1) * B), effectiveB, level);
    if (few !== null) return { value, ci: [null, null], reason: few, basis: basisOf(s, catches, defined, null) };
    return { value, ci, reason: ci[0] === null ? 'undefined in every resample' : null, basis: basisOf(s, catches, defined, null) };
  };

  const fate = fates(data);
  const conditions: Record<string, ConditionMetrics> = {};
  const uplift: Record<string, Uplift> = {};
  const warnings: MetricsWarning[] = [];
  data.conditions.forEach((cond, c) => {
    const s = scopes[c]!;
    const catchReason = catchEmptyReason(s);
    const few = tooFew(s, minReviews);
    const figure = (name: FigureName): Figure => {
      const spec = RATIOS[name];
      const catches = spec?.catches === true;
      const value = point[c * F + FI[name]]!;
      let reason: string | null = catches ? catchReason : null;
      if (reason === null && Number.isNaN(value)) reason = spec ? spec.empty : name === 'median_active_seconds' ? 'no active time recorded in this condition' : EMPTY_ALPHA[name as 'verdict_alpha' | 'rating_alpha'];
      if (method === 'tasks') return bootstrapFigure(c, FI[name], value, s, catches, reason, few);
      if (reason !== null) return { value: null, ci: [null, null], reason, basis: basisOf(s, catches, null, null) };
      let interval: PopulationInterval;
      let v = value;
      if (spec) {
        const lin = ratioLin(p, c, spec);
        interval = populationInterval(p, lin.value, lin.z, lin.w, spec.scale, level);
      } else if (name === 'median_active_seconds') {
        const m = medianPopulation(p, c, level);
        v = m.value;
        interval = m.interval;
      } else {
        const lin = alphaLin(p, c, name as 'verdict_alpha' | 'rating_alpha');
        interval = populationInterval(p, lin.value, lin.z, lin.w, 'raw', level);
        if (interval.ci[0] !== null) interval = { ...interval, ci: [Math.max(-1, interval.ci[0]), Math.min(1, interval.ci[1]!)] };
      }
      if (few !== null) interval = { ci: [null, null], reason: few, df: interval.df };
      return { value: v, ci: interval.ci, reason: interval.reason, basis: basisOf(s, catches, null, interval.df) };
    };
    conditions[cond.name] = {
      policy: cond.policy,
      reviews: s.reviews,
      reported_per_review: figure('reported_per_review'),
      caught_per_review: figure('caught_per_review'),
      catch_rate: figure('catch_rate'),
      critique_accept_rate: figure('critique_accept_rate'),
      invalid_accept_rate: figure('invalid_accept_rate'),
      valid_reject_rate: figure('valid_reject_rate'),
      added_per_review: figure('added_per_review'),
      median_active_seconds: figure('median_active_seconds'),
      agreement: { verdict_alpha: figure('verdict_alpha'), rating_alpha: figure('rating_alpha') },
      fate: fate.get(cond.name)!,
    };
    if (s.flaws > 0 && s.countable < s.flaws) {
      warnings.push({
        code: s.countable === 0 ? 'flaws-unmatchable' : 'flaws-partly-unmatchable',
        condition: cond.name,
        message:
          s.countable === 0
            ? `${cond.name}: none of the ${s.flaws} ground-truth flaws in its reviews can be matched automatically and none is adjudicated; its catch figures are null until you adjudicate on the Matching screen.`
            : `${cond.name}: ${s.flaws - s.countable} of ${s.flaws} ground-truth flaws in its reviews can be matched only by hand (no anchor, no shown critique describes them) and are not adjudicated; the catch figures count them as missed.`,
      });
    }

    if (bIndex >= 0 && c !== bIndex) {
      const sb = scopes[bIndex]!;
      const both = scopeOf(p, (i) => p.condition[i] === c || p.condition[i] === bIndex);
      const fewBoth = tooFew(s, minReviews, cond.name) ?? tooFew(sb, minReviews, `${baseline} (baseline)`);
      const comparison = (name: UpliftName): Figure => {
        const catches = name === 'caught' || name === 'caught_diff' || name === 'catch_rate_diff';
        const value = compare(name, point, c * F, point, bIndex * F);
        let reason = catches ? (catchEmptyReason(s) ? `${cond.name}: ${catchEmptyReason(s)}` : catchEmptyReason(sb) ? `${baseline} (baseline): ${catchEmptyReason(sb)}` : null) : null;
        if (reason === null && Number.isNaN(value)) {
          reason =
            name === 'reported' || name === 'caught'
              ? `the baseline's ${name === 'reported' ? 'reported' : 'caught'} per review is ${point[bIndex * F + (name === 'reported' ? FI.reported_per_review : FI.caught_per_review)] === 0 ? '0: a relative change is undefined (see the absolute difference)' : 'undefined'}`
              : 'a condition has no value to compare';
        }
        if (method === 'tasks') return bootstrapFigure(c, F + UPLIFTS.indexOf(name), value, both, catches, reason, fewBoth);
        if (reason !== null) return { value: null, ci: [null, null], reason, basis: basisOf(both, catches, null, null) };
        const spec = RATIOS[name === 'reported' || name === 'reported_diff' ? 'reported_per_review' : name === 'catch_rate_diff' ? 'catch_rate' : 'caught_per_review']!;
        const a = ratioLin(p, c, spec);
        const b = ratioLin(p, bIndex, spec);
        const N = p.condition.length;
        const z = new Float64Array(N);
        const ww = new Float64Array(N);
        const relative = name === 'reported' || name === 'caught';
        for (let i = 0; i < N; i++) {
          z[i] = relative ? a.z[i]! / a.value - b.z[i]! / b.value : a.z[i]! - b.z[i]!;
          ww[i] = a.w[i]! + b.w[i]!;
        }
        let interval = relative
          ? populationInterval(p, Math.log(a.value / b.value), z, ww, 'log-ratio', level)
          : populationInterval(p, value, z, ww, 'raw', level);
        if (relative && !(a.value > 0)) interval = { ci: [null, null], reason: `${cond.name}'s estimate is 0: no interval for a relative change (see the absolute difference)`, df: null };
        if (fewBoth !== null) interval = { ci: [null, null], reason: fewBoth, df: interval.df };
        return { value, ci: interval.ci, reason: interval.reason, basis: basisOf(both, catches, null, interval.df) };
      };
      uplift[cond.name] = {
        reported: comparison('reported'),
        caught: comparison('caught'),
        reported_diff: comparison('reported_diff'),
        caught_diff: comparison('caught_diff'),
        catch_rate_diff: comparison('catch_rate_diff'),
      };
    }
  });
  const calibration = computeCalibration(data, countedReviews(data.reviews), { method, B, seed, baseline, minReviews, level });
  for (const [name, c] of calibration.conditions) conditions[name] = { ...conditions[name]!, calibration: c };
  for (const [name, u] of calibration.uplift) if (uplift[name]) uplift[name] = { ...uplift[name]!, calibration: u };
  warnings.push(...calibration.warnings);
  const note =
    method === 'population' && options.bootstrap !== undefined
      ? `population:${POPULATION_METHOD} draws no resamples (its variance is computed in closed form): --bootstrap ${options.bootstrap} was not used`
      : null;
  const methodName = ciMethodName(method);
  return {
    study: data.study,
    baseline,
    ci_method: methodName,
    intervals: {
      method: methodName,
      level,
      resamples: method === 'tasks' ? effectiveB : null,
      seed: method === 'tasks' ? seed : null,
      tasks: T,
      evaluators: p.evaluatorIds.length,
      note,
    },
    calibration: calibration.settings,
    warnings,
    conditions,
    uplift,
    breakdowns: breakdowns(data, p, matchings, baseline, minReviews, level),
  };
}

function breakdowns(
  data: StudyData,
  p: Prepared,
  matchings: Map<string, ReviewMatching>,
  baseline: string | null,
  minReviews: number,
  level: number,
): StudyMetrics['breakdowns'] {
  const reviews = countedReviews(data.reviews);
  const tasks = new Map(data.tasks.map((t) => [t.id, t]));
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

  // Per evaluator × condition: the evaluator is fixed, so the only random factor is the task, and
  // an evaluator sees each task once: the reviews are independent units.
  const N = p.condition.length;
  const cells = new Map<string, number[]>();
  for (let i = 0; i < N; i++) {
    const key = `${p.evaluator[i]}\u0000${p.condition[i]}`;
    const list = cells.get(key);
    if (list) list.push(i);
    else cells.set(key, [i]);
  }
  const bIndex = baseline === null ? -1 : p.conditionNames.indexOf(baseline);
  // Compact arrays over the cell's own reviews (not all N): a study has evaluators × conditions cells.
  const mean = (list: readonly number[], k: number): { value: number; z: Float64Array } => {
    let y = 0;
    for (const i of list) y += p.reviewStats[i * K + k]!;
    const value = y / list.length;
    const z = new Float64Array(list.length);
    list.forEach((i, j) => {
      z[j] = (p.reviewStats[i * K + k]! - value) / list.length;
    });
    return { value, z };
  };
  const scope = (list: readonly number[]): Scope => scopeOfList(p, list);
  const by_evaluator: EvaluatorRow[] = [];
  for (const [key, list] of cells) {
    const [e, c] = key.split('\u0000').map(Number) as [number, number];
    const s = scope(list);
    const few = tooFew(s, minReviews);
    const own = (k: number, catches: boolean): Figure => {
      const reason = catches ? catchEmptyReason(s) : null;
      if (reason !== null) return { value: null, ci: [null, null], reason, basis: basisOf(s, catches, null, null) };
      const m = mean(list, k);
      const interval: PopulationInterval = few !== null ? { ci: [null, null], reason: few, df: null } : reviewInterval(m.value, m.z, level);
      return { value: m.value, ci: interval.ci, reason: interval.reason, basis: basisOf(s, catches, null, interval.df) };
    };
    const baseList = bIndex < 0 ? undefined : cells.get(`${e}\u0000${bIndex}`);
    const upliftOwn = (k: number, catches: boolean): Figure => {
      if (c === bIndex) return { value: null, ci: [null, null], reason: 'the baseline condition itself', basis: basisOf(s, catches, null, null) };
      if (bIndex < 0) return { value: null, ci: [null, null], reason: 'no baseline condition', basis: basisOf(s, catches, null, null) };
      if (!baseList) return { value: null, ci: [null, null], reason: 'this evaluator has no reviews in the baseline condition', basis: basisOf(s, catches, null, null) };
      const both = scope([...list, ...baseList]);
      const sb = scope(baseList);
      const reason = catches ? (catchEmptyReason(s) ?? catchEmptyReason(sb)) : null;
      if (reason !== null) return { value: null, ci: [null, null], reason, basis: basisOf(both, catches, null, null) };
      const a = mean(list, k);
      const b = mean(baseList, k);
      if (b.value === 0) return { value: null, ci: [null, null], reason: 'this evaluator’s baseline figure is 0: a relative change is undefined', basis: basisOf(both, catches, null, null) };
      const value = a.value / b.value - 1;
      const fewBoth = tooFew(s, minReviews) ?? tooFew(sb, minReviews, 'baseline');
      if (fewBoth !== null) return { value, ci: [null, null], reason: fewBoth, basis: basisOf(both, catches, null, null) };
      if (!(a.value > 0)) return { value, ci: [null, null], reason: 'the estimate is 0: no interval for a relative change', basis: basisOf(both, catches, null, null) };
      const interval = ratioInterval(
        Math.log(a.value / b.value),
        a.z.map((x) => x / a.value),
        b.z.map((x) => x / b.value),
        level,
      );
      return { value, ci: interval.ci, reason: interval.reason, basis: basisOf(both, catches, null, interval.df) };
    };
    by_evaluator.push({
      evaluator: p.evaluatorIds[e]!,
      condition: p.conditionNames[c]!,
      reviews: list.length,
      reported_per_review: own(S_REPORTED, false),
      caught_per_review: own(S_CAUGHT, true),
      uplift_reported: upliftOwn(S_REPORTED, false),
      uplift_caught: upliftOwn(S_CAUGHT, true),
    });
  }
  by_evaluator.sort((a, b) => a.evaluator.localeCompare(b.evaluator) || a.condition.localeCompare(b.condition));

  const perPosition = new Map<string, { condition: string; position: number; reviews: number; reported: number; caught: number }>();
  const active: Record<string, number[]> = Object.fromEntries(data.conditions.map((c) => [c.name, [] as number[]]));
  for (const r of reviews) {
    const reported = new Set(r.decisions.filter((d) => d.verdict === 'accept').map((d) => d.critique)).size + r.added.length;
    const caught = matchings.get(r.id)!.caught.length;
    if (r.position !== null) {
      const pk = `${r.condition}\u0000${r.position}`;
      const row = perPosition.get(pk) ?? { condition: r.condition, position: r.position, reviews: 0, reported: 0, caught: 0 };
      row.reviews++;
      row.reported += reported;
      row.caught += caught;
      perPosition.set(pk, row);
    }
    if (r.activeSeconds !== null && Number.isFinite(r.activeSeconds)) active[r.condition]!.push(r.activeSeconds);
  }
  const by_position = [...perPosition.values()]
    .sort((a, b) => a.condition.localeCompare(b.condition) || a.position - b.position)
    .map((row) => ({
      condition: row.condition,
      position: row.position,
      reviews: row.reviews,
      reported_per_review: row.reported / row.reviews,
      caught_per_review: row.caught / row.reviews,
    }));
  for (const list of Object.values(active)) list.sort((a, b) => a - b);
  return { by_severity: catchBy('severity'), by_category: catchBy('category'), by_evaluator, by_position, active_seconds: active };
}

/** Per-review counts for {@link upliftFromCounts}: one caught count per review and its cells. */
export interface ReviewCounts {
  readonly condition: Int32Array;
  readonly evaluator: Int32Array;
  readonly task: Int32Array;
  readonly caught: Float64Array;
  readonly evaluators: number;
  readonly tasks: number;
}

/**
 * The relative uplift in caught per review of condition `c` over `base`, with the population
 * interval, straight from per-review counts: the same linearisation and variance as
 * {@link computeMetrics} (no interval with fewer than {@link MIN_REVIEWS} reviews in an arm),
 * without matching (for `assay study plan`'s many simulated studies).
 */
export function upliftFromCounts(counts: ReviewCounts, c: number, base: number, level = 0.95): { value: number | null; ci: readonly [number | null, number | null] } {
  const N = counts.condition.length;
  const reviewStats = new Float64Array(N * K);
  for (let i = 0; i < N; i++) {
    reviewStats[i * K + S_REVIEWS] = 1;
    reviewStats[i * K + S_CAUGHT] = counts.caught[i]!;
  }
  const p = {
    condition: counts.condition,
    evaluator: counts.evaluator,
    task: counts.task,
    reviewStats,
    evaluatorIds: { length: counts.evaluators },
    taskIds: { length: counts.tasks },
  } as unknown as Prepared;
  const spec = RATIOS.caught_per_review!;
  const a = ratioLin(p, c, spec);
  const b = ratioLin(p, base, spec);
  if (!(a.value > 0) || !(b.value > 0)) return { value: b.value > 0 ? a.value / b.value - 1 : null, ci: [null, null] };
  // the metrics give no interval on fewer than MIN_REVIEWS reviews in an arm: nor does the plan
  let nA = 0;
  let nB = 0;
  for (let i = 0; i < N; i++) {
    if (counts.condition[i] === c) nA++;
    else if (counts.condition[i] === base) nB++;
  }
  if (nA < MIN_REVIEWS || nB < MIN_REVIEWS) return { value: a.value / b.value - 1, ci: [null, null] };
  const z = new Float64Array(N);
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    z[i] = a.z[i]! / a.value - b.z[i]! / b.value;
    w[i] = a.w[i]! + b.w[i]!;
  }
  const interval = populationInterval(p, Math.log(a.value / b.value), z, w, 'log-ratio', level);
  return { value: a.value / b.value - 1, ci: interval.ci };
}
