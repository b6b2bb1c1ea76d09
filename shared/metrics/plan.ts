// `assay study plan` and the New study screen's estimate: by simulation with the metrics engine,
// the power of a design to detect a relative uplift in caught flaws per review, and the expected
// width of its interval. The model is simulate.ts's; the interval is the engine's population
// interval (compute.ts upliftFromCounts), so the plan describes the figure the study will report.
import { assignStudy } from '../study/assign.js';
import { upliftFromCounts } from './compute.js';
import { seededRandom, type Random } from './prng.js';
import { normal, solveLogit } from './simulate.js';

/** What a plan assumes. */
export interface PlanAssumptions {
  /** Relative uplift in caught flaws per review to detect (0.5 = +50%). */
  readonly uplift: number;
  /** SD of evaluators' skill on the logit scale. */
  readonly evaluatorSd: number;
  /** SD of tasks' difficulty on the logit scale. */
  readonly taskSd: number;
  /** Catch probability of the baseline (unassisted) condition, averaged over evaluators and tasks. */
  readonly baselineCatchRate: number;
  /** Power wanted: the share of studies whose 95% interval lies above 0. */
  readonly power: number;
  readonly replicates: number;
  readonly seed: number;
}

/** Defaults: σ_E = 0.8 (the varying skill), σ_T = 0.5, 27% caught unassisted (Saunders et al.). */
export const defaultPlanAssumptions: PlanAssumptions = { uplift: 0.5, evaluatorSd: 0.8, taskSd: 0.5, baselineCatchRate: 0.27, power: 0.8, replicates: 200, seed: 1 };

/** One design's simulated performance. */
export interface PlanDesign {
  readonly tasks: number;
  readonly evaluators: number;
  readonly overlap: number;
  /** Share of simulated studies whose 95% interval of the uplift lay above 0. */
  readonly power: number;
  /** Mean width (hi − lo) of the uplift's interval, as a relative change; a few very wide intervals can dominate it. */
  readonly mean_ci_width: number | null;
  /** Median width of the uplift's interval (the typical study's), as a relative change. */
  readonly median_ci_width: number | null;
  readonly replicates: number;
}

/** A plan: designs tried and the smallest that reaches the power wanted. */
export interface StudyPlan {
  readonly assumptions: PlanAssumptions;
  readonly conditions: readonly { readonly name: string; readonly policy: string }[];
  readonly designs: readonly PlanDesign[];
  /** The design with the fewest evaluators (then tasks) reaching the power; null when none does. */
  readonly recommended: PlanDesign | null;
  readonly note: string | null;
}

/** A planning input that cannot be simulated; the message names the option. */
export class PlanInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanInputError';
  }
}

function binomial(n: number, p: number, random: Random): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < p) k++;
  return k;
}

/**
 * Simulates `replicates` studies of one design over tasks with the given flaw counts (the first
 * `tasks` of them): fresh evaluators and task effects each time, the real balanced assignment.
 */
export function simulateDesign(
  flawCounts: readonly number[],
  conditions: readonly { readonly name: string; readonly policy: string }[],
  design: { readonly tasks: number; readonly evaluators: number; readonly overlap: number },
  a: PlanAssumptions,
  random: Random,
): PlanDesign {
  const base = conditions.findIndex((c) => c.policy === 'none');
  const target = conditions.findIndex((c, i) => i !== base && c.policy !== 'none');
  if (base < 0) throw new PlanInputError('--conditions: a plan needs an unassisted condition (policy none) as the baseline');
  if (target < 0) throw new PlanInputError('--conditions: a plan needs a condition that shows critiques (policy other than none)');
  const sigma = Math.hypot(a.evaluatorSd, a.taskSd);
  const target1 = a.baselineCatchRate * (1 + a.uplift);
  if (!(target1 < 1)) throw new PlanInputError(`--uplift: ${a.uplift} over a catch rate of ${a.baselineCatchRate} would exceed 100%`);
  const intercept = solveLogit(a.baselineCatchRate, sigma);
  const effect = solveLogit(target1, sigma) - intercept;
  const taskIds = Array.from({ length: design.tasks }, (_v, i) => `t${i}`);
  const evaluatorIds = Array.from({ length: design.evaluators }, (_v, i) => `e${i}`);
  const assignments = assignStudy({ tasks: taskIds, evaluators: evaluatorIds, conditions: conditions.map((c) => c.name), overlap: design.overlap, seed: 1 });
  const cIndex = new Map(conditions.map((c, i) => [c.name, i]));
  const N = assignments.length;
  const condition = Int32Array.from(assignments, (x) => cIndex.get(x.condition)!);
  const evaluator = Int32Array.from(assignments, (x) => Number(x.evaluator.slice(1)));
  const task = Int32Array.from(assignments, (x) => Number(x.task.slice(1)));
  const effects = conditions.map((c) => (c.policy === 'none' ? 0 : effect));
  const caught = new Float64Array(N);
  const u = new Float64Array(design.evaluators);
  const v = new Float64Array(design.tasks);
  let detected = 0;
  const widths: number[] = [];
  for (let r = 0; r < a.replicates; r++) {
    for (let e = 0; e < u.length; e++) u[e] = a.evaluatorSd * normal(random);
    for (let t = 0; t < v.length; t++) v[t] = a.taskSd * normal(random);
    for (let i = 0; i < N; i++) {
      const p = 1 / (1 + Math.exp(-(intercept + effects[condition[i]!]! + u[evaluator[i]!]! + v[task[i]!]!)));
      caught[i] = binomial(flawCounts[task[i]!]!, p, random);
    }
    const res = upliftFromCounts({ condition, evaluator, task, caught, evaluators: design.evaluators, tasks: design.tasks }, target, base);
    if (res.ci[0] !== null && res.ci[1] !== null) {
      if (res.ci[0] > 0) detected++;
      widths.push(res.ci[1] - res.ci[0]);
    }
  }
  widths.sort((x, y) => x - y);
  const mid = widths.length >> 1;
  return {
    ...design,
    power: detected / a.replicates,
    mean_ci_width: widths.length ? widths.reduce((s, x) => s + x, 0) / widths.length : null,
    median_ci_width: widths.length ? (widths.length % 2 ? widths[mid]! : (widths[mid - 1]! + widths[mid]!) / 2) : null,
    replicates: a.replicates,
  };
}

const EVALUATOR_STEPS = [3, 4, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64];

/** Most reviews (tasks × overlap) one simulated study may have: keeps a plan within seconds. */
export const MAX_PLAN_REVIEWS = 20_000;

/**
 * Plans a study over tasks with the given flaw counts: for all the tasks (and a half and a
 * quarter of them, when that leaves at least 20), the fewest evaluators from 3–64 whose simulated
 * studies reach the power wanted. `overlap` defaults to the number of conditions.
 */
export function planStudy(
  flawCounts: readonly number[],
  conditions: readonly { readonly name: string; readonly policy: string }[],
  assumptions: Partial<PlanAssumptions> = {},
  overlap = conditions.length,
): StudyPlan {
  const a: PlanAssumptions = { ...defaultPlanAssumptions, ...assumptions };
  if (!(a.uplift > 0)) throw new PlanInputError(`--uplift: expected a relative uplift > 0 (0.5 = +50%), not ${a.uplift}`);
  if (!(a.power > 0 && a.power < 1)) throw new PlanInputError(`--power: expected a share between 0 and 1, not ${a.power}`);
  if (!(a.evaluatorSd >= 0)) throw new PlanInputError(`--evaluator-sd: expected a number ≥ 0, not ${a.evaluatorSd}`);
  if (flawCounts.length === 0) throw new PlanInputError('no tasks to plan over: import tasks first, or give --tasks FILE');
  if (flawCounts.every((k) => k === 0)) throw new PlanInputError('no task has ground-truth flaws: caught per review is 0 whatever the design; add planted flaws');
  if (overlap < 1) throw new PlanInputError(`--overlap: expected a whole number ≥ 1, not ${overlap}`);
  // SECURITY: the plan runs in the back end (also for browser mode's API): bound its work.
  if (flawCounts.length * overlap > MAX_PLAN_REVIEWS) {
    throw new PlanInputError(
      `a plan simulates at most ${MAX_PLAN_REVIEWS.toLocaleString('en')} reviews per study (tasks × overlap); these ${flawCounts.length} tasks × overlap ${overlap} are more: give --tasks FILE with a representative subset`,
    );
  }
  const random = seededRandom(a.seed);
  const T = flawCounts.length;
  const taskCounts = [...new Set([T, Math.round(T / 2), Math.round(T / 4)])].filter((n) => n === T || n >= 20);
  const designs: PlanDesign[] = [];
  let recommended: PlanDesign | null = null;
  for (const tasks of taskCounts) {
    for (const evaluators of EVALUATOR_STEPS.filter((e) => e >= overlap)) {
      const d = simulateDesign(flawCounts.slice(0, tasks), conditions, { tasks, evaluators, overlap }, a, random);
      designs.push(d);
      if (d.power >= a.power) {
        if (!recommended || d.evaluators < recommended.evaluators || (d.evaluators === recommended.evaluators && d.tasks < recommended.tasks)) recommended = d;
        break;
      }
    }
  }
  return {
    assumptions: a,
    conditions: conditions.map((c) => ({ name: c.name, policy: c.policy })),
    designs,
    recommended,
    note: recommended ? null : `no design with up to ${EVALUATOR_STEPS.at(-1)} evaluators over these ${T} tasks reaches ${Math.round(a.power * 100)}% power: use more tasks with planted flaws, or plan for a larger uplift`,
  };
}
