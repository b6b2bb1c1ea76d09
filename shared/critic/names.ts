import { z } from 'zod';

/**
 * A critic's name: its identity in a database and in policies (`critic=NAME`). Letters, digits,
 * `_`, `.` and `-` only, so a policy never holds `,` or `:` (which `--conditions` splits on) nor
 * `+` (which separates a policy's modifiers).
 */
export const CriticNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a critic name is 1–64 letters, digits, "_", "." or "-", starting with a letter or digit');

/** True when `name` is a valid critic name. */
export function isCriticName(name: unknown): name is string {
  return CriticNameSchema.safeParse(name).success;
}

/** A critic name from a model name, when none is given: `qwen2.5:7b` → `qwen2.5-7b`. */
export function defaultCriticName(model: string): string {
  const name = model
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return isCriticName(name) ? name : 'critic';
}

/** The columns a stored critique gets from the critic fields it carries (imported or generated). */
export interface CriticColumns {
  /** The critic's name, from `critic.name`; null when the critique carries no valid one. */
  readonly critic: string | null;
  /** The sample index, from `critic.sample`; null without one. */
  readonly sample: number | null;
  /** 1 when the critique says its anchor was not found in the text (`unverified_quote` or `unverified_lines`). */
  readonly hallucinated: 0 | 1;
}

/**
 * What a critique of a task package says about the critic that wrote it. Critiques exported by
 * Assay carry a `critic` object; importing them elsewhere keeps them selectable by critic. Anything
 * else (no object, a name Assay would not accept) counts as no critic: it is an unknown field then.
 */
export function criticColumns(critique: Readonly<Record<string, unknown>>): CriticColumns {
  const c = critique['critic'];
  const obj = c !== null && typeof c === 'object' && !Array.isArray(c) ? (c as Record<string, unknown>) : null;
  const critic = obj && isCriticName(obj['name']) ? obj['name'] : null;
  const sample = critic !== null && Number.isSafeInteger(obj!['sample']) && (obj!['sample'] as number) >= 0 ? (obj!['sample'] as number) : null;
  const hallucinated = typeof critique['unverified_quote'] === 'string' || Array.isArray(critique['unverified_lines']) ? 1 : 0;
  return { critic, sample, hallucinated };
}
