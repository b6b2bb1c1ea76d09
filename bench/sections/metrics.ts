import { computeMetrics } from '../../shared/metrics/compute.js';
import { planStudy } from '../../shared/metrics/plan.js';
import { seededRandom } from '../../shared/metrics/prng.js';
import type { MetricReview, MetricTask, StudyData } from '../../shared/metrics/types.js';
import type { BenchSection } from '../section.js';

/**
 * A synthetic study: `tasks` tasks (4 critiques, 2 flaws each; with `question`, every third task
 * clean), `reviews` reviews over 3 conditions; with `question`, every review answers it.
 */
export function syntheticStudy(taskCount: number, reviewCount: number, seed = 7, question: string | null = null): StudyData {
  const random = seededRandom(seed);
  const span = (s: number) => ({ start: s, end: s + 5, lines: [1, 1] as const, side: 'output' as const });
  const tasks: MetricTask[] = Array.from({ length: taskCount }, (_, i) => ({
    id: `t${i}`,
    kind: 'summary',
    critiques: [0, 1, 2, 3].map((j) => ({ id: `c${j}`, valid: j !== 3 })),
    flaws:
      question !== null && i % 3 === 2
        ? []
        : [
            { id: 'f0', anchor: span(10), severity: 'major', category: 'accuracy', critiques: ['c0'] },
            { id: 'f1', anchor: span(40), severity: 'minor', category: 'coverage', critiques: ['c1'] },
          ],
  }));
  const conditions = [
    { name: 'unassisted', policy: 'none' },
    { name: 'assisted', policy: 'all' },
    { name: 'top2', policy: 'top-2' },
  ];
  const reviews: MetricReview[] = Array.from({ length: reviewCount }, (_, i) => {
    const task = tasks[i % taskCount]!;
    const condition = conditions[i % 3]!.name;
    const shown = condition === 'unassisted' ? [] : condition === 'top2' ? ['c0', 'c1'] : ['c0', 'c1', 'c2', 'c3'];
    return {
      id: `r${i}`,
      task: task.id,
      evaluator: `e${i % 20}`,
      condition,
      shown,
      decisions: shown.map((c) => ({ critique: c, verdict: random() < 0.6 ? ('accept' as const) : ('reject' as const) })),
      added: random() < 0.5 ? [{ id: 'a0', anchor: span(Math.floor(random() * 50)) }] : [],
      rating: 1 + Math.floor(random() * 7),
      activeSeconds: Math.round(30 + random() * 300),
      position: 1 + Math.floor(i / 20),
      skipped: false,
      submitted: true,
      ...(question !== null ? { answer: random() < 0.6, confidence: 50 + 5 * Math.floor(random() * 11) } : {}),
    };
  });
  return { study: 'bench', question, conditions, tasks, reviews, adjudications: [] };
}

function best(run: (i: number) => void): number {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run(i);
    times.push(performance.now() - started);
  }
  return Math.min(...times);
}

/**
 * The metrics engine on 10,000 reviews over 2,000 tasks: the default population intervals (closed
 * form; `--bootstrap 2000` is passed and not used) and the task bootstrap with 2,000 resamples;
 * and `assay study plan` for a 1,000-task design.
 */
export const metricsSection: BenchSection = {
  name: 'metrics',
  run() {
    const data = syntheticStudy(2000, 10_000);
    computeMetrics(data, { ci: 'tasks', bootstrap: 50 }); // warm up the JIT
    computeMetrics(data);
    const population = best((i) => computeMetrics(data, { bootstrap: 2000, seed: i + 1 }));
    const tasks = best((i) => computeMetrics(data, { ci: 'tasks', bootstrap: 2000, seed: i + 1 }));
    // the same with the yes/no question answered in every review: the calibration figures on top
    const asked = syntheticStudy(2000, 10_000, 7, 'Does the output contain a serious flaw?');
    computeMetrics(asked, { ci: 'tasks', bootstrap: 50 });
    const askedPopulation = best((i) => computeMetrics(asked, { bootstrap: 2000, seed: i + 1 }));
    const askedTasks = best((i) => computeMetrics(asked, { ci: 'tasks', bootstrap: 2000, seed: i + 1 }));
    const flaws = Array.from({ length: 1000 }, (_v, i) => i % 4);
    const conditions = [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ];
    // the slowest plan: a small uplift that no design up to 64 evaluators detects on fewer tasks
    const plan = best(() => planStudy(flaws, conditions, { uplift: 0.2 }));
    return Promise.resolve([
      { name: 'metrics, 10k reviews / 2k tasks, population intervals (--bootstrap 2000 unused)', value: population / 1000, unit: 's', goal: '≤ 1 s', pass: population <= 1000 },
      { name: 'metrics, 10k reviews / 2k tasks, --ci tasks with 2,000 resamples', value: tasks / 1000, unit: 's', goal: '≤ 1 s', pass: tasks <= 1000 },
      { name: 'metrics with calibration (every review answers the question), population intervals', value: askedPopulation / 1000, unit: 's', goal: '≤ 1 s', pass: askedPopulation <= 1000 },
      { name: 'metrics with calibration, --ci tasks with 2,000 resamples', value: askedTasks / 1000, unit: 's', goal: '≤ 1 s', pass: askedTasks <= 1000 },
      { name: 'study plan, 1,000 tasks, uplift 0.2 (every design tried)', value: plan / 1000, unit: 's', goal: '≤ 10 s', pass: plan <= 10_000 },
    ]);
  },
};
