/** Level of measurement for Krippendorff's alpha. */
export type AlphaLevel = 'nominal' | 'interval';

/**
 * Additive sufficient statistics of alpha over a set of units: sums over pairable values, so the
 * statistics of a union of units are the sums of theirs (what the bootstrap needs).
 * `observed` is Σ_u Σ_{i≠j} δ(v_i, v_j) / (m_u − 1), the coincidence-weighted disagreement.
 */
export interface AlphaSums {
  /** Pairable values (in units with at least two values). */
  n: number;
  observed: number;
  /** Σ v and Σ v² over pairable values (interval expected disagreement; binary nominal). */
  s1: number;
  s2: number;
}

/** Empty sums. */
export function emptyAlphaSums(): AlphaSums {
  return { n: 0, observed: 0, s1: 0, s2: 0 };
}

/**
 * Adds one unit's values (missing values already dropped) to `sums`. A unit with fewer than two
 * values is not pairable and adds nothing. `level` picks δ: nominal (0 if equal, else 1) or
 * interval ((a − b)²).
 */
export function addAlphaUnit(sums: AlphaSums, values: readonly number[], level: AlphaLevel): void {
  const m = values.length;
  if (m < 2) return;
  let s1 = 0;
  let s2 = 0;
  for (const v of values) {
    s1 += v;
    s2 += v * v;
  }
  let pairs: number;
  if (level === 'interval') {
    pairs = 2 * (m * s2 - s1 * s1); // Σ_{i≠j} (v_i − v_j)²
  } else {
    const counts = new Map<number, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    let same = 0;
    for (const c of counts.values()) same += c * c;
    pairs = m * m - same; // ordered pairs with different values
  }
  sums.n += m;
  sums.observed += pairs / (m - 1);
  sums.s1 += s1;
  sums.s2 += s2;
}

/**
 * Alpha = 1 − (n − 1) · observed / expected, where expected = Σ_c Σ_k n_c n_k δ(c, k).
 * For interval data expected = 2(n·Σv² − (Σv)²); for nominal data on values 0/1 (the only nominal
 * use that goes through sums) expected = n² − n₁² − n₀² with n₁ = Σv. Null when there are no
 * pairable values or no variation at all (alpha is undefined then).
 */
export function alphaFromSums(sums: AlphaSums, level: AlphaLevel): number | null {
  const { n, observed, s1, s2 } = sums;
  if (n < 2) return null;
  const expected = level === 'interval' ? 2 * (n * s2 - s1 * s1) : n * n - s1 * s1 - (n - s1) * (n - s1);
  if (!(expected > 1e-12)) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/**
 * Krippendorff's alpha for reliability data given as units, each the values the coders gave it
 * (null = missing). Nominal values may be any numbers (categories); interval values are numbers.
 * Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability". Null when undefined.
 */
export function krippendorffAlpha(units: readonly (readonly (number | null)[])[], level: AlphaLevel): number | null {
  const sums = emptyAlphaSums();
  const totals = new Map<number, number>();
  for (const unit of units) {
    const values = unit.filter((v): v is number => v !== null);
    if (values.length < 2) continue;
    addAlphaUnit(sums, values, level);
    for (const v of values) totals.set(v, (totals.get(v) ?? 0) + 1);
  }
  if (level === 'interval') return alphaFromSums(sums, level);
  const n = sums.n;
  if (n < 2) return null;
  let same = 0;
  for (const c of totals.values()) same += c * c;
  const expected = n * n - same;
  if (expected <= 0) return null;
  return 1 - ((n - 1) * sums.observed) / expected;
}
