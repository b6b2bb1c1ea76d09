import * as Plot from '@observablehq/plot';
import type { StudyMetrics } from '../../../../shared/metrics/compute.js';
import { emsFor, FONT_PX, labelMargin, spreadLabels, textWidth } from './plot-layout.js';
import { plural } from '../../../../shared/plural.js';

// The dashboard's plots. Every plot fits its labels at every card width (plot-layout.ts): the left
// margin grows with the longest label up to a share of the width, beyond which labels are cut with
// an ellipsis and keep their full text as a title; facet names are headers above their facet,
// across the whole width, instead of a right margin that cuts them; end-of-line labels are spread
// apart so they never overlap.

/** Plot defaults shared by every chart: inherit the theme's colours, tabular numbers. */
function base(width: number, height: number, conditions: readonly string[], marginLeft: number): Plot.PlotOptions {
  return {
    width,
    height,
    marginLeft,
    marginRight: 24,
    style: { background: 'transparent', color: 'currentColor', fontSize: `${FONT_PX}px`, fontVariantNumeric: 'tabular-nums' },
    color: { domain: [...conditions], scheme: 'observable10' },
  };
}

/** The left axis of labels (conditions, evaluators): cut with an ellipsis past the margin. */
function labelAxis(marginLeft: number): Plot.CompoundMark {
  return Plot.axisY({ label: null, tickSize: 0, textOverflow: 'ellipsis-end', lineWidth: emsFor(marginLeft - 6) });
}

/** Height reserved above each facet for its name. */
const HEADER_PX = 17;

/** The x grid of a faceted plot, below each facet's header (so that no line strikes through it). */
function facetGridX(): Plot.Markish {
  return Plot.gridX({ insetTop: HEADER_PX });
}

/** Each facet's name as a header above it, from the left edge of the plot, cut with an ellipsis past the width. */
function facetHeaders(names: readonly string[], width: number, marginLeft: number): Plot.Markish {
  return Plot.text(names, {
    fy: (d: string) => d,
    text: (d: string) => d,
    frameAnchor: 'top-left',
    textAnchor: 'start',
    lineAnchor: 'top',
    dx: -marginLeft + 2,
    dy: 1,
    fontWeight: 600,
    lineWidth: emsFor(width - 8),
    textOverflow: 'ellipsis-end',
  });
}

interface Interval {
  readonly condition: string;
  readonly measure: string;
  readonly value: number;
  readonly lo: number | null;
  readonly hi: number | null;
  /** Why there is no interval, when there is none. */
  readonly reason: string | null;
}

/** A figure as a tooltip: the estimate with its interval, or why it has none. */
function estimateTitle(label: string, value: number, lo: number | null, hi: number | null, reason: string | null, percent: boolean): string {
  const f = (v: number): string => (percent ? `${(100 * v).toFixed(1)}%` : v.toFixed(2));
  return lo !== null && hi !== null ? `${label}: ${f(value)} [95% CI ${f(lo)}, ${f(hi)}]` : `${label}: ${f(value)} — no interval: ${reason ?? 'not computed'}`;
}

/**
 * The dots of an interval plot: filled where the estimate has an interval, hollow where it has none
 * (too few reviews, an estimate of 0, …) so that a lone dot never reads as a precise figure; each
 * with a tooltip that gives the interval or the reason.
 */
function estimateDots<T extends { lo: number | null; hi: number | null }>(rows: readonly T[], options: Record<string, unknown> & { r: number | string }, title: (d: T) => string): Plot.Markish[] {
  const withCi = rows.filter((d) => d.lo !== null && d.hi !== null);
  const without = rows.filter((d) => d.lo === null || d.hi === null);
  return [
    Plot.dot(withCi, { ...options, fill: 'condition', stroke: 'var(--bg)', strokeWidth: 1, title, ariaDescription: 'estimate with a 95% interval' }),
    Plot.dot(without, { ...options, fill: 'var(--bg)', stroke: 'condition', strokeWidth: 1.75, title, ariaDescription: 'estimate without an interval' }),
  ];
}

function intervalPlot(width: number, rows: readonly Interval[], conditions: readonly string[], xLabel: string, percent: boolean): Element | null {
  if (rows.length === 0) return null;
  const measures = [...new Set(rows.map((r) => r.measure))];
  const withCi = rows.filter((r) => r.lo !== null && r.hi !== null);
  const marginLeft = labelMargin(conditions, width);
  return Plot.plot({
    ...base(width, 34 + measures.length * (conditions.length * 24 + HEADER_PX + 10), conditions, marginLeft),
    x: { label: xLabel, zero: true, ...(percent ? { percent: true } : {}) },
    y: { label: null, domain: [...conditions], insetTop: HEADER_PX },
    fy: { label: null, domain: measures, padding: 0.08, axis: null },
    marks: [
      facetHeaders(measures, width, marginLeft),
      labelAxis(marginLeft),
      facetGridX(),
      Plot.ruleX([0], { stroke: 'currentColor', strokeOpacity: 0.3, insetTop: HEADER_PX }),
      Plot.ruleY(withCi, { y: 'condition', fy: 'measure', x1: 'lo', x2: 'hi', stroke: 'condition', strokeWidth: 2.5 }),
      Plot.tickX(withCi, { y: 'condition', fy: 'measure', x: 'lo', stroke: 'condition' }),
      Plot.tickX(withCi, { y: 'condition', fy: 'measure', x: 'hi', stroke: 'condition' }),
      ...estimateDots(rows, { x: 'value', y: 'condition', fy: 'measure', r: 4.5 }, (d) => estimateTitle(`${d.condition} · ${d.measure}`, d.value, d.lo, d.hi, d.reason, percent)),
    ],
  });
}

/** Flaws reported and caught per review, by condition, with 95% CIs. */
export function perReviewPlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions);
  const rows: Interval[] = [];
  for (const [condition, c] of Object.entries(m.conditions)) {
    for (const [measure, f] of [
      ['flaws reported', c.reported_per_review],
      ['ground-truth flaws caught', c.caught_per_review],
    ] as const) {
      if (f.value !== null) rows.push({ condition, measure, value: f.value, lo: f.ci[0], hi: f.ci[1], reason: f.reason });
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
      ['valid critiques rejected', c.valid_reject_rate],
    ] as const) {
      if (f.value !== null) rows.push({ condition, measure, value: f.value, lo: f.ci[0], hi: f.ci[1], reason: f.reason });
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
  const marginLeft = labelMargin(conditions, width);
  const widest = Math.max(...rows.map((r) => textWidth(`${r.caught}/${r.flaws}`)));
  return Plot.plot({
    ...base(width, 34 + groups.length * (conditions.length * 20 + HEADER_PX + 10), conditions, marginLeft),
    marginRight: Math.ceil(widest) + 10, // room for "caught/flaws" at a full bar
    x: { label: 'catch rate (%) →', percent: true, domain: [0, 100] },
    y: { label: null, domain: conditions, insetTop: HEADER_PX },
    fy: { label: null, domain: groups, padding: 0.08, axis: null },
    marks: [
      facetHeaders(groups, width, marginLeft),
      labelAxis(marginLeft),
      facetGridX(),
      Plot.barX(rows, { x: 'catch_rate', y: 'condition', fy: 'group', fill: 'condition', insetTop: 2, insetBottom: 2 }),
      Plot.text(rows, { x: 'catch_rate', y: 'condition', fy: 'group', text: (d: (typeof rows)[number]) => `${d.caught}/${d.flaws}`, dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0], { insetTop: HEADER_PX }),
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
  const marginLeft = labelMargin(conditions, width);
  return Plot.plot({
    ...base(width, 40 + conditions.length * 26, conditions, marginLeft),
    x: { label: null, axis: null, domain: [0, max * 1.6] },
    y: { label: null, domain: conditions },
    fx: { label: null, domain: [...kinds], padding: 0.12 },
    marks: [
      labelAxis(marginLeft),
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
  const marginLeft = labelMargin(conditions, width);
  return Plot.plot({
    ...base(width, 40 + conditions.length * 30, conditions, marginLeft),
    x: { label: 'active seconds per review →', grid: true },
    y: { label: null, domain: conditions },
    marks: [labelAxis(marginLeft), Plot.boxX(rows, { x: 'seconds', y: 'condition', fill: 'condition', fillOpacity: 0.35, stroke: 'currentColor' })],
  });
}

/** Each evaluator's uplift in flaws reported over their own baseline reviews. */
export function evaluatorUpliftPlot(m: StudyMetrics, width: number): Element | null {
  const rows = m.breakdowns.by_evaluator
    .filter((r) => r.condition !== m.baseline && r.uplift_reported.value !== null)
    .map((r) => ({ evaluator: r.evaluator, condition: r.condition, uplift: r.uplift_reported.value!, lo: r.uplift_reported.ci[0], hi: r.uplift_reported.ci[1], reason: r.uplift_reported.reason }));
  if (rows.length === 0) return null;
  const withCi = rows.filter((r) => r.lo !== null && r.hi !== null);
  const conditions = Object.keys(m.conditions);
  const evaluators = [...new Set(rows.map((r) => r.evaluator))].sort();
  const facets = [...new Set(rows.map((r) => r.condition))];
  const marginLeft = labelMargin(evaluators, width);
  return Plot.plot({
    ...base(width, 40 + facets.length * (evaluators.length * 18 + HEADER_PX + 10), conditions, marginLeft),
    x: { label: `uplift in flaws reported over ${m.baseline ?? 'baseline'} (%) →`, percent: true },
    y: { label: null, domain: evaluators, insetTop: HEADER_PX },
    fy: { label: null, domain: facets, padding: 0.08, axis: null },
    marks: [
      facetHeaders(facets, width, marginLeft),
      labelAxis(marginLeft),
      facetGridX(),
      Plot.ruleX([0], { stroke: 'currentColor', strokeOpacity: 0.4, insetTop: HEADER_PX }),
      Plot.ruleY(withCi, { y: 'evaluator', fy: 'condition', x1: 'lo', x2: 'hi', stroke: 'condition', strokeOpacity: 0.6, strokeWidth: 2 }),
      ...estimateDots(rows, { x: 'uplift', y: 'evaluator', fy: 'condition', r: 4 }, (d) => estimateTitle(`${d.evaluator} · ${d.condition}`, d.uplift, d.lo, d.hi, d.reason, true)),
    ],
  });
}

/** The moving mean over `k` positions (centred), per condition: the lines of the position plot. */
function movingMeans(rows: readonly { condition: string; position: number; caught_per_review: number | null }[], k: number): Map<string, { position: number; value: number }[]> {
  const by = new Map<string, { position: number; value: number }[]>();
  for (const r of rows) if (r.caught_per_review !== null) (by.get(r.condition) ?? by.set(r.condition, []).get(r.condition)!).push({ position: r.position, value: r.caught_per_review });
  const out = new Map<string, { position: number; value: number }[]>();
  for (const [condition, list] of by) {
    list.sort((a, b) => a.position - b.position);
    const half = Math.floor(k / 2);
    out.set(
      condition,
      list.map((p, i) => {
        const window = list.slice(Math.max(0, i - half), Math.min(list.length, i + half + 1));
        return { position: p.position, value: window.reduce((s, x) => s + x.value, 0) / window.length };
      }),
    );
  }
  return out;
}

/** Flaws caught per review by position in the evaluator's queue (learning and fatigue). */
export function positionPlot(m: StudyMetrics, width: number): Element | null {
  const rows = m.breakdowns.by_position.filter((r) => r.caught_per_review !== null);
  if (rows.length === 0) return null;
  const conditions = Object.keys(m.conditions);
  const height = 220;
  const marginTop = 20;
  const marginBottom = 30;
  const marginRight = labelMargin(conditions, width, { min: 24, pad: 14, maxShare: 0.28 });
  const means = movingMeans(rows, 5);
  const lines = [...means].flatMap(([condition, list]) => list.map((p) => ({ condition, ...p })));
  const yMax = Math.max(...rows.map((r) => r.caught_per_review!), 0.001);
  // each line's name at its end, moved apart so that no two overlap (in pixels, then back to data)
  const ends = [...means].map(([condition, list]) => ({ condition, ...list[list.length - 1]! }));
  const plotHeight = height - marginTop - marginBottom;
  const toPx = (v: number): number => marginTop + plotHeight * (1 - v / yMax);
  const spread = spreadLabels(
    ends.map((e) => toPx(e.value)),
    FONT_PX + 2,
    marginTop,
    height - marginBottom,
  );
  const labels = ends.map((e, i) => ({ ...e, labelY: yMax * (1 - (spread[i]! - marginTop) / plotHeight) }));
  const xMax = Math.max(...rows.map((r) => r.position));
  return Plot.plot({
    ...base(width, height, conditions, 40),
    marginTop,
    marginBottom,
    marginRight,
    x: { label: 'position in queue →', grid: true },
    y: { label: '↑ caught per review', grid: true, zero: true, domain: [0, yMax], nice: false },
    marks: [
      Plot.dot(rows, { x: 'position', y: 'caught_per_review', fill: 'condition', r: 2.5, fillOpacity: 0.45 }),
      // a moving mean over five positions: the raw per-position means are noisy
      Plot.line(lines, { x: 'position', y: 'value', z: 'condition', stroke: 'condition', strokeWidth: 2 }),
      // a short leader from the line's end to its (possibly moved) name
      Plot.link(labels, { x1: 'position', y1: 'value', x2: xMax, y2: 'labelY', stroke: 'condition', strokeOpacity: 0.5, dx: 0 }),
      Plot.text(labels, {
        x: xMax,
        y: 'labelY',
        text: 'condition',
        fill: 'condition',
        dx: 6,
        textAnchor: 'start',
        lineWidth: emsFor(marginRight - 8),
        textOverflow: 'ellipsis-end',
      }),
    ],
  });
}

/**
 * Reliability diagram per condition: for each confidence bin, the answers' mean confidence (x)
 * against their accuracy (y) with its 95% interval, the dot's area by the number of answers, and
 * the diagonal of perfect calibration (below it: over-confident).
 */
export function reliabilityPlot(m: StudyMetrics, width: number): Element | null {
  const conditions = Object.keys(m.conditions);
  const rows = conditions.flatMap((condition) =>
    (m.conditions[condition]!.calibration?.reliability ?? [])
      .filter((b) => b.mean_confidence !== null && b.accuracy.value !== null)
      .map((b) => ({ condition, bin: b.bin, reviews: b.reviews, confidence: b.mean_confidence!, accuracy: b.accuracy.value!, lo: b.accuracy.ci[0], hi: b.accuracy.ci[1], reason: b.accuracy.reason })),
  );
  if (rows.length === 0) return null;
  const facets = conditions.filter((c) => rows.some((r) => r.condition === c));
  const counts = facets.flatMap((condition) =>
    m.conditions[condition]!.calibration!.reliability.filter((b) => b.reviews > 0).map((b) => ({ condition, middle: (b.lo + b.hi) / 200, reviews: b.reviews })),
  );
  const withCi = rows.filter((r) => r.lo !== null && r.hi !== null);
  const marginLeft = 48;
  const marginRight = 16;
  // each facet's width: narrow facets get fewer ticks, bare counts and names cut with an ellipsis
  const facetWidth = (width - marginLeft - marginRight) / facets.length;
  const narrow = facetWidth < 170;
  return Plot.plot({
    ...base(width, 250, conditions, marginLeft),
    marginRight,
    marginBottom: 40,
    x: { label: 'mean confidence (%) →', percent: true, domain: [50, 100], ticks: narrow ? [50, 75, 100] : [50, 60, 70, 80, 90, 100] },
    y: { label: '↑ accuracy (%)', percent: true, domain: [-10, 100], grid: true, ticks: [0, 20, 40, 60, 80, 100] },
    fx: { label: null, domain: facets, padding: 0.12, axis: null },
    r: { range: [2.5, 9] },
    marks: [
      Plot.axisFx({ label: null, anchor: 'top', tickSize: 0, textOverflow: 'ellipsis-end', lineWidth: emsFor(facetWidth * 0.88 - 4) }),
      Plot.frame({ stroke: 'currentColor', strokeOpacity: 0.15 }),
      // perfect calibration: accuracy equals confidence
      Plot.link(facets, { fx: (d: string) => d, x1: 0.5, y1: 0.5, x2: 1, y2: 1, stroke: 'currentColor', strokeOpacity: 0.45, strokeDasharray: '4,3' }),
      Plot.ruleX(withCi, { fx: 'condition', x: 'confidence', y1: 'lo', y2: 'hi', stroke: 'condition', strokeWidth: 2, strokeOpacity: 0.7 }),
      Plot.line(rows, { fx: 'condition', x: 'confidence', y: 'accuracy', stroke: 'condition', strokeOpacity: 0.5 }),
      ...estimateDots(rows, { fx: 'condition', x: 'confidence', y: 'accuracy', r: 'reviews' }, (d) =>
        estimateTitle(`${d.condition} · answers at ${(100 * d.confidence).toFixed(0)}% mean confidence (${plural(d.reviews, 'answer')}), accuracy`, d.accuracy, d.lo, d.hi, d.reason, true),
      ),
      // the counts in a row along the bottom, at the bins' middles (labels never collide)
      Plot.text(counts, { fx: 'condition', x: 'middle', y: -0.05, text: (d: (typeof counts)[number]) => (narrow ? `${d.reviews}` : `n ${d.reviews}`), fontSize: 10, fillOpacity: 0.8 }),
    ],
  });
}
