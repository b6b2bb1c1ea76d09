// Layout rules shared by the dashboard's plots (issue #12): margins that fit the labels at every
// card width, and end-of-line labels that never print on top of each other. Pure: tested without a DOM.

/** The plots' font size, in pixels. */
export const FONT_PX = 11;
/** About how wide one character is at that size (proportional system fonts; digits are narrower). */
export const CHAR_PX = 6.4;

/** About how wide `text` is drawn, in pixels. */
export function textWidth(text: string): number {
  return Array.from(text).length * CHAR_PX;
}

/**
 * A margin for labels: wide enough for the longest of them (plus `pad`), at least `min`, and never
 * more than `maxShare` of the plot's width — longer labels are cut with an ellipsis (and keep their
 * full text as a title) rather than squeezing the plot to nothing.
 */
export function labelMargin(labels: readonly string[], width: number, options: { readonly min?: number; readonly pad?: number; readonly maxShare?: number } = {}): number {
  const { min = 40, pad = 12, maxShare = 0.3 } = options;
  const widest = labels.length ? Math.max(...labels.map(textWidth)) : 0;
  return Math.round(Math.max(min, Math.min(widest + pad, width * maxShare)));
}

/**
 * The line width, in ems, of labels that must fit `px` pixels (Plot's `lineWidth`). Plot measures
 * text with Helvetica's widths; the system fonts the app uses run up to a tenth wider.
 */
export function emsFor(px: number): number {
  return Math.max(1, ((px - 4) / FONT_PX) * 0.9);
}

/**
 * Moves the y positions (pixels, down is larger) of labels drawn at the ends of lines apart, so
 * that no two are closer than `gap`, keeping their order and staying within [top, bottom] when
 * there is room. Labels already far enough apart stay where they are.
 */
export function spreadLabels(positions: readonly number[], gap: number, top: number, bottom: number): number[] {
  const order = positions.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
  const placed = order.map((o) => Math.max(top, Math.min(bottom, o.y)));
  // push down where too close, then pull up from the bottom edge, then down again from the top
  for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k]!, placed[k - 1]! + gap);
  if (placed.length && placed[placed.length - 1]! > bottom) {
    placed[placed.length - 1] = bottom;
    for (let k = placed.length - 2; k >= 0; k--) placed[k] = Math.min(placed[k]!, placed[k + 1]! - gap);
  }
  if (placed.length && placed[0]! < top) {
    placed[0] = top;
    for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k]!, placed[k - 1]! + gap);
  }
  const out = new Array<number>(positions.length);
  order.forEach((o, k) => (out[o.i] = placed[k]!));
  return out;
}
