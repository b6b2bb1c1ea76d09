import { matchReview } from '../metrics/matching.js';
import type { MetricFlaw, MetricReview } from '../metrics/types.js';
import { formatOperatingPoint, parseOperatingPoint, selectAtPoint, type OperatingPoint, type PolicyCritique } from '../policy.js';

// The precision–comprehensiveness curve of a critic: for each operating point, what the critiques
// it shows would point out of the ground truth. "Points out" is the metrics' "caught" (shared/
// metrics/matching.ts), as if an evaluator accepted every shown critique: a flaw is pointed out by
// a critique its `critiques` list names, or by a critique whose anchor overlaps the flaw's anchor —
// the rule an evaluator's own flaws are matched by (generated critiques are never listed in flaws).

/** A task as the sweep needs it. */
export interface SweepTask {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly flaws: readonly MetricFlaw[];
  readonly critiques: readonly PolicyCritique[];
  /** The sample indices stored for the critic (empty lists included). */
  readonly samples: readonly number[];
}

/** One operating point's figures over the tasks that have ground-truth flaws and the critic's samples. */
export interface SweepRow {
  /** The point's canonical text (`all`, `anchored+top-3`, `lambda-0.5`, …). */
  readonly point: string;
  readonly tasks: number;
  readonly flaws: number;
  /** Flaws pointed out by at least one shown critique. */
  readonly pointedOut: number;
  /** pointedOut / flaws; null without flaws. */
  readonly flawShare: number | null;
  readonly shown: number;
  /** Shown critiques that point out no flaw. */
  readonly unmatched: number;
  /** unmatched / shown; null when nothing is shown. */
  readonly unmatchedShare: number | null;
  /** shown / tasks; null without tasks. */
  readonly perTask: number | null;
}

/** The points a sweep uses when none are given. */
export const defaultSweepPoints: readonly string[] = [
  'all',
  'anchored',
  'top-1',
  'top-3',
  'anchored+top-3',
  'min-0.5',
  'min-0.8',
  'lambda-0',
  'lambda-0.1',
  'lambda-0.5',
  'anchored+lambda-0.5',
];

/** Parses a `--points` list (`top-1,lambda-0.5,anchored+min-0.7`); throws naming the bad entry. */
export function parseSweepPoints(text: string): OperatingPoint[] {
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (entries.length === 0) throw new Error('--points: name at least one operating point (e.g. top-3,lambda-0.5)');
  return entries.map((entry) => {
    try {
      return parseOperatingPoint(entry.split('+'), entry);
    } catch (err) {
      throw new Error(`--points: ${(err as Error).message.replace(/^Unknown critique policy /, 'unknown operating point ')}`);
    }
  });
}

/** The shown critiques of one task at one point, and what they point out. */
export function sweepTask(task: SweepTask, critic: string, point: OperatingPoint): { shown: number; pointedOut: number; unmatched: number } {
  const shown = selectAtPoint(task.critiques, critic, point, { kind: task.kind, samples: task.samples });
  const review: MetricReview = {
    id: 'sweep',
    task: task.id,
    evaluator: 'sweep',
    condition: 'sweep',
    shown: shown.map((c) => c.id),
    decisions: shown.map((c) => ({ critique: c.id, verdict: 'accept' as const })),
    added: shown.filter((c) => c.range).map((c) => ({ id: c.id, anchor: c.range! })),
    rating: null,
    activeSeconds: null,
    position: null,
    skipped: false,
    submitted: true,
  };
  const matching = matchReview({ id: task.id, kind: task.kind, critiques: [], flaws: task.flaws }, review, []);
  const counted = new Set(matching.matches.filter((m) => m.counted).map((m) => m.report.id));
  return { shown: shown.length, pointedOut: matching.caught.length, unmatched: shown.filter((c) => !counted.has(c.id)).length };
}

/** The sweep over the tasks with ground-truth flaws and at least one sample of `critic`. */
export function sweepCritic(tasks: readonly SweepTask[], critic: string, points: readonly OperatingPoint[]): SweepRow[] {
  const used = tasks.filter((t) => t.flaws.length > 0 && t.samples.length > 0);
  const flaws = used.reduce((n, t) => n + t.flaws.length, 0);
  return points.map((point) => {
    let pointedOut = 0;
    let shown = 0;
    let unmatched = 0;
    for (const t of used) {
      const r = sweepTask(t, critic, point);
      pointedOut += r.pointedOut;
      shown += r.shown;
      unmatched += r.unmatched;
    }
    return {
      point: formatOperatingPoint(point),
      tasks: used.length,
      flaws,
      pointedOut,
      flawShare: flaws > 0 ? pointedOut / flaws : null,
      shown,
      unmatched,
      unmatchedShare: shown > 0 ? unmatched / shown : null,
      perTask: used.length > 0 ? shown / used.length : null,
    };
  });
}
