import { assertNever } from './result.js';

/**
 * Critique policies: which of a task's model critiques an evaluator is shown in a condition.
 * `none` shows nothing (unassisted), `all` everything, `top-K` the K highest-scored, `valid-only`
 * drops critiques marked `valid: false` (decoys).
 */
export type CritiquePolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'top'; readonly k: number }
  | { readonly kind: 'valid-only' };

/** What a policy needs to know about a critique; extra fields pass through untouched. */
export interface PolicyCritique {
  readonly id: string;
  readonly score?: number | null | undefined;
  readonly valid?: boolean | null | undefined;
}

/** Parses `none`, `all`, `top-K` (K ≥ 1) or `valid-only`; throws an error naming the bad text. */
export function parsePolicy(text: string): CritiquePolicy {
  const t = text.trim();
  if (t === 'none') return { kind: 'none' };
  if (t === 'all') return { kind: 'all' };
  if (t === 'valid-only') return { kind: 'valid-only' };
  const m = /^top-(\d{1,6})$/.exec(t);
  if (m) {
    const k = Number(m[1]);
    if (k >= 1) return { kind: 'top', k };
  }
  throw new Error(`Unknown critique policy ${JSON.stringify(text)}: expected none, all, top-K (K ≥ 1) or valid-only`);
}

/** The canonical text of a policy (`parsePolicy(formatPolicy(p))` equals `p`). */
export function formatPolicy(policy: CritiquePolicy): string {
  return policy.kind === 'top' ? `top-${policy.k}` : policy.kind;
}

/**
 * The critiques shown under a policy, in task order. For `top-K`: the K highest scores; ties keep
 * task order; critiques without a score rank after every scored one.
 */
export function selectShownCritiques<C extends PolicyCritique>(critiques: readonly C[], policy: CritiquePolicy): C[] {
  switch (policy.kind) {
    case 'none':
      return [];
    case 'all':
      return [...critiques];
    case 'valid-only':
      return critiques.filter((c) => c.valid !== false);
    case 'top': {
      const ranked = critiques
        .map((c, i) => ({ c, i, s: typeof c.score === 'number' && Number.isFinite(c.score) ? c.score : null }))
        .sort((a, b) => {
          if (a.s === null && b.s === null) return a.i - b.i;
          if (a.s === null) return 1;
          if (b.s === null) return -1;
          return b.s - a.s || a.i - b.i;
        });
      const chosen = new Set(ranked.slice(0, policy.k).map((r) => r.i));
      return critiques.filter((_, i) => chosen.has(i));
    }
    default:
      return assertNever(policy, 'critique policy');
  }
}
