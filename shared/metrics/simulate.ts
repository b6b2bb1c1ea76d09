// A generative model of a study with a known truth, for the coverage simulation (bench and tests)
// and for `assay study plan`: logit P(evaluator i catches a flaw of task j under condition c) =
// a + b_c + u_i + v_j, u ~ N(0, σ_E²) fresh evaluators, v ~ N(0, σ_T²) fresh tasks; each task has
// 0–3 planted flaws; assisted conditions show one valid critique per flaw and one decoy.
import type { Assignment } from '../study/assign.js';
import { taskTexts, type TaskInput } from '../task-format.js';
import type { Random } from './prng.js';
import type { MetricReview } from './types.js';
import { metricAnchor } from './from-task.js';

/** The model's parameters. */
export interface SimModel {
  /** Intercept a (logit scale) of the catch probability. */
  readonly intercept: number;
  /** Per condition: the logit effect b_c (0 for unassisted) and whether it shows critiques. */
  readonly conditions: readonly { readonly name: string; readonly effect: number; readonly assisted: boolean; readonly falseReport: number }[];
  readonly evaluatorSd: number;
  readonly taskSd: number;
}

/** A standard normal draw (Box–Muller). */
export function normal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** E[expit(μ + σZ)], Z ~ N(0, 1), by Simpson's rule on ±9σ (error < 1e-10 here). */
export function meanExpit(mu: number, sigma: number): number {
  if (sigma === 0) return expit(mu);
  const n = 720;
  const h = 18 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = -9 + i * h;
    const f = expit(mu + sigma * z) * Math.exp(-0.5 * z * z);
    s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * f;
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

/** The logit-scale μ with E[expit(μ + σZ)] = p (bisection). */
export function solveLogit(p: number, sigma: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a catch probability must be in (0, 1), not ${p}`);
  let lo = -30;
  let hi = 30;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (meanExpit(mid, sigma) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The population values of the figures the simulation checks, per condition and against the first. */
export interface SimTruth {
  readonly catch_rate: readonly number[];
  readonly caught_per_review: readonly number[];
  readonly reported_per_review: readonly number[];
}

/** The truth of the model for tasks whose flaw count has mean `meanFlaws`. */
export function simTruth(model: SimModel, meanFlaws: number): SimTruth {
  const sigma = Math.hypot(model.evaluatorSd, model.taskSd);
  const p = model.conditions.map((c) => meanExpit(model.intercept + c.effect, sigma));
  return {
    catch_rate: p,
    caught_per_review: p.map((x) => meanFlaws * x),
    reported_per_review: p.map((x, i) => meanFlaws * x + model.conditions[i]!.falseReport),
  };
}

const places = ['The council', 'The regional board', 'The hospital trust', 'The port authority', 'The university', 'The water company', 'The museum', 'The rail operator'];
const actions = ['approved a new budget', 'closed two offices', 'hired forty staff', 'delayed the vote', 'raised its fees', 'opened a depot', 'cut its forecast', 'signed a contract'];

/**
 * `n` CLIFF-like summary tasks written for the simulation: a few sentences, 0–3 of them planted
 * flaws (anchored by quote, each described by one valid critique), and a decoy critique.
 * `flawCounts[i]` fixes task i's flaws (default: uniform on 0–3).
 */
export function simulatedTasks(n: number, random: Random, prefix = 'sim', flawCounts?: readonly number[]): TaskInput[] {
  return Array.from({ length: n }, (_v, i) => {
    const k = flawCounts?.[i] ?? Math.floor(random() * 4);
    const id = `${prefix}-${String(i + 1).padStart(4, '0')}`;
    const lead = `${places[i % places.length]} ${actions[(i * 3) % actions.length]} in ${1990 + (i % 30)} (item ${i + 1}).`;
    const flawSentences = Array.from({ length: k }, (_x, f) => `Claim ${f + 1} of item ${i + 1}: the figure was ${10 + f * 7 + (i % 13)} percent.`);
    const tail = `Officials said more details would follow for item ${i + 1}.`;
    const output = [lead, ...flawSentences, tail].join(' ');
    return {
      id,
      kind: 'summary',
      title: `Simulated summary ${i + 1}`,
      output,
      context: { document: `Source report for item ${i + 1}. Every figure in it differs from the summary's claims.`, query: 'What happened?' },
      critiques: [
        ...flawSentences.map((s, f) => ({ id: `c${f + 1}`, text: `Claim ${f + 1} is not supported by the source.`, valid: true, anchor: { quote: s } })),
        { id: 'd1', text: `The year is wrong.`, valid: false },
      ],
      flaws: flawSentences.map((s, f) => ({ id: `f${f + 1}`, description: `Unsupported claim ${f + 1}`, anchor: { quote: s }, critiques: [`c${f + 1}`] })),
    } as TaskInput;
  });
}

/** What a simulated evaluator did in one review. */
export interface SimOutcome {
  readonly task: string;
  readonly evaluator: string;
  readonly condition: string;
  readonly position: number;
  /** Per planted flaw (in order): caught or not. */
  readonly caught: readonly boolean[];
  /** A false report: the decoy accepted (assisted) or an unanchored flaw added elsewhere (unassisted). */
  readonly falseReport: boolean;
  readonly rating: number;
  readonly activeSeconds: number;
}

/**
 * Draws fresh evaluator and task effects and every review's outcome for an assignment.
 * `flaws` gives each task's number of planted flaws.
 */
export function simulateOutcomes(model: SimModel, assignments: readonly Assignment[], flaws: ReadonlyMap<string, number>, random: Random): SimOutcome[] {
  const u = new Map<string, number>();
  const v = new Map<string, number>();
  const cond = new Map(model.conditions.map((c) => [c.name, c]));
  for (const a of assignments) {
    if (!u.has(a.evaluator)) u.set(a.evaluator, model.evaluatorSd * normal(random));
    if (!v.has(a.task)) v.set(a.task, model.taskSd * normal(random));
  }
  return assignments.map((a) => {
    const c = cond.get(a.condition);
    if (!c) throw new Error(`simulateOutcomes: no condition "${a.condition}" in the model`);
    const p = expit(model.intercept + c.effect + u.get(a.evaluator)! + v.get(a.task)!);
    const k = flaws.get(a.task) ?? 0;
    const caught = Array.from({ length: k }, () => random() < p);
    return {
      task: a.task,
      evaluator: a.evaluator,
      condition: a.condition,
      position: a.position,
      caught,
      falseReport: random() < c.falseReport,
      rating: 1 + Math.floor(random() * 7),
      activeSeconds: 30 + Math.floor(random() * 300),
    };
  });
}

function decisionsAndAdded(o: SimOutcome, task: TaskInput, assisted: boolean) {
  const flaws = task.flaws ?? [];
  if (assisted) {
    return {
      shown: (task.critiques ?? []).map((c) => c.id),
      decisions: [
        ...flaws.map((f, i) => (o.caught[i] ? { critique: f.critiques![0]!, verdict: 'accept' as const } : { critique: f.critiques![0]!, verdict: 'reject' as const, reason: 'incorrect' as const })),
        o.falseReport ? { critique: 'd1', verdict: 'accept' as const } : { critique: 'd1', verdict: 'reject' as const, reason: 'incorrect' as const },
      ],
      added: [] as { id: string; description: string; anchor?: { quote: string } }[],
    };
  }
  const added: { id: string; description: string; anchor?: { quote: string } }[] = flaws.flatMap((f, i) =>
    o.caught[i] ? [{ id: `own${i + 1}`, description: `Found: ${f.description}`, anchor: f.anchor as { quote: string } }] : [],
  );
  if (o.falseReport) added.push({ id: 'own-false', description: 'The opening sentence seems off.' });
  return { shown: [] as string[], decisions: [] as { critique: string; verdict: 'accept' | 'reject'; reason?: 'incorrect' }[], added };
}

/** The outcome as a review record (JSON Lines for `assay results import`). */
export function outcomeRecord(o: SimOutcome, task: TaskInput, study: string, assisted: boolean, index: number): Record<string, unknown> {
  const { decisions, added } = decisionsAndAdded(o, task, assisted);
  const start = Date.UTC(2026, 0, 5, 9, 0, 0) + index * 600_000;
  return {
    task: o.task,
    evaluator: o.evaluator,
    study,
    condition: o.condition,
    started_at: new Date(start).toISOString(),
    submitted_at: new Date(start + o.activeSeconds * 1000).toISOString(),
    active_seconds: o.activeSeconds,
    rating: o.rating,
    skipped: null,
    decisions,
    added,
  };
}

/** The outcome as the metrics engine's review (what the database feed would give for its record). */
export function outcomeReview(o: SimOutcome, task: TaskInput, assisted: boolean, id: string): MetricReview {
  const { shown, decisions, added } = decisionsAndAdded(o, task, assisted);
  return {
    id,
    task: o.task,
    evaluator: o.evaluator,
    condition: o.condition,
    shown,
    decisions: decisions.map((d) => ({ critique: d.critique, verdict: d.verdict, reason: d.reason ?? null, edited: false })),
    added: added.map((a) => ({ id: a.id, anchor: metricAnchor(a.anchor, taskTexts(task)), description: a.description, severity: null, category: null })),
    rating: o.rating,
    activeSeconds: o.activeSeconds,
    position: o.position,
    skipped: false,
    submitted: true,
  };
}
