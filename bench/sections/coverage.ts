// `npm run bench -- coverage`: how often the 95% intervals cover the true population value, in a
// generative model with a known truth (shared/metrics/simulate.ts). Fresh evaluators and tasks
// every replicate; the real assignment (shared/study/assign.ts) and the real metrics engine, in
// process (test/backend/analysis/coverage-pipeline.test.ts shows that this path gives the same
// numbers as import → study create → results import → metrics).
import { computeMetrics, type CiMethod, type Figure, type StudyMetrics } from '../../shared/metrics/compute.js';
import { metricTaskFromInput } from '../../shared/metrics/from-task.js';
import { seededRandom, type Random } from '../../shared/metrics/prng.js';
import { outcomeReview, simTruth, simulatedTasks, simulateOutcomes, solveLogit, type SimModel, type SimOutcome } from '../../shared/metrics/simulate.js';
import type { StudyData } from '../../shared/metrics/types.js';
import { assignStudy, type Assignment } from '../../shared/study/assign.js';
import type { TaskInput } from '../../shared/task-format.js';
import type { BenchFigure, BenchSection } from '../section.js';

/** One setting of the coverage table. */
export interface CoverageSetting {
  readonly name: string;
  readonly tasks: number;
  readonly evaluators: number;
  readonly overlap: number;
  /** Condition names; the first is unassisted (policy none), the others show every critique. */
  readonly conditions: readonly string[];
  readonly evaluatorSd: number;
  readonly taskSd: number;
}

/** The model of a setting: 27% caught unassisted, 45% with critiques (Saunders et al.), a weaker third arm. */
export function settingModel(s: CoverageSetting): SimModel {
  const sigma = Math.hypot(s.evaluatorSd, s.taskSd);
  const a = solveLogit(0.27, sigma);
  const b = solveLogit(0.45, sigma) - a;
  return {
    intercept: a,
    evaluatorSd: s.evaluatorSd,
    taskSd: s.taskSd,
    conditions: s.conditions.map((name, i) => ({ name, effect: i === 0 ? 0 : i === 1 ? b : b / 2, assisted: i > 0, falseReport: i === 0 ? 0.2 : 0.3 })),
  };
}

/** One simulated study: the task packages, the assignment, what the evaluators did, and the engine's input. */
export interface SimulatedStudy {
  readonly packages: readonly TaskInput[];
  readonly evaluators: readonly string[];
  readonly assignments: readonly Assignment[];
  readonly outcomes: readonly SimOutcome[];
  readonly assisted: ReadonlyMap<string, boolean>;
  readonly data: StudyData;
}

/** One simulated study as the engine's input. */
export function simulateStudy(s: CoverageSetting, random: Random, seed: number): StudyData {
  return simulateStudyFull(s, random, seed).data;
}

/** One simulated study with everything needed to replay it through the real import path. */
export function simulateStudyFull(s: CoverageSetting, random: Random, seed: number): SimulatedStudy {
  const model = settingModel(s);
  const packages = simulatedTasks(s.tasks, random);
  const evaluators = Array.from({ length: s.evaluators }, (_v, i) => `ev${String(i + 1).padStart(2, '0')}`);
  const assignments = assignStudy({ tasks: packages.map((t) => t.id), evaluators, conditions: s.conditions, overlap: s.overlap, seed });
  const flaws = new Map(packages.map((t) => [t.id, (t.flaws ?? []).length]));
  const outcomes = simulateOutcomes(model, assignments, flaws, random);
  const byId = new Map(packages.map((t) => [t.id, t]));
  const assisted = new Map(model.conditions.map((c) => [c.name, c.assisted]));
  const data: StudyData = {
    study: 'coverage',
    conditions: s.conditions.map((name, i) => ({ name, policy: i === 0 ? 'none' : 'all' })),
    tasks: packages.map(metricTaskFromInput),
    reviews: outcomes.map((o, i) => outcomeReview(o, byId.get(o.task)!, assisted.get(o.condition)!, `r${i}`)),
    adjudications: [],
  };
  return { packages, evaluators, assignments, outcomes, assisted, data };
}

/** The figures the table checks, with their truth in a setting. */
export function checkedFigures(s: CoverageSetting): { readonly key: string; readonly truth: number; readonly pick: (m: StudyMetrics) => Figure }[] {
  const truth = simTruth(settingModel(s), 1.5); // flaws uniform on 0–3
  const [u, a] = [s.conditions[0]!, s.conditions[1]!];
  return [
    { key: `catch_rate ${u}`, truth: truth.catch_rate[0]!, pick: (m) => m.conditions[u]!.catch_rate },
    { key: `catch_rate ${a}`, truth: truth.catch_rate[1]!, pick: (m) => m.conditions[a]!.catch_rate },
    { key: `caught/review ${u}`, truth: truth.caught_per_review[0]!, pick: (m) => m.conditions[u]!.caught_per_review },
    { key: `caught/review ${a}`, truth: truth.caught_per_review[1]!, pick: (m) => m.conditions[a]!.caught_per_review },
    { key: `reported/review ${a}`, truth: truth.reported_per_review[1]!, pick: (m) => m.conditions[a]!.reported_per_review },
    { key: 'uplift caught', truth: truth.caught_per_review[1]! / truth.caught_per_review[0]! - 1, pick: (m) => m.uplift[a]!.caught },
    { key: 'uplift reported', truth: truth.reported_per_review[1]! / truth.reported_per_review[0]! - 1, pick: (m) => m.uplift[a]!.reported },
    { key: 'caught_diff', truth: truth.caught_per_review[1]! - truth.caught_per_review[0]!, pick: (m) => m.uplift[a]!.caught_diff },
    { key: 'catch_rate_diff', truth: truth.catch_rate[1]! - truth.catch_rate[0]!, pick: (m) => m.uplift[a]!.catch_rate_diff },
  ];
}

/** The settings of the table in docs/metrics.md. */
export const coverageSettings: readonly CoverageSetting[] = [
  { name: 'skill equal (σ=0), 6 evaluators, 2 conditions, overlap 2', tasks: 80, evaluators: 6, overlap: 2, conditions: ['unassisted', 'assisted'], evaluatorSd: 0, taskSd: 0.5 },
  { name: 'σ=0.8, 6 evaluators, 2 conditions, overlap 2', tasks: 80, evaluators: 6, overlap: 2, conditions: ['unassisted', 'assisted'], evaluatorSd: 0.8, taskSd: 0.5 },
  { name: 'σ=0.8, 20 evaluators, 2 conditions, overlap 2', tasks: 80, evaluators: 20, overlap: 2, conditions: ['unassisted', 'assisted'], evaluatorSd: 0.8, taskSd: 0.5 },
  { name: 'skill equal (σ=0), 20 evaluators, 2 conditions, overlap 2', tasks: 80, evaluators: 20, overlap: 2, conditions: ['unassisted', 'assisted'], evaluatorSd: 0, taskSd: 0.5 },
  { name: 'σ=0.8, 6 evaluators, 2 conditions, overlap 4', tasks: 80, evaluators: 6, overlap: 4, conditions: ['unassisted', 'assisted'], evaluatorSd: 0.8, taskSd: 0.5 },
  { name: 'σ=0.8, 9 evaluators, 3 conditions, overlap 3', tasks: 80, evaluators: 9, overlap: 3, conditions: ['unassisted', 'assisted', 'half'], evaluatorSd: 0.8, taskSd: 0.5 },
];

/** Coverage and mean width of each figure over `replicates` replicates of a setting, for one CI method. */
export interface CoverageResult {
  readonly key: string;
  readonly covered: number;
  /** Replicates in which the figure had an interval. */
  readonly defined: number;
  readonly meanWidth: number;
  /** Mean width over the replicates that every method ran (the first `tasksReplicates`), for width ratios. */
  readonly sharedMeanWidth: number;
}

/**
 * Runs `replicates` replicates of a setting (seeded) under each method; the task bootstrap
 * (B = `bootstrap`) only on the first `tasksReplicates` of them (it is the slow one).
 */
export function runCoverage(
  s: CoverageSetting,
  replicates: number,
  seed: number,
  methods: readonly CiMethod[],
  bootstrap = 500,
  tasksReplicates = replicates,
): Record<CiMethod, CoverageResult[]> {
  const figures = checkedFigures(s);
  const acc = Object.fromEntries(
    methods.map((m) => [m, figures.map((f) => ({ key: f.key, covered: 0, defined: 0, width: 0, sharedWidth: 0, sharedDefined: 0 }))]),
  ) as Record<CiMethod, { key: string; covered: number; defined: number; width: number; sharedWidth: number; sharedDefined: number }[]>;
  const shared = methods.includes('tasks') ? Math.min(replicates, tasksReplicates) : replicates;
  const random = seededRandom(seed);
  for (let r = 0; r < replicates; r++) {
    const data = simulateStudy(s, random, (seed * 7919 + r) >>> 0);
    for (const method of methods) {
      if (method === 'tasks' && r >= tasksReplicates) continue;
      const m = computeMetrics(data, { ci: method, ...(method === 'tasks' ? { bootstrap, seed: r + 1 } : {}) });
      figures.forEach((f, i) => {
        const fig = f.pick(m);
        if (fig.ci[0] === null || fig.ci[1] === null) return;
        const row = acc[method][i]!;
        row.defined++;
        if (fig.ci[0] <= f.truth && f.truth <= fig.ci[1]) row.covered++;
        row.width += fig.ci[1] - fig.ci[0];
        if (r < shared) {
          row.sharedDefined++;
          row.sharedWidth += fig.ci[1] - fig.ci[0];
        }
      });
    }
  }
  return Object.fromEntries(
    methods.map((m) => [
      m,
      acc[m].map((x) => ({
        key: x.key,
        covered: x.covered,
        defined: x.defined,
        meanWidth: x.defined ? x.width / x.defined : NaN,
        sharedMeanWidth: x.sharedDefined ? x.sharedWidth / x.sharedDefined : NaN,
      })),
    ]),
  ) as Record<CiMethod, CoverageResult[]>;
}

const REPLICATES = Number(process.env['ASSAY_BENCH_COVERAGE_REPLICATES'] ?? 2000);
const TASKS_REPLICATES = Number(process.env['ASSAY_BENCH_COVERAGE_TASKS_REPLICATES'] ?? 600);
const BOOTSTRAP = 500;

/** A setting's column header in the tables of docs/metrics.md. */
function shortName(s: CoverageSetting): string {
  return `σ=${s.evaluatorSd}, ${s.evaluators} ev., ${s.conditions.length} cond., overlap ${s.overlap}`;
}

/** The coverage section: the two tables of docs/metrics.md, as Markdown, and a pass/fail figure per cell. */
export const coverageSection: BenchSection = {
  name: 'coverage',
  run() {
    const started = performance.now();
    const results = coverageSettings.map((s, si) => {
      const t0 = performance.now();
      const r = runCoverage(s, REPLICATES, 1000 + si, ['population', 'tasks'], BOOTSTRAP, TASKS_REPLICATES);
      process.stderr.write(`coverage: ${s.name}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      return r;
    });
    const seconds = (performance.now() - started) / 1000;
    const keys = checkedFigures(coverageSettings[0]!).map((f) => f.key);
    const header = `| figure | ${coverageSettings.map(shortName).join(' | ')} |`;
    const rule = `| --- |${coverageSettings.map(() => ' --- |').join('')}`;
    const figures: BenchFigure[] = [];
    const pop: string[] = [header, rule];
    const tasks: string[] = [header, rule];
    keys.forEach((key, i) => {
      const cells = results.map((r, si) => {
        const x = r.population[i]!;
        const c = x.covered / Math.max(1, x.defined);
        const se = Math.sqrt((c * (1 - c)) / Math.max(1, x.defined));
        const inBand = c >= 0.93 && c <= 0.97;
        figures.push({ name: `coverage ${key}; ${coverageSettings[si]!.name}`, value: c, unit: '', goal: '0.93–0.97', pass: inBand });
        const text = `${c.toFixed(3)} ± ${se.toFixed(3)}${x.defined < REPLICATES ? ` (${x.defined} defined)` : ''}`;
        return inBand ? text : `**${text}**`;
      });
      pop.push(`| ${key} | ${cells.join(' | ')} |`);
      tasks.push(
        `| ${key} | ${results
          .map((r) => {
            const t = r.tasks[i]!;
            const p = r.population[i]!;
            return `${(t.covered / Math.max(1, t.defined)).toFixed(3)} (×${(p.sharedMeanWidth / t.sharedMeanWidth).toFixed(2)})`;
          })
          .join(' | ')} |`,
      );
    });
    process.stdout.write(
      [
        '',
        `Population intervals (the default): coverage ± Monte-Carlo SE of the 95% interval, ${REPLICATES} replicates per setting, 80 tasks; σ = SD of evaluators' skill on the logit scale. In bold: outside 0.93–0.97.`,
        '',
        ...pop,
        '',
        `The task bootstrap (\`--ci tasks\`, B = ${BOOTSTRAP}) on the first ${TASKS_REPLICATES} replicates: coverage, and the mean width of the population interval relative to it on those replicates.`,
        '',
        ...tasks,
        '',
        `(${seconds.toFixed(0)} s)`,
        '',
      ].join('\n'),
    );
    figures.push({ name: 'coverage simulation run time', value: seconds, unit: 's' });
    return Promise.resolve(figures);
  },
};
