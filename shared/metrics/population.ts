// Intervals for the population of evaluators AND tasks: a two-way cluster-robust variance of a
// linearised estimator (Cameron, Gelbach & Miller 2011) with a leverage adjustment for few
// clusters, a floor for paired comparisons, and Satterthwaite degrees of freedom.
// docs/metrics.md ("Confidence intervals") gives the derivation, the sources and the coverage table.
import { normalCdf, studentTQuantile } from './student-t.js';

/** The method's name in `ci_method` ("population:<method>"). */
export const POPULATION_METHOD = 'two-way-cluster-robust';

/** Fewest evaluators whose reviews a population interval may rest on. */
export const MIN_EVALUATORS = 3;
/** Fewest reviews (in each arm of a comparison) an interval may rest on. */
export const MIN_REVIEWS = 10;

/**
 * A linearised estimator over reviews: `z[i]` is review i's influence value (the estimator minus
 * its value is ≈ Σ z to first order), `w[i]` ≥ 0 the review's share of the estimator's weight
 * (sums to 1 per arm), `evaluator[i]` and `task[i]` its clusters (dense indices). Only reviews
 * with w > 0 belong to the estimator.
 */
export interface Linearised {
  readonly z: Float64Array;
  readonly w: Float64Array;
  readonly evaluator: Int32Array;
  readonly task: Int32Array;
  readonly evaluators: number;
  readonly tasks: number;
}

/** Which estimate the variance is: the two-way one, or one of the floors (see {@link twoWayVariance}). */
export type VarianceForm = 'two-way' | 'evaluators-only' | 'tasks-floor';

/**
 * How far a negative evaluator covariance may pull a paired comparison's variance below the
 * task-clustered one: V ≥ min(E, λ·T). Calibrated on the coverage simulation (docs/metrics.md):
 * every λ in 0.5–0.8 keeps all its cells in 0.93–0.97; λ = 1 (the covariance kept at ≥ 0)
 * over-covers comparisons with 20 evaluators.
 */
export const TASK_FLOOR = 0.6;

/** The variance of a linearised estimator for the population of evaluators and tasks. */
export interface TwoWayVariance {
  /** Estimated variance (> 0), or null when there is none (see `reason`). */
  readonly variance: number | null;
  /** Satterthwaite degrees of freedom of the t reference. */
  readonly df: number | null;
  /** Which estimate `variance` is (null when there is none). */
  readonly form: VarianceForm | null;
  /** Evaluators and tasks (clusters) and reviews with weight. */
  readonly evaluators: number;
  readonly tasks: number;
  readonly reviews: number;
  /** Why there is no variance, when there is none. */
  readonly reason: string | null;
}

/**
 * Var(max(X, 0)) / s² for X ~ N(m·s, s²): the share of its variance that a quantity kept at
 * ≥ 0 retains when its estimate lies m standard errors above 0 (→ 1 far above, 0.34 at 0, → 0
 * far below).
 */
export function truncatedVarianceShare(m: number): number {
  const P = normalCdf(m);
  const p = Math.exp(-0.5 * m * m) / Math.sqrt(2 * Math.PI);
  const mean = m * P + p;
  return Math.min(1, Math.max(0, (m * m + 1) * P + m * p - mean * mean));
}

/**
 * Two-way cluster-robust variance of Σ z (Cameron, Gelbach & Miller 2011, eq. 2.11, V_E + V_T −
 * V_R), for few evaluators:
 *
 * 1. Leverage. The one-way sums of squares by evaluator (V_E = Σ_g (Σ_{i∈g} z_i)²), by task (V_T)
 *    and by review (V_R = Σ z²) use residuals centred on the estimate, which makes each low by
 *    about the estimator's variance times its leverage κ_E = Σ_g W_g² / (Σ w)² (κ_T, κ_R
 *    likewise); each gets that share back: E = V_E + κ_E·V₁, T = V_T + κ_T·V₁, R = V_R + κ_R·V₁
 *    with V₁ = (V_E + V_T − V_R)/(1 − κ), κ = κ_E + κ_T − κ_R (1/G + 1/T − 1/N in a balanced
 *    design: the CR1 factor G/(G − 1) when tasks are reviewed once).
 * 2. V = max(E + T − R, min(E, λ·T)), λ = {@link TASK_FLOOR}. E − R is the covariance within
 *    evaluators, T − R within tasks. For a figure of one condition neither is negative in truth
 *    and the floor never binds (E + T − R ≥ E when T ≥ R). In a paired comparison T − R < 0 (a
 *    task's difficulty cancels between the arms), and E − R — near 0, even negative when
 *    evaluators differ in level, and very noisy with few evaluators — may lower V at most to
 *    λ·T, or to E when that is smaller; V > 0 always.
 * 3. Satterthwaite degrees of freedom: df = V² / (c·E²/(G − 1) + Var(T − R)/2). E varies like a
 *    scaled χ² with G − 1 df; the task covariance T − R is a sum over many tasks, its variance
 *    estimated from the tasks' own contributions (S_t² − Σ_{i∈t} z_i²). c = 1, except when the
 *    floor can bind (T − R < 0): then the evaluator covariance is truncated and c = Var(max(A, a))
 *    / Var(A) for A ~ N(E − R, 2E²/(G − 1)) and the bound a = (λ − 1)·T. When V = E, df = G − 1.
 *    Evaluators that matter give about G − 1 df (a wide t: six people say little about people in
 *    general); in a comparison where they cancel, nearly a normal.
 */
export function twoWayVariance(lin: Linearised): TwoWayVariance {
  const { z, w, evaluator, task } = lin;
  const sumE = new Float64Array(lin.evaluators);
  const sumT = new Float64Array(lin.tasks);
  const sqT = new Float64Array(lin.tasks);
  const wE = new Float64Array(lin.evaluators);
  const wT = new Float64Array(lin.tasks);
  let vR = 0;
  let wSum = 0;
  let w2 = 0;
  let n = 0;
  for (let i = 0; i < z.length; i++) {
    const wi = w[i]!;
    if (!(wi > 0)) continue;
    n++;
    const zi = z[i]!;
    const t = task[i]!;
    sumE[evaluator[i]!]! += zi;
    sumT[t]! += zi;
    sqT[t]! += zi * zi;
    wE[evaluator[i]!]! += wi;
    wT[t]! += wi;
    vR += zi * zi;
    wSum += wi;
    w2 += wi * wi;
  }
  let vE = 0;
  let kE = 0;
  let G = 0;
  for (let g = 0; g < sumE.length; g++) {
    if (wE[g]! > 0) {
      G++;
      vE += sumE[g]! * sumE[g]!;
      kE += wE[g]! * wE[g]!;
    }
  }
  let vT = 0;
  let kT = 0;
  let H = 0;
  let c1 = 0;
  let c2 = 0;
  for (let t = 0; t < sumT.length; t++) {
    if (wT[t]! > 0) {
      H++;
      const s2 = sumT[t]! * sumT[t]!;
      vT += s2;
      kT += wT[t]! * wT[t]!;
      const c = s2 - sqT[t]!; // the task's contribution to the covariance within tasks
      c1 += c;
      c2 += c * c;
    }
  }
  const base = { evaluators: G, tasks: H, reviews: n };
  const none = (reason: string): TwoWayVariance => ({ ...base, variance: null, df: null, form: null, reason });
  if (G < MIN_EVALUATORS) {
    return none(
      `reviews by ${G} evaluator${G === 1 ? '' : 's'}: an interval for evaluators in general needs at least ${MIN_EVALUATORS} (--ci tasks gives one for these evaluators)`,
    );
  }
  if (H < 2) return none(`reviews of ${H} task: an interval needs at least 2 tasks`);
  kE /= wSum * wSum;
  kT /= wSum * wSum;
  const kR = w2 / (wSum * wSum);
  const kappa = Math.min(0.9, Math.max(0, kE + kT - kR));
  const lev = Math.max(0, (vE + vT - vR) / (1 - kappa));
  const E = vE + kE * lev;
  const T = vT + kT * lev;
  const R = vR + kR * lev;
  // Rounding must not decide a sign: with one review per task, T − R is 0, not ±1e-18.
  const eps = 1e-9 * Math.max(E, T, R);
  const snap = (x: number): number => (Math.abs(x) <= eps ? 0 : x);
  const covE = snap(E - R);
  const covT = snap(T - R);
  const twoWay = E + covT; // = E + T − R
  const floor = Math.min(E, TASK_FLOOR * T);
  let variance: number;
  let form: VarianceForm;
  let den: number;
  const varCovT = ((c2 - (c1 * c1) / H) * H) / (H - 1);
  if (twoWay < floor && E <= TASK_FLOOR * T) {
    variance = E;
    form = 'evaluators-only';
    den = (E * E) / (G - 1);
  } else {
    variance = Math.max(twoWay, floor);
    form = variance === twoWay ? 'two-way' : 'tasks-floor';
    const s = E * Math.sqrt(2 / (G - 1));
    const bound = (TASK_FLOOR - 1) * T;
    const share = covT < 0 ? (s > 0 ? truncatedVarianceShare((covE - bound) / s) : covE > bound ? 1 : 0) : 1;
    den = (share * E * E) / (G - 1) + Math.max(0, varCovT) / 2;
  }
  const scale = Math.max(vE, vT, vR);
  if (!(variance > 1e-14 * scale) || !(variance > 0)) return none('no variation between reviews: the data give no interval');
  const df = den > 0 ? Math.min(1e6, Math.max(1, (variance * variance) / den)) : 1e6;
  return { ...base, variance, df, form, reason: null };
}

/** The (1 − α) two-sided t quantile for `df`. */
export function tQuantile(level: number, df: number): number {
  return studentTQuantile(1 - (1 - level) / 2, df);
}
