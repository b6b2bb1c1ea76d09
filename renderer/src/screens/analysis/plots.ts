import * as Plot from '@observablehq/plot';
import type { StudyMetrics } from '../../../../shared/metrics/compute.js';

/** Plot defaults shared by every chart: inherit the theme's colours, tabular numbers. */
function base(width: number, height: number, conditions: readonly string[]): Plot.PlotOptions {
  return {
    width,
    height,
    marginLeft: 84,
    marginRight: 24,
    style: { background: 'transparent', color: 'currentColor', fontSize: '11px', fontVariantNumeric: 'tabular-nums' },
    color: { domain: [...conditions], scheme: 'observable10' },
  };
}

interface Interval {
  readonly condition: string;
  readonly measure: string;
  readonly value: number;
  readonly lo: number | null;
  readonly hi: number | null;
}

function intervalPlot(width: number, rows: readonly Interval[], conditions: readonly string[], xLabel: string, percent: boolean): Element | null {
  if (rows.length === 0) return null;
  const measures = [...new Set(rows.map((r) => r.measure))];
  const withCi = rows.filter((r) => r.lo !== null && r.hi !== null);
  return Plot.plot({
    ...base(width, 34 + measures.length * (conditions.length * 26 + 16), conditions),
    marginRight: 104,
    x: { label: xLabel, grid: true, zero: true, ...(percent ? { percent: true } : {}) },
    y: { label: null, domain: [...conditions] },
    fy: { label: null, domain: measures, padding: 0.15 },
    marks: [
      Plot.ruleX([0], { stroke: 'currentColor', strokeOpacity: 0.3 }),
      Plot.ruleY(withCi, { y: 'condition', fy: 'measure', x1: 'lo', x2: 'hi', stroke: 'condition', strokeWidth: 2.5 }),
      Plot.tickX(withCi, { y: 'condition', fy: 'measure', x: 'lo', stroke: 'condition' }),
      Plot.tickX(withCi, { y: 'condition', fy: 'measure', x: 'hi', stroke: 'condition' }),
      Plot.dot(rows, { x: 'value', y: 'condition', fy: 'measure', fill: 'condition', r: 4.5, stroke: 'var(--bg)', strokeWidth: 1 }),
    ],
  });
}

/** Flaws reported and caught per review, by condition, with 95% CIs. */
export function perReviewPlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions);
  const rows: Interval[] = [];
  for (const [condition, c] of Object.entries(m.conditions)) {
    for (const [measure, f] of [
      ['reported', c.reported_per_review],
      ['caught', c.caught_per_review],
    ] as const) {
      if (f.value !== null) rows.push({ condition, measure, value: f.value, lo: f.ci[0], hi: f.ci[1] });
    }
  }
  return intervalPlot(width, rows, conditions, 'flaws per review →', false);
}

/** Over-reliance: decoys accepted and valid critiques rejected, with 95% CIs. */
export function overReliancePlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions).filter((c) => m.conditions[c]!.critique_accept_rate.value !== null);
  const rows: Interval[] = [];
  for (const condition of conditions) {
    const c = m.conditions[condition]!;
    for (const [measure, f] of [
      ['decoys accepted', c.invalid_accept_rate],
      ['valid rejected', c.valid_reject_rate],
    ] as const) {
      if (f.value !== null) rows.push({ condition, measure, value: f.value, lo: f.ci[0], hi: f.ci[1] });
    }
  }
  return intervalPlot(width, rows, conditions, 'share of shown critiques (%) →', true);
}

/** Catch rate by flaw severity or category, per condition. */
export function catchByPlot(m: StudyMetrics, by: 'by_severity' | 'by_category', width: number): Element | null {
  const rows = m.breakdowns[by].filter((r) => r.catch_rate !== null);
  if (rows.length === 0) return null;
  const conditions = Object.keys(m.conditions);
  const groups = [...new Set(rows.map((r) => r.group))];
  return Plot.plot({
    ...base(width, 34 + groups.length * (conditions.length * 20 + 14), conditions),
    marginRight: 104,
    x: { label: 'catch rate (%) →', percent: true, domain: [0, 100], grid: true },
    y: { label: null, domain: conditions },
    fy: { label: null, domain: groups, padding: 0.15 },
    marks: [
      Plot.barX(rows, { x: 'catch_rate', y: 'condition', fy: 'group', fill: 'condition', insetTop: 2, insetBottom: 2 }),
      Plot.text(rows, { x: 'catch_rate', y: 'condition', fy: 'group', text: (d: (typeof rows)[number]) => `${d.caught}/${d.flaws}`, dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}

/** What happened to the shown critiques, and the flaws evaluators added, per condition. */
export function fatePlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions);
  const kinds = ['kept', 'edited', 'rejected', 'undecided', 'added'] as const;
  const rows = conditions.flatMap((condition) => kinds.map((kind) => ({ condition, kind, count: m.conditions[condition]!.fate[kind] })));
  if (rows.every((r) => r.count === 0)) return null;
  const max = Math.max(...rows.map((r) => r.count));
  return Plot.plot({
    ...base(width, 40 + conditions.length * 26, conditions),
    x: { label: null, axis: null, domain: [0, max * 1.6] },
    y: { label: null, domain: conditions },
    fx: { label: null, domain: [...kinds], padding: 0.12 },
    marks: [
      Plot.barX(rows, { x: 'count', y: 'condition', fx: 'kind', fill: 'condition', insetTop: 3, insetBottom: 3 }),
      Plot.text(rows, { x: 'count', y: 'condition', fx: 'kind', text: 'count', dx: 3, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}

/** Distribution of active seconds per review, by condition (box plots). */
export function activeTimePlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions);
  const rows = Object.entries(m.breakdowns.active_seconds).flatMap(([condition, list]) => list.map((seconds) => ({ condition, seconds })));
  if (rows.length === 0) return null;
  return Plot.plot({
    ...base(width, 40 + conditions.length * 30, conditions),
    x: { label: 'active seconds per review →', grid: true },
    y: { label: null, domain: conditions },
    marks: [Plot.boxX(rows, { x: 'seconds', y: 'condition', fill: 'condition', fillOpacity: 0.35, stroke: 'currentColor' })],
  });
}

/** Each evaluator's uplift in flaws reported over their own baseline reviews. */
export function evaluatorUpliftPlot(m: StudyMetrics, width: number): Element | null {
  const rows = m.breakdowns.by_evaluator
    .filter((r) => r.condition !== m.baseline && r.uplift_reported.value !== null)
    .map((r) => ({ evaluator: r.evaluator, condition: r.condition, uplift: r.uplift_reported.value!, lo: r.uplift_reported.ci[0], hi: r.uplift_reported.ci[1] }));
  if (rows.length === 0) return null;
  const withCi = rows.filter((r) => r.lo !== null && r.hi !== null);
  const conditions = Object.keys(m.conditions);
  const evaluators = [...new Set(rows.map((r) => r.evaluator))].sort();
  const facets = [...new Set(rows.map((r) => r.condition))];
  return Plot.plot({
    ...base(width, 40 + facets.length * (evaluators.length * 18 + 16), conditions),
    marginRight: 104,
    x: { label: `uplift in flaws reported over ${m.baseline ?? 'baseline'} (%) →`, percent: true, grid: true },
    y: { label: null, domain: evaluators },
    fy: { label: null, domain: facets, padding: 0.15 },
    marks: [
      Plot.ruleX([0], { stroke: 'currentColor', strokeOpacity: 0.4 }),
      Plot.ruleY(withCi, { y: 'evaluator', fy: 'condition', x1: 'lo', x2: 'hi', stroke: 'condition', strokeOpacity: 0.6, strokeWidth: 2 }),
      Plot.dot(rows, { x: 'uplift', y: 'evaluator', fy: 'condition', fill: 'condition', r: 4 }),
    ],
  });
}

/** Flaws caught per review by position in the evaluator's queue (learning and fatigue). */
export function positionPlot(m: StudyMetrics, width: number): Element | null {
  const rows = m.breakdowns.by_position.filter((r) => r.caught_per_review !== null);
  if (rows.length === 0) return null;
  const conditions = Object.keys(m.conditions);
  return Plot.plot({
    ...base(width, 220, conditions),
    marginLeft: 48,
    marginRight: 90,
    x: { label: 'position in queue →', grid: true },
    y: { label: '↑ caught per review', grid: true, zero: true },
    marks: [
      Plot.dot(rows, { x: 'position', y: 'caught_per_review', fill: 'condition', r: 2.5, fillOpacity: 0.45 }),
      // a moving mean over five positions: the raw per-position means are noisy
      Plot.line(rows, Plot.windowY({ k: 5, anchor: 'middle' }, { x: 'position', y: 'caught_per_review', stroke: 'condition', strokeWidth: 2 })),
      Plot.text(rows, Plot.selectLast({ x: 'position', y: 'caught_per_review', z: 'condition', text: 'condition', fill: 'condition', dx: 6, textAnchor: 'start' })),
    ],
  });
}
