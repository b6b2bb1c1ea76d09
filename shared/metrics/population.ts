// Intervals for the population of evaluators AND tasks: a two-way cluster-robust variance of a
// linearised estimator (Cameron, Gelbach & Miller 2011), with a leverage adjustment for few
// clusters, the evaluator component kept non-negative, and Satterthwaite degrees of freedom.
// docs/metrics.md ("Confidence intervals") gives the derivation, the sources and the coverage table.
import { studentTQuantile } from './student-t.js';

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

/** The variance of a linearised estimator for the population of evaluators and tasks. */
export interface TwoWayVariance {
  /** Estimated variance (> 0), or null when there is none (see `reason`). */
  readonly variance: number | null;
  /** Satterthwaite degrees of freedom of the t reference. */
  readonly df: number | null;
  /** Evaluators and tasks (clusters) and reviews with weight. */
  readonly evaluators: number;
  readonly tasks: number;
  readonly reviews: number;
  /** Why there is no variance, when there is none. */
  readonly reason: string | null;
}

/**
 * Two-way cluster-robust variance of Σ z (Cameron, Gelbach & Miller 2011, eq. 2.11: V_E + V_T −
 * V_R), written as V_T + A with A = V_E − V_R the covariance within evaluators:
 *
 * 1. leverage: residuals centred on the estimate make every cross-product low by about the
 *    estimator's own variance; with weights w the expected shortfall is κ·V, κ = (Σ_g W_g² +
 *    Σ_t W_t² − Σ w²) / (Σ w)² (1/G + 1/T − 1/N in a balanced design: the CR1 factor G/(G−1)
 *    when tasks are reviewed once). V₁ = (V_E + V_T − V_R)/(1 − κ), and each part gets its share
 *    back: A' = A + κ_E V₁, T' = V_T + (κ_T − κ_R) V₁;
 * 2. A' estimates a variance component (evaluators' own levels, or their own uplift), which is
 *    ≥ 0: it is kept at max(A', 0) (the same rule as truncating a variance component at zero);
 *    T' may be negative in part (a comparison within tasks) and is kept as it is;
 * 3. V = T' + max(A', 0), with Satterthwaite degrees of freedom
 *    df = V² / (V_E²/(G−1) [when A' > 0] + T'²/(T−1)): few evaluators give a t with about G−1
 *    df when evaluators matter, and nearly a normal when they do not.
 */
export function twoWayVariance(lin: Linearised): TwoWayVariance {
  const { z, w, evaluator, task } = lin;
  const sumE = new Float64Array(lin.evaluators);
  const sumT = new Float64Array(lin.tasks);
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
    sumE[evaluator[i]!]! += zi;
    sumT[task[i]!]! += zi;
    wE[evaluator[i]!]! += wi;
    wT[task[i]!]! += wi;
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
  for (let t = 0; t < sumT.length; t++) {
    if (wT[t]! > 0) {
      H++;
      vT += sumT[t]! * sumT[t]!;
      kT += wT[t]! * wT[t]!;
    }
  }
  const base = { evaluators: G, tasks: H, reviews: n };
  if (G < MIN_EVALUATORS) {
    return {
      ...base,
      variance: null,
      df: null,
      reason: `reviews by ${G} evaluator${G === 1 ? '' : 's'}: an interval for evaluators in general needs at least ${MIN_EVALUATORS} (--ci tasks gives one for these evaluators)`,
    };
  }
  if (H < 2) return { ...base, variance: null, df: null, reason: `reviews of ${H} task: an interval needs at least 2 tasks` };
  kE /= wSum * wSum;
  kT /= wSum * wSum;
  const kR = w2 / (wSum * wSum);
  const kappa = Math.min(0.9, Math.max(0, kE + kT - kR));
  const v1 = (vE + vT - vR) / (1 - kappa);
  const a = vE - vR + kE * Math.max(v1, 0);
  const t = vT + (kT - kR) * Math.max(v1, 0);
  const aPlus = Math.max(a, 0);
  const variance = t + aPlus;
  const scale = Math.max(vE, vT, vR);
  if (!(variance > 1e-14 * scale) || !(variance > 0)) {
    return { ...base, variance: null, df: null, reason: 'no variation between reviews: the data give no interval' };
  }
  const den = (aPlus > 0 ? (vE * vE) / (G - 1) : 0) + (t * t) / (H - 1);
  const df = den > 0 ? Math.min(1e6, Math.max(1, (variance * variance) / den)) : 1e6;
  return { ...base, variance, df, reason: null };
}

/** The (1 − α) two-sided t quantile for `df`. */
export function tQuantile(level: number, df: number): number {
  return studentTQuantile(1 - (1 - level) / 2, df);
}
