import { seededRng, shuffled } from '../study/random.js';

/** One named part of a split and its share of the tasks. */
export interface SplitPart {
  readonly name: string;
  readonly fraction: number;
}

/** A `--split` that cannot be used; the message says why. */
export class SplitError extends Error {}

/**
 * Parses `--split train=0.9,test=0.1`: names (letters, digits, `_`, `-`; unique) with shares that
 * are positive and add up to 1.
 */
export function parseSplit(spec: string): SplitPart[] {
  const parts = spec.split(',').map((p) => p.trim());
  const out: SplitPart[] = [];
  for (const p of parts) {
    const m = /^([A-Za-z0-9_-]+)=([0-9]*\.?[0-9]+)$/.exec(p);
    if (!m) throw new SplitError(`--split: "${p}" is not NAME=SHARE (e.g. train=0.9,test=0.1)`);
    const name = m[1]!;
    const fraction = Number(m[2]);
    if (out.some((x) => x.name === name)) throw new SplitError(`--split: "${name}" appears twice`);
    if (!(fraction > 0)) throw new SplitError(`--split: the share of "${name}" must be above 0`);
    out.push({ name, fraction });
  }
  const sum = out.reduce((s, x) => s + x.fraction, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new SplitError(`--split: the shares add up to ${Number(sum.toFixed(12))}, not 1`);
  return out;
}

/**
 * Assigns each task to one part: the tasks shuffled with the seed, then cut into runs whose sizes are
 * the shares of the task count rounded by largest remainder (ties to the earlier part). Every task
 * is in exactly one part, so no task's rows are in two parts; the same tasks, split and seed give
 * the same assignment.
 */
export function splitTasks(tasks: readonly string[], parts: readonly SplitPart[], seed: number): Map<string, string> {
  const unique = [...new Set(tasks)];
  const n = unique.length;
  const exact = parts.map((p) => p.fraction * n);
  const sizes = exact.map(Math.floor);
  let left = n - sizes.reduce((s, x) => s + x, 0);
  const order = parts.map((_, i) => i).sort((a, b) => exact[b]! - sizes[b]! - (exact[a]! - sizes[a]!) || a - b);
  for (const i of order) {
    if (left <= 0) break;
    sizes[i] = sizes[i]! + 1;
    left--;
  }
  const out = new Map<string, string>();
  const mixed = shuffled(unique, seededRng(seed));
  let k = 0;
  parts.forEach((p, i) => {
    for (let j = 0; j < sizes[i]!; j++) out.set(mixed[k++]!, p.name);
  });
  return out;
}
