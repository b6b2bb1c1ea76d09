/** Linear-interpolation quantile (type 7, as R's default and numpy's) of ascending `sorted`. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The median (mean of the two middle values for an even count); null for no values. */
export function median(values: readonly number[]): number | null {
  return quantileSorted([...values].sort((a, b) => a - b), 0.5);
}

/** `num / den`, or null when the denominator is zero. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

/** The mean, or null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}
