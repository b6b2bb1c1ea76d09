/** A seeded pseudo-random stream of 32-bit unsigned integers. */
export interface Rng {
  /** The next 32-bit unsigned integer. */
  next(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  below(n: number): number;
}

/**
 * mulberry32 seeded through one round of splitmix32, so that neighbouring seeds (7, 8) give
 * unrelated streams. Same seed, same stream, on every platform: study assignments depend on it, so
 * never change this function — a changed stream would silently re-assign every stored study seed.
 */
export function seededRng(seed: number): Rng {
  let z = (seed >>> 0) + 0x9e3779b9;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  let state = (z ^ (z >>> 16)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    next,
    below(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`below(${n}): n must be an integer in 1..2^32`);
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
      for (;;) {
        const x = next();
        if (x < limit) return x % n;
      }
    },
  };
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}
