import { computeMetrics, MetricsInputError, type Figure, type StudyMetrics } from '../../../../shared/metrics/compute.js';
import { loadStudyData } from '../../analysis/feed.js';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { InputError, UsageError, dbOption, type Command } from '../command.js';
import { jsonOption } from '../output.js';

function wholeNumber(value: unknown, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag}: expected a whole number ≥ ${min}, not "${String(value)}"`);
  return n;
}

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
const ci = (f: Figure, fmt: (x: number | null) => string): string =>
  f.ci[0] === null || f.ci[1] === null ? fmt(f.value) : `${fmt(f.value)} [${fmt(f.ci[0])}, ${fmt(f.ci[1])}]`;

/** A short human-readable table of the main figures. */
export function metricsText(m: StudyMetrics): string {
  const lines = [`Study ${m.study}: ${m.bootstrap.tasks} tasks, 95% CIs from ${m.bootstrap.resamples} bootstrap resamples of tasks (seed ${m.bootstrap.seed})`];
  for (const [name, c] of Object.entries(m.conditions)) {
    lines.push(
      '',
      `${name} (${c.policy}${name === m.baseline ? ', baseline' : ''}): ${c.reviews} reviews`,
      `  reported per review   ${ci(c.reported_per_review, num)}`,
      `  caught per review     ${ci(c.caught_per_review, num)}`,
      `  catch rate            ${ci(c.catch_rate, pct)}`,
      `  critique accept rate  ${ci(c.critique_accept_rate, pct)}`,
      `  invalid accept rate   ${ci(c.invalid_accept_rate, pct)}`,
      `  valid reject rate     ${ci(c.valid_reject_rate, pct)}`,
      `  median active time    ${ci(c.median_active_seconds, num)} s`,
    );
    const u = m.uplift[name];
    if (u) lines.push(`  uplift reported       ${ci(u.reported, pct)}`, `  uplift caught         ${ci(u.caught, pct)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `assay metrics`: a study's figures with bootstrap confidence intervals. */
export const metricsCommand: Command = {
  words: ['metrics'],
  summary: 'Compute a study\u2019s metrics with 95% bootstrap CIs (see docs/metrics.md)',
  usage: '--study NAME [--json] [--bootstrap B] [--seed S] [--baseline COND] [--db PATH]',
  options: {
    ...dbOption,
    ...jsonOption,
    study: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    baseline: { type: 'string' },
  },
  run({ values }, io) {
    const study = values['study'] as string | undefined;
    if (!study) throw new UsageError('--study NAME is required');
    const bootstrap = wholeNumber(values['bootstrap'], '--bootstrap', 0);
    const seedText = values['seed'];
    const seed = seedText === undefined ? undefined : Number(seedText);
    if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed: expected an integer, not "${String(seedText)}"`);
    const dbPath = resolveDbPath(values['db'] as string | undefined, io.env);
    const db = openDatabase(dbPath);
    try {
      const { data } = loadStudyData(db, study);
      let metrics: StudyMetrics;
      try {
        metrics = computeMetrics(data, {
          ...(bootstrap !== undefined ? { bootstrap } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(values['baseline'] !== undefined ? { baseline: values['baseline'] as string } : {}),
        });
      } catch (err) {
        if (err instanceof MetricsInputError) throw new InputError(err.message);
        throw err;
      }
      io.stdout(values['json'] ? `${JSON.stringify(metrics, null, 2)}\n` : metricsText(metrics));
      return 0;
    } finally {
      db.close();
    }
  },
};
