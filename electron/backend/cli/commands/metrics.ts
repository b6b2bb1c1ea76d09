import { computeMetrics, MetricsInputError, type CiMethod, type Figure, type StudyMetrics } from '../../../../shared/metrics/compute.js';
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
const pp = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`);
const num = (x: number | null): string => (x === null ? '—' : x.toFixed(2));
const signed = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);
const num3 = (x: number | null): string => (x === null ? '—' : x.toFixed(3));
const signed3 = (x: number | null): string => (x === null ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`);
const ci = (f: Figure, fmt: (x: number | null) => string): string => {
  if (f.value === null) return `— (${f.reason ?? 'undefined'})`;
  if (f.ci[0] === null || f.ci[1] === null) return `${fmt(f.value)} (no interval: ${f.reason ?? 'none'})`;
  return `${fmt(f.value)} [${fmt(f.ci[0])}, ${fmt(f.ci[1])}]`;
};

/** A short human-readable table of the main figures, with the interval method and the warnings. */
export function metricsText(m: StudyMetrics): string {
  const i = m.intervals;
  const how =
    i.resamples === null
      ? `95% CIs: ${m.ci_method} (for evaluators and tasks in general; no resampling)`
      : `95% CIs: ${m.ci_method} (these evaluators; ${i.resamples} resamples of tasks, seed ${i.seed})`;
  const lines = [`Study ${m.study}: ${i.tasks} tasks, ${i.evaluators} evaluators. ${how}`];
  if (i.note) lines.push(`Note: ${i.note}`);
  lines.push(
    m.calibration.question === null
      ? `Calibration: off (${m.calibration.reason})`
      : `Calibration: answers to "${m.calibration.question}" (yes = flawed), scored against the ground truth: ${m.calibration.truth}; ${m.calibration.binning}`,
  );
  for (const w of m.warnings) lines.push(`Warning: ${w.message}`);
  for (const [name, c] of Object.entries(m.conditions)) {
    const b = c.catch_rate.basis;
    lines.push(
      '',
      `${name} (${c.policy}${name === m.baseline ? ', baseline' : ''}): ${c.reviews} reviews by ${c.reported_per_review.basis.evaluators} evaluators` +
        (b.flaws !== undefined ? `; ${b.flaws} flaws in them, ${b.flaws_auto_matchable} auto-matchable, ${b.flaws_adjudicated} adjudicated` : ''),
      `  reported per review   ${ci(c.reported_per_review, num)}`,
      `  caught per review     ${ci(c.caught_per_review, num)}`,
      `  catch rate            ${ci(c.catch_rate, pct)}`,
      `  critique accept rate  ${ci(c.critique_accept_rate, pct)}`,
      `  invalid accept rate   ${ci(c.invalid_accept_rate, pct)}`,
      `  valid reject rate     ${ci(c.valid_reject_rate, pct)}`,
      `  median active time    ${ci(c.median_active_seconds, num)} s`,
    );
    const k = c.calibration;
    if (k) {
      lines.push(
        `  answered              ${k.answered} reviews${k.unanswered > 0 ? ` (${k.unanswered} without an answer, left out)` : ''}`,
        `  accuracy              ${ci(k.accuracy, pct)}`,
        `  Brier score           ${ci(k.brier, num3)}`,
        `  ECE                   ${ci(k.ece, num3)}`,
        `  mean confidence       ${ci(k.mean_confidence, pct)}`,
        `  over-confidence       ${ci(k.overconfidence, pp)}`,
        `  reliability           ${k.reliability.map((b) => `${b.bin}: ${b.reviews === 0 ? '—' : `${pct(b.accuracy.value)} of ${b.reviews}`}`).join(', ')}`,
      );
    }
    const u = m.uplift[name];
    if (u) {
      lines.push(
        `  uplift reported       ${ci(u.reported, pct)}; difference ${ci(u.reported_diff, signed)} per review`,
        `  uplift caught         ${ci(u.caught, pct)}; difference ${ci(u.caught_diff, signed)} per review`,
        `  catch rate difference ${ci(u.catch_rate_diff, pp)}`,
      );
      const d = u.calibration;
      if (d) {
        lines.push(
          `  accuracy difference   ${ci(d.accuracy_diff, pp)}`,
          `  Brier difference      ${ci(d.brier_diff, signed3)}`,
          `  confidence difference ${ci(d.mean_confidence_diff, pp)}`,
          `  over-confidence diff. ${ci(d.overconfidence_diff, pp)}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `assay metrics`: a study's figures with bootstrap confidence intervals. */
export const metricsCommand: Command = {
  words: ['metrics'],
  summary: 'Compute a study\u2019s metrics with 95% CIs for evaluators and tasks in general (see docs/metrics.md)',
  usage: '--study NAME [--json] [--ci population|tasks] [--bootstrap B] [--seed S] [--baseline COND] [--db PATH]',
  options: {
    ...dbOption,
    ...jsonOption,
    study: { type: 'string' },
    ci: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    baseline: { type: 'string' },
  },
  run({ values }, io) {
    const study = values['study'] as string | undefined;
    if (!study) throw new UsageError('--study NAME is required');
    const bootstrap = wholeNumber(values['bootstrap'], '--bootstrap', 0);
    const ciText = values['ci'];
    if (ciText !== undefined && ciText !== 'population' && ciText !== 'tasks') throw new UsageError(`--ci: expected population or tasks, not "${String(ciText)}"`);
    const ciMethod = ciText as CiMethod | undefined;
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
          ...(ciMethod !== undefined ? { ci: ciMethod } : {}),
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
