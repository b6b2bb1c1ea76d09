// Labels of the sweep plot's dots (issue #13): dots whose labels would touch on the screen share one
// label, placed at the middle of their dots — else "5" beside "2,9,10" reads "52,9,10". Pure: tested
// without a DOM.

import { textWidth } from '../analysis/plot-layout.js';

/** A dot of the plot: its place (0–1 on each axis) and the numbers of the table rows it stands for. */
export interface SweepDot {
  readonly x: number;
  readonly y: number;
  readonly rows: readonly number[];
}

/** A label: where it is centred (0–1 on each axis) and its text ("2,9,10"). */
export interface SweepLabel {
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

/** Labels closer in height than this share a line (pixels; the labels are 11 px). */
export const LABEL_LINE_PX = 14;
/** Room kept between two labels on a line (pixels). */
export const LABEL_GAP_PX = 6;

/** About how wide a label is drawn, in pixels (bold digits and commas). */
export function labelWidth(text: string): number {
  return textWidth(text) * 1.1;
}

interface Cluster {
  xs: number[];
  ys: number[];
  rows: number[];
}

const textOf = (rows: readonly number[]): string => [...rows].sort((a, b) => a - b).join(',');
const centre = (c: Cluster): { x: number; y: number } => ({ x: (Math.min(...c.xs) + Math.max(...c.xs)) / 2, y: (Math.min(...c.ys) + Math.max(...c.ys)) / 2 });

/** True when the labels of two clusters would touch in a plot area `w` × `h` pixels. */
function touch(a: Cluster, b: Cluster, w: number, h: number): boolean {
  const ca = centre(a);
  const cb = centre(b);
  if (Math.abs(ca.y - cb.y) * h >= LABEL_LINE_PX) return false;
  return Math.abs(ca.x - cb.x) * w < (labelWidth(textOf(a.rows)) + labelWidth(textOf(b.rows))) / 2 + LABEL_GAP_PX;
}

/**
 * One label per group of dots whose labels would touch in a plot area `width` × `height` pixels:
 * merged until no two labels touch, so none is printed over another. O(n³) for n dots, and n is a
 * sweep's few operating points.
 */
export function sweepLabels(dots: readonly SweepDot[], width: number, height: number): SweepLabel[] {
  const clusters: Cluster[] = dots.map((d) => ({ xs: [d.x], ys: [d.y], rows: [...d.rows] }));
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < clusters.length && !merged; i++) {
      for (let j = i + 1; j < clusters.length && !merged; j++) {
        if (!touch(clusters[i]!, clusters[j]!, width, height)) continue;
        const [a, b] = [clusters[i]!, clusters[j]!];
        clusters[i] = { xs: [...a.xs, ...b.xs], ys: [...a.ys, ...b.ys], rows: [...a.rows, ...b.rows] };
        clusters.splice(j, 1);
        merged = true;
      }
    }
  }
  return clusters.map((c) => ({ ...centre(c), text: textOf(c.rows) })).sort((a, b) => a.x - b.x || a.y - b.y);
}
