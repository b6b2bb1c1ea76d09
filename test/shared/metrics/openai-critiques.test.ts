import fs from 'node:fs';
import { expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { metricTaskFromInput } from '../../../shared/metrics/from-task.js';
import type { MetricReview, StudyData } from '../../../shared/metrics/types.js';
import type { TaskInput } from '../../../shared/task-format.js';
import { describeWithDatasets } from '../../helpers/datasets.js';

// Saunders et al. (2022), helpfulness test split: 1,776 of 5,507 model critiques marked helpful.
describeWithDatasets('openai-critiques with its `valid` labels as one evaluator’s verdicts', ['openai-critiques.jsonl'], (dataset) => {
  it('gives critique_accept_rate = 1776/5507', () => {
    const tasks = fs
      .readFileSync(dataset('openai-critiques.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      // Not TaskSchema.parse: one critique in the release has empty text, which the package format
      // refuses; the metrics only need ids and labels.
      .map((l) => metricTaskFromInput(JSON.parse(l) as TaskInput));
    const reviews: MetricReview[] = tasks.map((t, i) => ({
      id: `r${i}`,
      task: t.id,
      evaluator: 'labeler',
      condition: 'assisted',
      shown: t.critiques.map((c) => c.id),
      decisions: t.critiques.map((c) => ({ critique: c.id, verdict: c.valid ? ('accept' as const) : ('reject' as const) })),
      added: [],
      rating: null,
      activeSeconds: null,
      position: i + 1,
      skipped: false,
      submitted: true,
    }));
    const data: StudyData = { study: 'openai', conditions: [{ name: 'assisted', policy: 'all' }], tasks, reviews, adjudications: [] };
    // One "evaluator" (the labels): the task bootstrap, for these labels; the population interval
    // for evaluators in general needs three and says so.
    const m = computeMetrics(data, { ci: 'tasks', bootstrap: 200, seed: 1 });
    expect(computeMetrics(data).conditions['assisted']!.critique_accept_rate.reason).toMatch(/reviews by 1 evaluator: an interval for evaluators in general needs at least 3/);
    const c = m.conditions['assisted']!;
    expect(tasks.length).toBe(961);
    expect(c.reviews).toBe(961);
    expect(c.critique_accept_rate.value).toBe(1776 / 5507);
    expect(c.invalid_accept_rate.value).toBe(0);
    expect(c.valid_reject_rate.value).toBe(0);
    expect(c.fate).toMatchObject({ kept: 1776, rejected: 3731, undecided: 0 });
    const [lo, hi] = c.critique_accept_rate.ci;
    expect(lo!).toBeLessThan(1776 / 5507);
    expect(hi!).toBeGreaterThan(1776 / 5507);
  });
});
