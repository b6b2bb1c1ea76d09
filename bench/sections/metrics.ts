import { computeMetrics } from '../../shared/metrics/compute.js';
import { seededRandom } from '../../shared/metrics/prng.js';
import type { MetricReview, MetricTask, StudyData } from '../../shared/metrics/types.js';
import type { BenchSection } from '../section.js';

/** A synthetic study: `tasks` tasks (4 critiques, 2 flaws each), `reviews` reviews over 3 conditions. */
export function syntheticStudy(taskCount: number, reviewCount: number, seed = 7): StudyData {
  const random = seededRandom(seed);
  const span = (s: number) => ({ start: s, end: s + 5, lines: [1, 1] as const, side: 'output' as const });
  const tasks: MetricTask[] = Array.from({ length: taskCount }, (_, i) => ({
    id: `t${i}`,
    kind: 'summary',
    critiques: [0, 1, 2, 3].map((j) => ({ id: `c${j}`, valid: j !== 3 })),
    flaws: [
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
    };
  });
  return { study: 'bench', conditions, tasks, reviews, adjudications: [] };
}

/** The metrics engine: 10,000 reviews over 2,000 tasks with 2,000 bootstrap resamples. */
export const metricsSection: BenchSection = {
  name: 'metrics',
  run() {
    const data = syntheticStudy(2000, 10_000);
    computeMetrics(data, { bootstrap: 50 }); // warm up the JIT
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      computeMetrics(data, { bootstrap: 2000, seed: i + 1 });
      times.push(performance.now() - started);
    }
    const best = Math.min(...times);
    return Promise.resolve([
      { name: 'metrics, 10k reviews / 2k tasks / 2,000 resamples', value: best / 1000, unit: 's', goal: '≤ 1 s', pass: best <= 1000 },
    ]);
  },
};
