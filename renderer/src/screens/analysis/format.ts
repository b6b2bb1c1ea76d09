import type { Figure } from '../../../../shared/metrics/compute.js';

/** How a figure is shown: a percentage, a plain number, seconds, or a signed relative change. */
export type FigureUnit = 'percent' | 'number' | 'seconds' | 'change' | 'alpha';

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
    case 'number':
      return x.toFixed(2);
  }
}

/** The CI of a figure as "lo – hi", or an empty string when there is none. */
export function formatCi(f: Figure, unit: FigureUnit): string {
  if (f.ci[0] === null || f.ci[1] === null) return '';
  return `${formatValue(f.ci[0], unit)} – ${formatValue(f.ci[1], unit)}`;
}
