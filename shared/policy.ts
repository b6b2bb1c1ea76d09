import { CriticNameSchema } from './critic/names.js';
import { anchorsOverlap } from './metrics/matching.js';
import type { MetricAnchor } from './metrics/types.js';
import { assertNever } from './result.js';

/**
 * How a critic policy picks among a critic's samples: one sample's list, or the list that
 * maximises its mean score + λ · its number of anchored critiques (CriticGPT's knob between
 * comprehensiveness and hallucinated or nitpicking claims, McAleese et al. 2024).
 */
export type CriticPick = { readonly kind: 'sample'; readonly sample: number } | { readonly kind: 'lambda'; readonly lambda: number };

/** The operating point of a critic policy: everything but the critic's name. */
export interface OperatingPoint {
  /** Leave out critiques whose claimed anchor is not in the text (hallucinated anchors). */
  readonly anchored: boolean;
  /** One list among the samples; null pools every sample (duplicates across samples dropped). */
  readonly pick: CriticPick | null;
  /** Only critiques scored at least this. */
  readonly min: number | null;
  /** At most this many, the highest scores first. */
  readonly top: number | null;
}

/**
 * Critique policies: which of a task's model critiques an evaluator is shown in a condition.
 * `none` shows nothing (unassisted), `all` everything, `top-K` the K highest-scored, `valid-only`
 * drops critiques marked `valid: false` (decoys), `critic=NAME+…` the critiques of one critic at
 * an operating point (see {@link parsePolicy}).
 */
export type CritiquePolicy =
  | { readonly kind: 'none' }
  | { readonly kind: 'all' }
  | { readonly kind: 'top'; readonly k: number }
  | { readonly kind: 'valid-only' }
  | ({ readonly kind: 'critic'; readonly critic: string } & OperatingPoint);

/** What a policy needs to know about a critique; extra fields pass through untouched. */
export interface PolicyCritique {
  readonly id: string;
  readonly score?: number | null | undefined;
  readonly valid?: boolean | null | undefined;
  /** The critic that wrote it (generated, or imported with a `critic` object). */
  readonly critic?: string | null | undefined;
  readonly sample?: number | null | undefined;
  /** True when its claimed anchor is not in the text. */
  readonly hallucinated?: boolean | null | undefined;
  /** Its anchor resolved against the output; null when it has none. */
  readonly range?: MetricAnchor | null | undefined;
}

/** What a critic policy may also need: the task's kind (how anchors overlap) and the samples stored. */
export interface SelectOptions {
  readonly kind?: 'summary' | 'code';
  /** Every sample index stored for the policy's critic on this task, empty lists included. */
  readonly samples?: readonly number[];
}

const policyHelp = 'expected none, all, top-K (K ≥ 1), valid-only or critic=NAME[+anchored][+sample-N|+lambda-X][+min-T][+top-K]';

/** A decimal as policies write it: up to 6 digits before and after the point, no sign, no exponent. */
const decimal = /^(\d{1,6})(?:\.(\d{1,6}))?$/;

/** The canonical text of a number parsed from {@link decimal}: no leading or trailing zeros. */
export function formatDecimal(n: number): string {
  const fixed = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return fixed === '' ? '0' : fixed;
}

function parseDecimal(text: string, what: string, whole: string): number {
  const m = decimal.exec(text);
  if (!m) throw new Error(`Unknown critique policy ${JSON.stringify(whole)}: ${what} must be a number like 0.5 (digits, at most 6 after the point)`);
  return Number(text);
}

/** Parses the modifiers of an operating point (`anchored`, `sample-N`, `lambda-X`, `min-T`, `top-K`, or `all` for none). */
export function parseOperatingPoint(parts: readonly string[], whole: string): OperatingPoint {
  let anchored = false;
  let pick: CriticPick | null = null;
  let min: number | null = null;
  let top: number | null = null;
  const seen = new Set<string>();
  const bad = (why: string): never => {
    throw new Error(`Unknown critique policy ${JSON.stringify(whole)}: ${why}`);
  };
  for (const part of parts) {
    const name = part.replace(/-.*$/, '');
    if (part === 'all' && parts.length === 1) continue;
    if (seen.has(name)) bad(`"${name}" appears twice`);
    seen.add(name);
    if (part === 'anchored') anchored = true;
    else if (name === 'sample' || name === 'lambda') {
      if (pick) bad('choose one of sample-N and lambda-X');
      const value = part.slice(name.length + 1);
      if (name === 'sample') {
        if (!/^\d{1,4}$/.test(value)) bad('sample-N needs a sample index N ≥ 0');
        pick = { kind: 'sample', sample: Number(value) };
      } else pick = { kind: 'lambda', lambda: parseDecimal(value, 'lambda-X', whole) };
    } else if (name === 'min') min = parseDecimal(part.slice(4), 'min-T', whole);
    else if (name === 'top') {
      const m = /^top-(\d{1,6})$/.exec(part);
      if (!m || Number(m[1]) < 1) bad('top-K needs K ≥ 1');
      top = Number(m![1]);
    } else bad(`unknown part "${part}": ${policyHelp}`);
  }
  return { anchored, pick, min, top };
}

/** The canonical text of an operating point's modifiers, in a fixed order (`all` when there are none). */
export function formatOperatingPoint(p: OperatingPoint): string {
  const parts = [
    ...(p.anchored ? ['anchored'] : []),
    ...(p.pick ? [p.pick.kind === 'sample' ? `sample-${p.pick.sample}` : `lambda-${formatDecimal(p.pick.lambda)}`] : []),
    ...(p.min !== null ? [`min-${formatDecimal(p.min)}`] : []),
    ...(p.top !== null ? [`top-${p.top}`] : []),
  ];
  return parts.length === 0 ? 'all' : parts.join('+');
}

/**
 * Parses `none`, `all`, `top-K` (K ≥ 1), `valid-only`, or a critic policy
 * `critic=NAME[+anchored][+sample-N|+lambda-X][+min-T][+top-K]` (modifiers in any order, each once).
 * No form holds `,` or `:`, which `--conditions` splits on. Throws an error naming the bad text.
 */
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
  if (t.startsWith('critic=') && t.length <= 200) {
    const [head, ...rest] = t.split('+');
    const name = head!.slice('critic='.length);
    const r = CriticNameSchema.safeParse(name);
    if (!r.success) throw new Error(`Unknown critique policy ${JSON.stringify(text)}: ${r.error.issues[0]!.message}`);
    return { kind: 'critic', critic: name, ...parseOperatingPoint(rest, text) };
  }
  throw new Error(`Unknown critique policy ${JSON.stringify(text)}: ${policyHelp}`);
}

/** The canonical text of a policy (`parsePolicy(formatPolicy(p))` equals `p`). */
export function formatPolicy(policy: CritiquePolicy): string {
  switch (policy.kind) {
    case 'top':
      return `top-${policy.k}`;
    case 'critic': {
      const point = formatOperatingPoint(policy);
      return point === 'all' ? `critic=${policy.critic}` : `critic=${policy.critic}+${point}`;
    }
    case 'none':
    case 'all':
    case 'valid-only':
      return policy.kind;
    default:
      return assertNever(policy, 'critique policy');
  }
}

const finiteScore = (c: PolicyCritique): number | null => (typeof c.score === 'number' && Number.isFinite(c.score) ? c.score : null);

/** Higher score first; unscored last; then sample, then task order. */
function byRank<C extends PolicyCritique>(a: { c: C; i: number }, b: { c: C; i: number }): number {
  const sa = finiteScore(a.c);
  const sb = finiteScore(b.c);
  if (sa !== sb) {
    if (sa === null) return 1;
    if (sb === null) return -1;
    return sb - sa;
  }
  return (a.c.sample ?? 0) - (b.c.sample ?? 0) || a.i - b.i;
}

/**
 * The value of one candidate list for `lambda-X`: its mean score (0 for an empty list, unscored
 * critiques counting 0) + λ · how many of its critiques have an anchor in the text.
 */
export function listValue(list: readonly PolicyCritique[], lambda: number): number {
  if (list.length === 0) return 0;
  const mean = list.reduce((s, c) => s + (finiteScore(c) ?? 0), 0) / list.length;
  return mean + lambda * list.filter((c) => c.range !== null && c.range !== undefined).length;
}

/**
 * A critic's critiques at an operating point, in (sample, task) order: (1) the critic's critiques,
 * (2) without hallucinated anchors if `anchored`, (3) one sample's list (`sample-N`, or the list
 * of highest {@link listValue} for `lambda-X`, ties to the lower sample), (4) scored at least
 * `min`, (5) the `top` highest scores. When samples are pooled (no pick), a critique that overlaps
 * a higher-ranked critique of another sample is dropped: the same place pointed out again.
 */
export function selectAtPoint<C extends PolicyCritique>(critiques: readonly C[], critic: string, point: OperatingPoint, options: SelectOptions = {}): C[] {
  let cands = critiques.map((c, i) => ({ c, i })).filter(({ c }) => c.critic === critic);
  if (point.anchored) cands = cands.filter(({ c }) => c.hallucinated !== true);
  if (point.pick?.kind === 'sample') {
    const n = point.pick.sample;
    cands = cands.filter(({ c }) => c.sample === n);
  } else if (point.pick?.kind === 'lambda') {
    const lambda = point.pick.lambda;
    const samples = [...new Set([...(options.samples ?? []), ...cands.map(({ c }) => c.sample ?? 0)])].sort((a, b) => a - b);
    let best: number | null = null;
    let bestValue = -Infinity;
    for (const s of samples) {
      const v = listValue(
        cands.filter(({ c }) => (c.sample ?? 0) === s).map(({ c }) => c),
        lambda,
      );
      if (v > bestValue) {
        bestValue = v;
        best = s;
      }
    }
    cands = cands.filter(({ c }) => (c.sample ?? 0) === best);
  }
  if (point.min !== null) {
    const min = point.min;
    cands = cands.filter(({ c }) => (finiteScore(c) ?? -Infinity) >= min);
  }
  let ranked = [...cands].sort(byRank);
  if (!point.pick) {
    const kind = options.kind ?? 'summary';
    const kept: { c: C; i: number }[] = [];
    for (const r of ranked) {
      const range = r.c.range ?? null;
      const duplicate = range !== null && kept.some((k) => k.c.sample !== r.c.sample && k.c.range && anchorsOverlap(kind, k.c.range, range));
      if (!duplicate) kept.push(r);
    }
    ranked = kept;
  }
  if (point.top !== null) ranked = ranked.slice(0, point.top);
  return ranked.sort((a, b) => (a.c.sample ?? 0) - (b.c.sample ?? 0) || a.i - b.i).map(({ c }) => c);
}

/**
 * The critiques shown under a policy. For `top-K`: the K highest scores; ties keep
 * task order; critiques without a score rank after every scored one. Today's four policies work on
 * every critique of the task, in task order; a critic policy see {@link selectAtPoint}.
 */
export function selectShownCritiques<C extends PolicyCritique>(critiques: readonly C[], policy: CritiquePolicy, options: SelectOptions = {}): C[] {
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
    case 'critic':
      return selectAtPoint(critiques, policy.critic, policy, options);
    default:
      return assertNever(policy, 'critique policy');
  }
}
