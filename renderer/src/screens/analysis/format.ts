import type { Figure } from '../../../../shared/metrics/compute.js';

/** How a figure is shown: a percentage, a plain number, seconds, or a signed relative change. */
export type FigureUnit = 'percent' | 'number' | 'seconds' | 'change' | 'alpha' | 'points' | 'signed' | 'brier' | 'signed3';

/** One value in a unit; an em dash for null (undefined figures, zero denominators). */
export function formatValue(x: number | null, unit: FigureUnit): string {
  if (x === null || !Number.isFinite(x)) return '—';
  switch (unit) {
    case 'percent':
      return `${(x * 100).toFixed(1)}%`;
    case 'change':
      return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)}%`;
    case 'seconds':
      return x >= 100 ? `${Math.round(x)} s` : `${x.toFixed(1)} s`;
    case 'alpha':
      return x.toFixed(3);
    case 'points':
      return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)} pp`;
    case 'signed':
      return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
    case 'brier':
      return x.toFixed(3);
    case 'signed3':
      return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
    case 'number':
      return x.toFixed(2);
  }
}

/** The CI of a figure as "lo – hi", or "no interval" when there is none (the reason says why). */
export function formatCi(f: Figure, unit: FigureUnit): string {
  if (f.value === null) return '';
  if (f.ci[0] === null || f.ci[1] === null) return 'no interval';
  return `${formatValue(f.ci[0], unit)} – ${formatValue(f.ci[1], unit)}`;
}

/** What a figure rests on, for its tooltip: reviews, evaluators, tasks, flaws, df or resamples. */
export function formatBasis(f: Figure): string {
  const b = f.basis;
  const parts = [`${b.reviews} reviews by ${b.evaluators} evaluators of ${b.tasks} tasks`];
  if (b.flaws !== undefined) parts.push(`${b.flaws} flaws: ${b.flaws_auto_matchable} auto-matchable, ${b.flaws_adjudicated} adjudicated`);
  if (b.df !== null) parts.push(`t with ${b.df.toFixed(1)} df`);
  if (b.resamples !== null) parts.push(`defined in ${b.resamples} resamples`);
  return parts.join('; ');
}
