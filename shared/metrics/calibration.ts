// Confidence and calibration (issue 11 §4): the answers to a study's yes/no question ("Does the
// output contain a serious flaw?", yes = flawed) with a confidence of 50–100, scored against the
// ground truth. docs/metrics.md ("Confidence and calibration") defines every figure and says why.
import type { CiMethod, Figure, FigureBasis } from './compute.js';
import { MIN_REVIEWS, tQuantile, twoWayVariance } from './population.js';
import { seededRandom } from './prng.js';
import { quantileSorted } from './stats.js';
import type { MetricReview, StudyData } from './types.js';
import { plural } from '../plural.js';

/** The reliability bins, in confidence points: fixed and equal-width (docs/metrics.md says why). */
export const CALIBRATION_BINS: readonly { readonly label: string; readonly lo: number; readonly hi: number }[] = [
  { label: '50–59', lo: 50, hi: 60 },
  { label: '60–69', lo: 60, hi: 70 },
  { label: '70–79', lo: 70, hi: 80 },
  { label: '80–89', lo: 80, hi: 90 },
  { label: '90–100', lo: 90, hi: 100 },
];

/** How the truth of an answer is defined (also printed in the JSON). */
export const CALIBRATION_TRUTH =
  'flawed = the task has at least one ground-truth flaw (flaws[] of its package, planted or labelled, any severity, matchable or not); decoy critiques (valid: false) and critiques alone are not flaws';

/** How the reliability bins are made (also printed in the JSON). */
export const CALIBRATION_BINNING = 'five fixed equal-width bins of the confidence: 50–59, 60–69, 70–79, 80–89, 90–100';

/** The reason the calibration figures are absent for a study that asks no question. */
export const NO_QUESTION = 'this study asks no yes/no question (assay study create --question "…" turns it on)';

/** The bin index of a confidence of 50–100. */
export function binOf(confidence: number): number {
  return Math.min(CALIBRATION_BINS.length - 1, Math.max(0, Math.floor((confidence - 50) / 10)));
}

/** One bin of a condition's reliability diagram. */
export interface ReliabilityBin {
  /** `50–59` … `90–100` (confidence points). */
  readonly bin: string;
  /** The bin's range in confidence points: lo ≤ confidence < hi (the last bin includes 100). */
  readonly lo: number;
  readonly hi: number;
  /** Answered reviews whose confidence falls in the bin. */
  readonly reviews: number;
  /** Their mean confidence as a share (0.5–1); null for an empty bin. */
  readonly mean_confidence: number | null;
  /** Their accuracy, with its interval (same method as every figure). */
  readonly accuracy: Figure;
}

/** A condition's confidence and calibration figures (present only when the study asks a question). */
export interface ConditionCalibration {
  /** Counted reviews with an answer and a confidence: the base of every figure here. */
  readonly answered: number;
  /** Counted reviews without an answer or a confidence (e.g. ended by the clock): left out. */
  readonly unanswered: number;
  /** Answered reviews whose answer equals the truth, as a share of answered reviews. */
  readonly accuracy: Figure;
  /** Mean of (P(flawed) − flawed)², P(flawed) = confidence if yes, 1 − confidence if no. */
  readonly brier: Figure;
  /** Expected calibration error over {@link CALIBRATION_BINS}: Σ_b (n_b / n)·|confidence_b − accuracy_b|. */
  readonly ece: Figure;
  /** Mean confidence in the answer, as a share (0.5–1). */
  readonly mean_confidence: Figure;
  /** mean_confidence − accuracy: > 0 over-confident, < 0 under-confident. */
  readonly overconfidence: Figure;
  readonly reliability: readonly ReliabilityBin[];
}

/** A condition's calibration compared with the baseline's (absolute differences). */
export interface UpliftCalibration {
  readonly accuracy_diff: Figure;
  readonly brier_diff: Figure;
  readonly mean_confidence_diff: Figure;
  readonly overconfidence_diff: Figure;
}

/** The study-level description of the calibration figures. */
export interface CalibrationSettings {
  /** The study's question; null when it asks none (then no condition has calibration figures). */
  readonly question: string | null;
  /** Why there are no calibration figures, or why all but mean confidence are null; null otherwise. */
  readonly reason: string | null;
  readonly truth: string;
  readonly binning: string;
}

/** What {@link computeCalibration} returns. */
export interface CalibrationResult {
  readonly settings: CalibrationSettings;
  /** Per condition; absent (no key) when the study asks no question. */
  readonly conditions: ReadonlyMap<string, ConditionCalibration>;
  readonly uplift: ReadonlyMap<string, UpliftCalibration>;
  readonly warnings: readonly { readonly code: string; readonly condition: string | null; readonly message: string }[];
}

/** Options: the same as the metrics' own. */
export interface CalibrationOptions {
  readonly method: CiMethod;
  readonly B: number;
  readonly seed: number;
  readonly baseline: string | null;
  readonly minReviews?: number;
  readonly level?: number;
}

/** An error in a review's answer or confidence, naming the review and field. */
export class CalibrationInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CalibrationInputError';
  }
}

// Per answered review the values every figure is a mean of.
const V_CORRECT = 0;
const V_BRIER = 1;
const V_CONF = 2;
const V_GAP = 3; // confidence − correct
const NV = 4;
const NB = CALIBRATION_BINS.length;
/** Per condition × task sums for the task bootstrap: n, the NV values, then per bin n, correct, gap. */
const NS = 1 + NV + 3 * NB;


interface Answered {
  readonly condition: Int32Array;
  readonly evaluator: Int32Array;
  readonly task: Int32Array;
  readonly bin: Int32Array;
  /** [review][value] */
  readonly values: Float64Array;
}

interface Interval {
  readonly ci: readonly [number | null, number | null];
  readonly reason: string | null;
  readonly df: number | null;
}

/** Scales of the calibration intervals: bounded shares on the logit scale of their range; gaps raw, clipped. */
type Scale = { readonly kind: 'logit'; readonly lo: number; readonly hi: number } | { readonly kind: 'raw'; readonly lo: number; readonly hi: number };

const SHARE: Scale = { kind: 'logit', lo: 0, hi: 1 };
const CONFIDENCE: Scale = { kind: 'logit', lo: 0.5, hi: 1 };
const GAP: Scale = { kind: 'raw', lo: -0.5, hi: 1 };
// ECE lies in [0, 1]: confidently wrong answers (gap up to 1) put it above 0.5
const ECE_SCALE: Scale = { kind: 'raw', lo: 0, hi: 1 };

function onScale(value: number, variance: number, df: number, scale: Scale, level: number): Interval {
  const q = tQuantile(level, df);
  const se = Math.sqrt(variance);
  if (scale.kind === 'raw') return { ci: [Math.max(scale.lo, value - q * se), Math.min(scale.hi, value + q * se)], reason: null, df };
  const width = scale.hi - scale.lo;
  const u = (value - scale.lo) / width;
  if (!(u > 0 && u < 1)) {
    return { ci: [null, null], reason: `the estimate is at the end of its range (${value === scale.lo ? scale.lo : scale.hi}) with no variation: no interval`, df };
  }
  const s = se / width / (u * (1 - u));
  const l = Math.log(u / (1 - u));
  const back = (x: number): number => scale.lo + width / (1 + Math.exp(-x));
  return { ci: [back(l - q * s), back(l + q * s)], reason: null, df };
}

/** The non-zero per-(condition, task) sums of the calibration statistics, as compact lists. */
type SparseCells = {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly NS: number;
  readonly seed: number;
  /** Per cell (conditions in order, tasks ascending within each), its task. */
  readonly cellTask: Int32Array;
  /** Cell i's entries are k[cellStart[i] .. cellStart[i + 1]). */
  readonly cellStart: Int32Array;
  /** Condition c's cells end before conditionEnd[c]. */
  readonly conditionEnd: Int32Array;
  readonly k: Int32Array;
  readonly v: Float64Array;
};

/**
 * Per resample and condition, the task-weighted sums (B × C × NS numbers): the task bootstrap's
 * whole cost. The draws are compute.ts's (same seed, T draws of a task per resample). A function
 * of its own, over typed arrays, so that V8 optimises the loop as one unit.
 */
function resampledSums(s: SparseCells): Float64Array {
  const { B, T, C, NS, cellTask, cellStart, conditionEnd, k, v } = s;
  const rs = new Float64Array(B * C * NS);
  const random = seededRandom(s.seed);
  const w = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    w.fill(0);
    for (let i = 0; i < T; i++) w[Math.floor(random() * T)]! += 1;
    let cell = 0;
    for (let c = 0; c < C; c++) {
      const out = (b * C + c) * NS;
      const end = conditionEnd[c]!;
      for (; cell < end; cell++) {
        const wt = w[cellTask[cell]!]!;
        if (wt === 0) continue;
        const stop = cellStart[cell + 1]!;
        for (let e = cellStart[cell]!; e < stop; e++) rs[out + k[e]!]! += wt * v[e]!;
      }
    }
  }
  return rs;
}

/**
 * The confidence and calibration figures of every condition (null with reasons where they rest
 * on nothing), with intervals by the metrics' own method: `population` — the two-way
 * cluster-robust variance of each linearised mean (population.ts), `tasks` — the percentile
 * bootstrap over tasks, on the very resamples the other figures use (same seed, same draws).
 */
export function computeCalibration(data: StudyData, counted: readonly MetricReview[], options: CalibrationOptions): CalibrationResult {
  const question = data.question ?? null;
  const minReviews = options.minReviews ?? MIN_REVIEWS;
  const level = options.level ?? 0.95;
  const base = { truth: CALIBRATION_TRUTH, binning: CALIBRATION_BINNING };
  if (question === null) return { settings: { question: null, reason: NO_QUESTION, ...base }, conditions: new Map(), uplift: new Map(), warnings: [] };

  const flawed = new Map(data.tasks.map((t) => [t.id, t.flaws.length > 0]));
  const groundTruth = data.tasks.some((t) => t.flaws.length > 0);
  const noTruth = groundTruth
    ? null
    : `no ground truth: none of the study's ${plural(data.tasks.length, 'task')} has a ground-truth flaw (flaws[]), so no output is known to be flawed and the answers cannot be scored`;

  // the same dense indices as the other figures: sorted ids over the counted reviews
  const taskIds = [...new Set(counted.map((r) => r.task))].sort();
  const evaluatorIds = [...new Set(counted.map((r) => r.evaluator))].sort();
  const tIndex = new Map(taskIds.map((id, i) => [id, i]));
  const eIndex = new Map(evaluatorIds.map((id, i) => [id, i]));
  const cIndex = new Map(data.conditions.map((c, i) => [c.name, i]));
  const C = data.conditions.length;
  const T = taskIds.length;

  const answeredReviews: MetricReview[] = [];
  const unanswered = new Array<number>(C).fill(0);
  counted.forEach((r) => {
    const where = `review "${r.id}"`;
    const answer = r.answer ?? null;
    const confidence = r.confidence ?? null;
    if (answer !== null && typeof answer !== 'boolean') throw new CalibrationInputError(`${where}.answer: expected true, false or null`);
    if (confidence !== null && !(typeof confidence === 'number' && Number.isFinite(confidence) && confidence >= 50 && confidence <= 100)) {
      throw new CalibrationInputError(`${where}.confidence: expected a number from 50 to 100 or null, not ${String(confidence)}`);
    }
    if (answer === null || confidence === null) unanswered[cIndex.get(r.condition)!]!++;
    else answeredReviews.push(r);
  });

  const N = answeredReviews.length;
  const a: Answered = {
    condition: new Int32Array(N),
    evaluator: new Int32Array(N),
    task: new Int32Array(N),
    bin: new Int32Array(N),
    values: new Float64Array(N * NV),
  };
  answeredReviews.forEach((r, i) => {
    a.condition[i] = cIndex.get(r.condition)!;
    a.evaluator[i] = eIndex.get(r.evaluator)!;
    a.task[i] = tIndex.get(r.task)!;
    const p = r.confidence! / 100;
    a.bin[i] = binOf(r.confidence!);
    const correct = r.answer === flawed.get(r.task) ? 1 : 0;
    a.values[i * NV + V_CORRECT] = correct;
    // (P(flawed) − flawed)² = (confidence − correct)²: both framings give the same score
    a.values[i * NV + V_BRIER] = (p - correct) ** 2;
    a.values[i * NV + V_CONF] = p;
    a.values[i * NV + V_GAP] = p - correct;
  });

  // --- the task bootstrap (`--ci tasks`): the same draws as compute.ts, one resample after another
  const effectiveB = options.method === 'tasks' && T > 0 ? options.B : 0;
  type Boot = { ci: readonly [number | null, number | null]; defined: number };
  /** Per resample, statistic f of condition c's sums (NaN where undefined); null without resamples. */
  let samples: ((c: number, f: (s: Float64Array) => number) => Float64Array) | null = null;
  const percentile = (values: Float64Array): Boot => {
    const kept: number[] = [];
    for (const x of values) if (!Number.isNaN(x)) kept.push(x);
    if (kept.length === 0) return { ci: [null, null], defined: 0 };
    const sorted = Float64Array.from(kept).sort();
    const tail = (1 - level) / 2;
    return { ci: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)], defined: kept.length };
  };
  if (effectiveB > 0) {
    const sums = new Float64Array(C * T * NS);
    for (let i = 0; i < N; i++) {
      const o = (a.condition[i]! * T + a.task[i]!) * NS;
      sums[o]! += 1;
      for (let v = 0; v < NV; v++) sums[o + 1 + v]! += a.values[i * NV + v]!;
      const b = 1 + NV + 3 * a.bin[i]!;
      sums[o + b]! += 1;
      sums[o + b + 1]! += a.values[i * NV + V_CORRECT]!;
      sums[o + b + 2]! += a.values[i * NV + V_GAP]!;
    }
    // The cells' non-zero sums only, per condition: a task has a review or two per condition, so
    // most of its bins are empty, and the resampling loop below is the whole cost of `--ci tasks`.
    const cellTask: number[] = [];
    const cellStart: number[] = [0];
    const conditionEnd: number[] = [];
    const entryK: number[] = [];
    const entryV: number[] = [];
    for (let c = 0; c < C; c++) {
      for (let t = 0; t < T; t++) {
        const o = (c * T + t) * NS;
        if (sums[o] === 0) continue;
        for (let k = 0; k < NS; k++) {
          if (sums[o + k] === 0) continue;
          entryK.push(k);
          entryV.push(sums[o + k]!);
        }
        cellTask.push(t);
        cellStart.push(entryK.length);
      }
      conditionEnd.push(cellTask.length);
    }
    const rs = resampledSums({ B: effectiveB, T, C, NS, seed: options.seed, cellTask: Int32Array.from(cellTask), cellStart: Int32Array.from(cellStart), conditionEnd: Int32Array.from(conditionEnd), k: Int32Array.from(entryK), v: Float64Array.from(entryV) });
    samples = (c, f) => {
      const out = new Float64Array(effectiveB);
      for (let b = 0; b < effectiveB; b++) out[b] = f(rs.subarray((b * C + c) * NS, (b * C + c + 1) * NS));
      return out;
    };
  }

  const members = (c: number, bin?: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < N; i++) if (a.condition[i] === c && (bin === undefined || a.bin[i] === bin)) out.push(i);
    return out;
  };
  const basisOf = (list: readonly number[], resamples: number | null, df: number | null): FigureBasis => ({
    reviews: list.length,
    evaluators: new Set(list.map((i) => a.evaluator[i]!)).size,
    tasks: new Set(list.map((i) => a.task[i]!)).size,
    resamples,
    df,
  });
  const few = (list: readonly number[], arm?: string): string | null =>
    list.length < minReviews ? `${arm ? `${arm}: ` : ''}only ${plural(list.length, 'answered review')}: an interval needs at least ${minReviews}` : null;
  /** The mean of value v over `list`, with its influence values (z over all answered reviews). */
  const meanLin = (list: readonly number[], v: number): { value: number; z: Float64Array; w: Float64Array } => {
    const z = new Float64Array(N);
    const w = new Float64Array(N);
    let s = 0;
    for (const i of list) s += a.values[i * NV + v]!;
    const value = s / list.length;
    for (const i of list) {
      z[i] = (a.values[i * NV + v]! - value) / list.length;
      w[i] = 1 / list.length;
    }
    return { value, z, w };
  };
  const population = (value: number, z: Float64Array, w: Float64Array, scale: Scale): Interval => {
    const v = twoWayVariance({ z, w, evaluator: a.evaluator, task: a.task, evaluators: evaluatorIds.length, tasks: T });
    if (v.variance === null || v.df === null) return { ci: [null, null], reason: v.reason, df: null };
    return onScale(value, v.variance, v.df, scale, level);
  };
  /** A figure from a point value, its population interval and its bootstrap statistic. */
  const figure = (
    list: readonly number[],
    value: number,
    reason: string | null,
    tooFew: string | null,
    pop: () => Interval,
    boot: (() => Boot) | null,
  ): Figure => {
    if (reason !== null || Number.isNaN(value)) return { value: null, ci: [null, null], reason: reason ?? 'undefined', basis: basisOf(list, null, null) };
    if (options.method === 'tasks') {
      if (boot === null) return { value, ci: [null, null], reason: T === 0 ? 'no finished reviews' : '--bootstrap 0: no resamples, no interval', basis: basisOf(list, 0, null) };
      const r = boot();
      if (tooFew !== null) return { value, ci: [null, null], reason: tooFew, basis: basisOf(list, r.defined, null) };
      return { value, ci: r.ci, reason: r.ci[0] === null ? 'undefined in every resample' : null, basis: basisOf(list, r.defined, null) };
    }
    const interval = pop();
    if (tooFew !== null) return { value, ci: [null, null], reason: tooFew, basis: basisOf(list, null, interval.df) };
    return { value, ci: interval.ci, reason: interval.reason, basis: basisOf(list, null, interval.df) };
  };
  const div = (x: number, y: number): number => (y === 0 ? NaN : x / y);
  // bootstrap statistics from one resample's sums
  const sMean = (v: number) => (s: Float64Array) => div(s[1 + v]!, s[0]!);
  const sEce = (s: Float64Array): number => {
    let e = 0;
    for (let b = 0; b < NB; b++) e += Math.abs(s[1 + NV + 3 * b + 2]!);
    return div(e, s[0]!);
  };
  const sBinAccuracy = (b: number) => (s: Float64Array) => div(s[1 + NV + 3 * b + 1]!, s[1 + NV + 3 * b]!);

  const conditions = new Map<string, ConditionCalibration>();
  const warnings: CalibrationResult['warnings'][number][] = [];
  const lists = data.conditions.map((_c, c) => members(c));
  data.conditions.forEach((cond, c) => {
    const list = lists[c]!;
    const empty = list.length === 0 ? `no answered reviews in this condition${unanswered[c]! > 0 ? ` (${plural(unanswered[c]!, 'review')} without an answer)` : ''}` : null;
    const scored = empty ?? noTruth;
    const tooFew = few(list);
    const boot = (f: (s: Float64Array) => number): (() => Boot) | null => (samples ? () => percentile(samples!(c, f)) : null);
    const mean = (v: number, scale: Scale, reason: string | null): Figure => {
      if (reason !== null) return figure(list, NaN, reason, tooFew, () => ({ ci: [null, null], reason: null, df: null }), null);
      const m = meanLin(list, v);
      return figure(list, m.value, null, tooFew, () => population(m.value, m.z, m.w, scale), boot(sMean(v)));
    };

    // ECE = Σ_b |Σ_{r∈b} gap_r| / n. Its interval linearises |·| with each bin's sign held fixed,
    // which is valid only when no bin's gap is within its own noise; otherwise ECE is biased up
    // and its interval would not cover small true values: none is given, with the reason.
    let ece: Figure;
    if (scored !== null) ece = figure(list, NaN, scored, tooFew, () => ({ ci: [null, null], reason: null, df: null }), null);
    else {
      const binSum = new Float64Array(NB);
      const binN = new Float64Array(NB);
      for (const i of list) {
        binSum[a.bin[i]!]! += a.values[i * NV + V_GAP]!;
        binN[a.bin[i]!]! += 1;
      }
      let value = 0;
      for (let b = 0; b < NB; b++) value += Math.abs(binSum[b]!);
      value /= list.length;
      const unclear: string[] = [];
      for (let b = 0; b < NB; b++) {
        const nb = binN[b]!;
        if (nb === 0) continue;
        const meanGap = binSum[b]! / nb;
        let ss = 0;
        for (const i of list) if (a.bin[i] === b) ss += (a.values[i * NV + V_GAP]! - meanGap) ** 2;
        const se = nb > 1 ? Math.sqrt((ss / (nb - 1)) * nb) : Infinity;
        if (!(Math.abs(binSum[b]!) > tQuantile(level, Math.max(1, nb - 1)) * se)) unclear.push(CALIBRATION_BINS[b]!.label);
      }
      const withheld =
        unclear.length > 0
          ? `no interval for ECE: in bin${unclear.length === 1 ? '' : 's'} ${unclear.join(', ')} confidence and accuracy differ by less than their noise, where ECE is biased upward (read the Brier score and over-confidence)`
          : null;
      ece = figure(
        list,
        value,
        null,
        tooFew ?? withheld,
        () => {
          const z = new Float64Array(N);
          const w = new Float64Array(N);
          for (const i of list) {
            z[i] = (Math.sign(binSum[a.bin[i]!]!) * a.values[i * NV + V_GAP]! - value) / list.length;
            w[i] = 1 / list.length;
          }
          return population(value, z, w, ECE_SCALE);
        },
        boot(sEce),
      );
    }

    const reliability: ReliabilityBin[] = CALIBRATION_BINS.map((bin, b) => {
      const inBin = members(c, b);
      let conf = 0;
      for (const i of inBin) conf += a.values[i * NV + V_CONF]!;
      const reason = inBin.length === 0 ? 'no answered review in this bin' : scored;
      const accuracy = (() => {
        if (reason !== null) return figure(inBin, NaN, reason, null, () => ({ ci: [null, null], reason: null, df: null }), null);
        const m = meanLin(inBin, V_CORRECT);
        return figure(inBin, m.value, null, few(inBin, `bin ${bin.label}`), () => population(m.value, m.z, m.w, SHARE), boot(sBinAccuracy(b)));
      })();
      return { bin: bin.label, lo: bin.lo, hi: bin.hi, reviews: inBin.length, mean_confidence: inBin.length === 0 ? null : conf / inBin.length, accuracy };
    });

    conditions.set(cond.name, {
      answered: list.length,
      unanswered: unanswered[c]!,
      accuracy: mean(V_CORRECT, SHARE, scored),
      brier: mean(V_BRIER, SHARE, scored),
      ece,
      mean_confidence: mean(V_CONF, CONFIDENCE, empty),
      overconfidence: mean(V_GAP, GAP, scored),
      reliability,
    });

    if (unanswered[c]! > 0 && list.length > 0) {
      warnings.push({
        code: 'answers-missing',
        condition: cond.name,
        message: `${cond.name}: ${plural(unanswered[c]!, 'counted review')} without an answer or a confidence (e.g. ended by the time limit) are left out of the calibration figures.`,
      });
    }
    if (scored === null) {
      const flawedAnswered = list.filter((i) => flawed.get(taskIds[a.task[i]!]!)).length;
      if (flawedAnswered === 0 || flawedAnswered === list.length) {
        warnings.push({
          code: 'calibration-one-class',
          condition: cond.name,
          message: `${cond.name}: every answered review is of ${flawedAnswered === 0 ? 'a task without ground-truth flaws' : 'a flawed task'}, so accuracy is only the share of "${flawedAnswered === 0 ? 'no' : 'yes'}" answers; include ${flawedAnswered === 0 ? 'flawed' : 'clean'} outputs to measure discrimination.`,
        });
      }
    }
  });
  if (noTruth !== null) warnings.push({ code: 'calibration-no-ground-truth', condition: null, message: `Calibration: ${noTruth}.` });

  // --- differences from the baseline (paired through the shared evaluators and tasks)
  const uplift = new Map<string, UpliftCalibration>();
  const bIndex = options.baseline === null ? -1 : data.conditions.findIndex((c) => c.name === options.baseline);
  if (bIndex >= 0) {
    const lb = lists[bIndex]!;
    data.conditions.forEach((cond, c) => {
      if (c === bIndex) return;
      const lc = lists[c]!;
      const both = [...lc, ...lb];
      const baseName = `${options.baseline} (baseline)`;
      const emptyOf = (l: readonly number[], name: string): string | null => (l.length === 0 ? `${name}: no answered reviews` : null);
      const tooFew = few(lc, cond.name) ?? few(lb, baseName);
      const diff = (v: number, needsTruth: boolean, bound: number): Figure => {
        const reason = emptyOf(lc, cond.name) ?? emptyOf(lb, baseName) ?? (needsTruth ? noTruth : null);
        if (reason !== null) return figure(both, NaN, reason, tooFew, () => ({ ci: [null, null], reason: null, df: null }), null);
        const x = meanLin(lc, v);
        const y = meanLin(lb, v);
        const z = new Float64Array(N);
        const w = new Float64Array(N);
        for (let i = 0; i < N; i++) {
          z[i] = x.z[i]! - y.z[i]!;
          w[i] = x.w[i]! + y.w[i]!;
        }
        const value = x.value - y.value;
        const f = sMean(v);
        const boot = samples
          ? (): Boot => {
              const x = samples!(c, f);
              const y = samples!(bIndex, f);
              for (let b = 0; b < x.length; b++) x[b] = x[b]! - y[b]!; // NaN propagates
              return percentile(x);
            }
          : null;
        return figure(both, value, null, tooFew, () => population(value, z, w, { kind: 'raw', lo: -bound, hi: bound }), boot);
      };
      uplift.set(cond.name, {
        // each difference stays within the range its two means allow
        accuracy_diff: diff(V_CORRECT, true, 1),
        brier_diff: diff(V_BRIER, true, 1),
        mean_confidence_diff: diff(V_CONF, false, 0.5),
        overconfidence_diff: diff(V_GAP, true, 1.5),
      });
    });
  }

  return { settings: { question, reason: noTruth, ...base }, conditions, uplift, warnings };
}
