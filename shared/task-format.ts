import { z } from 'zod';
import { TextIndex, resolveAnchor, type ResolvedAnchor } from './anchors.js';

/** Severity of a critique or flaw. */
export const SeveritySchema = z.enum(['minor', 'major', 'critical']);
/** Severity of a critique or flaw. */
export type Severity = z.infer<typeof SeveritySchema>;

/** `{start, end}`: a half-open range of Unicode code points. */
export const RangeAnchorSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .strict()
  .refine((a) => a.start < a.end, { message: 'start must be less than end', path: ['end'] });
/** `{quote, prefix?, suffix?}`: W3C TextQuoteSelector semantics. */
export const QuoteAnchorSchema = z
  .object({ quote: z.string().min(1), prefix: z.string().optional(), suffix: z.string().optional() })
  .strict();
/** `{lines: [first, last], side?}`: 1-based inclusive lines. */
export const LinesAnchorSchema = z
  .object({
    lines: z
      .tuple([z.number().int().min(1), z.number().int().min(1)])
      .refine(([a, b]) => a <= b, { message: 'first line must not be after last line' }),
    side: z.enum(['output', 'base']).optional(),
  })
  .strict();

/**
 * An anchor: exactly one of a code-point range, a quote, or a line range. Anchors are the one closed
 * object of the format: an unknown key could change what the anchor points at (a `path` into
 * another file, an `exact` flag), and ignoring it would anchor to the wrong place silently.
 */
export const AnchorSchema = z.union([RangeAnchorSchema, QuoteAnchorSchema, LinesAnchorSchema]);
/** An anchor as written in a task package. */
export type Anchor = z.infer<typeof AnchorSchema>;

/**
 * Evidence for a critique: a place in `context.document`. Open like every object of the format
 * except anchors: unknown fields (a source URL, a retrieval score) are kept and exported, and never
 * shown to evaluators.
 */
export const EvidenceSchema = z.object({ anchor: AnchorSchema, note: z.string().optional() }).passthrough();

/** A model-written critique of the output. */
export const CritiqueSchema = z
  .object({
    id: z.string().min(1),
    // required, but may be empty: real released data has empty critiques (one in Saunders et al.'s test split)
    text: z.string(),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    score: z.number().finite().optional(),
    model: z.string().optional(),
    evidence: z.array(EvidenceSchema).optional(),
    valid: z.boolean().optional(),
  })
  .passthrough();
/** A model-written critique as written in a task package. */
export type CritiqueInput = z.infer<typeof CritiqueSchema>;

/** A ground-truth flaw: never shown to evaluators. */
export const FlawSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().min(1),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    critiques: z.array(z.string()).optional(),
  })
  .passthrough();
/** A ground-truth flaw as written in a task package. */
export type FlawInput = z.infer<typeof FlawSchema>;

/** One section of a decomposition of a long source (Wu et al. 2021). */
export const SectionSchema = z
  .object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() })
  .passthrough();

/** What the evaluator sees beside the output. */
export const ContextSchema = z
  .object({
    document: z.string().optional(),
    query: z.string().optional(),
    problem: z.string().optional(),
    sections: z.array(SectionSchema).optional(),
  })
  .passthrough();

/** A task of task package format v1 (one JSON object per line). See docs/task-format.md. */
export const TaskSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['summary', 'code']),
    title: z.string().optional(),
    output: z.string(),
    context: ContextSchema.optional(),
    language: z.string().optional(),
    base: z.string().optional(),
    critiques: z.array(CritiqueSchema).optional(),
    flaws: z.array(FlawSchema).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
/** A task as written in a task package. */
export type TaskInput = z.infer<typeof TaskSchema>;

// ---------------------------------------------------------------------------------------------
// Validation beyond the shape: unique ids, cross-references and anchors that resolve.

/** The version of the task package format this build reads and writes. */
export const TASK_FORMAT_VERSION = 1;

/** One problem with one task: `path` names the field (`critiques[2].anchor.end`), `(task)` the whole line. */
export interface TaskIssue {
  readonly path: string;
  readonly message: string;
}

/** A critique's evidence with its anchor resolved against `context.document`. */
export interface ResolvedEvidence {
  readonly anchor: Anchor;
  readonly note?: string;
  readonly resolved: ResolvedAnchor;
}

/** A task that passed every check, with every anchor resolved (same order as the input lists). */
export interface ValidTask {
  readonly task: TaskInput;
  /** `critiques[i].anchor` resolved, or null when it has none. */
  readonly critiqueAnchors: readonly (ResolvedAnchor | null)[];
  /** `critiques[i].evidence` resolved, or null when it has none. */
  readonly critiqueEvidence: readonly (readonly ResolvedEvidence[] | null)[];
  /** `flaws[i].anchor` resolved, or null when it has none. */
  readonly flawAnchors: readonly (ResolvedAnchor | null)[];
}

/** The outcome of {@link validateTask}. */
export type TaskValidation = { readonly ok: true; readonly value: ValidTask } | { readonly ok: false; readonly issues: readonly TaskIssue[] };

/** Formats a path as `critiques[0].anchor.end`; the empty path is `(task)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(task)' : out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

const anchorForms = 'an anchor is exactly one of {"start", "end"}, {"quote", "prefix"?, "suffix"?} or {"lines": [first, last], "side"?}';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Turns zod issues into `path: message` pairs a researcher can act on. */
function describeIssues(raw: unknown, issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): TaskIssue[] {
  const out: TaskIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // Anchors are the only unions: pick the form the writer meant by its keys.
      const value = valueAt(raw, path);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        out.push({ path: formatPath(path), message: `expected an object, got ${typeName(value)}: ${anchorForms}` });
        continue;
      }
      const keys = Object.keys(value);
      const branch = keys.includes('lines') ? 2 : keys.includes('quote') ? 1 : keys.includes('start') || keys.includes('end') ? 0 : -1;
      const chosen = branch >= 0 ? issue.errors[branch] : undefined;
      if (!chosen) {
        out.push({ path: formatPath(path), message: anchorForms });
        continue;
      }
      out.push(...describeIssues(raw, chosen, path));
      continue;
    }
    let message = issue.message;
    if (issue.code === 'invalid_type') {
      const got = valueAt(raw, path);
      message = got === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${typeName(got)}`;
    } else if (issue.code === 'unrecognized_keys') {
      message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}${path.some((p) => p === 'anchor') ? `: ${anchorForms}` : ''}`;
    }
    out.push({ path: formatPath(path), message });
  }
  return out;
}

// A hand-written check of exactly the rules of TaskSchema, for speed: on a valid task (nearly every
// line of a real package) it replaces the zod parse, which is the slowest part of an import. Anything
// it does not accept goes through zod, which decides and words the errors. A property test keeps
// the two in agreement (test/shared/task-format-fast.test.ts).
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const severities: ReadonlySet<unknown> = new Set(['minor', 'major', 'critical']);
const optSeverity = (v: unknown): boolean => v === undefined || severities.has(v);
const natural = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

function onlyKeys(o: Json, allowed: readonly string[]): boolean {
  for (const k in o) if (!allowed.includes(k)) return false;
  return true;
}

function anchorShape(a: unknown): boolean {
  if (!isObject(a)) return false;
  if ('lines' in a) {
    const l = a['lines'];
    return Array.isArray(l) && l.length === 2 && natural(l[0], 1) && natural(l[1], 1) && (l[0] as number) <= (l[1] as number) && (a['side'] === undefined || a['side'] === 'output' || a['side'] === 'base') && onlyKeys(a, ['lines', 'side']);
  }
  if ('quote' in a) return nonEmpty(a['quote']) && optString(a['prefix']) && optString(a['suffix']) && onlyKeys(a, ['quote', 'prefix', 'suffix']);
  return natural(a['start'], 0) && natural(a['end'], 0) && (a['start'] as number) < (a['end'] as number) && onlyKeys(a, ['start', 'end']);
}

function critiqueShape(c: unknown): boolean {
  if (!isObject(c)) return false;
  const score = c['score'];
  const evidence = c['evidence'];
  return (
    nonEmpty(c['id']) &&
    typeof c['text'] === 'string' &&
    (c['anchor'] === undefined || anchorShape(c['anchor'])) &&
    optSeverity(c['severity']) &&
    optString(c['category']) &&
    (score === undefined || (typeof score === 'number' && Number.isFinite(score))) &&
    optString(c['model']) &&
    (evidence === undefined || (Array.isArray(evidence) && evidence.every((e) => isObject(e) && anchorShape(e['anchor']) && optString(e['note'])))) &&
    (c['valid'] === undefined || typeof c['valid'] === 'boolean')
  );
}

function flawShape(f: unknown): boolean {
  if (!isObject(f)) return false;
  const critiques = f['critiques'];
  return (
    nonEmpty(f['id']) &&
    nonEmpty(f['description']) &&
    (f['anchor'] === undefined || anchorShape(f['anchor'])) &&
    optSeverity(f['severity']) &&
    optString(f['category']) &&
    (critiques === undefined || (Array.isArray(critiques) && critiques.every((x) => typeof x === 'string')))
  );
}

function contextShape(c: unknown): boolean {
  if (!isObject(c)) return false;
  const sections = c['sections'];
  return (
    optString(c['document']) &&
    optString(c['query']) &&
    optString(c['problem']) &&
    (sections === undefined || (Array.isArray(sections) && sections.every((x) => isObject(x) && typeof x['title'] === 'string' && optString(x['summary']) && optString(x['text']))))
  );
}

/** True when `raw` satisfies {@link TaskSchema} (a fast, conservative check; see above). */
export function hasTaskShape(raw: unknown): raw is TaskInput {
  if (!isObject(raw)) return false;
  const { critiques, flaws, context, meta } = raw;
  return (
    nonEmpty(raw['id']) &&
    (raw['kind'] === 'summary' || raw['kind'] === 'code') &&
    optString(raw['title']) &&
    typeof raw['output'] === 'string' &&
    (context === undefined || contextShape(context)) &&
    optString(raw['language']) &&
    optString(raw['base']) &&
    (critiques === undefined || (Array.isArray(critiques) && critiques.every(critiqueShape))) &&
    (flaws === undefined || (Array.isArray(flaws) && flaws.every(flawShape))) &&
    (meta === undefined || (isObject(meta) && [Object.prototype, null].includes(Object.getPrototypeOf(meta))))
  );
}

/**
 * Checks one parsed JSON value as a task: its shape (the zod schema), unique critique and flaw ids,
 * `flaws[].critiques` naming critiques of this task, and every anchor resolving (critique and flaw
 * anchors into `output`, or `base` for `side: "base"`; evidence anchors into `context.document`).
 */
export function validateTask(raw: unknown): TaskValidation {
  let task: TaskInput;
  if (hasTaskShape(raw)) {
    task = raw;
  } else {
    const parsed = TaskSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, issues: describeIssues(raw, parsed.error.issues) };
    task = parsed.data;
  }
  const issues: TaskIssue[] = [];
  const index = new TextIndex(task.output);
  const base = task.base ?? null;
  const document = task.context?.document;
  let docIndex: TextIndex | undefined;

  const resolveInOutput = (anchor: Anchor, path: string): ResolvedAnchor | null => {
    if ('lines' in anchor && anchor.side === 'base' && base === null) {
      issues.push({ path: `${path}.side`, message: 'side "base" needs a task with "base" (the original code)' });
      return null;
    }
    const r = resolveAnchor(anchor, task.output, { base, index });
    if (r.ok) return r.value;
    issues.push({ path: `${path}.${r.error.path}`, message: r.error.message });
    return null;
  };

  const critiqueIds = new Map<string, number>();
  const critiques = task.critiques ?? [];
  const critiqueAnchors: (ResolvedAnchor | null)[] = [];
  const critiqueEvidence: (ResolvedEvidence[] | null)[] = [];
  critiques.forEach((c, i) => {
    const at = `critiques[${i}]`;
    const seen = critiqueIds.get(c.id);
    if (seen !== undefined) issues.push({ path: `${at}.id`, message: `duplicate critique id "${c.id}" (also critiques[${seen}])` });
    else critiqueIds.set(c.id, i);
    critiqueAnchors.push(c.anchor ? resolveInOutput(c.anchor, `${at}.anchor`) : null);
    if (!c.evidence) {
      critiqueEvidence.push(null);
      return;
    }
    const evidence: ResolvedEvidence[] = [];
    c.evidence.forEach((e, j) => {
      const ep = `${at}.evidence[${j}].anchor`;
      if (document === undefined) {
        issues.push({ path: ep, message: 'evidence points into context.document, but the task has no context.document' });
        return;
      }
      if ('lines' in e.anchor && e.anchor.side === 'base') {
        issues.push({ path: `${ep}.side`, message: 'evidence anchors point into context.document; "side" must be "output" or absent' });
        return;
      }
      docIndex ??= new TextIndex(document);
      const r = resolveAnchor(e.anchor, document, { index: docIndex });
      if (r.ok) evidence.push({ ...e, resolved: r.value });
      else issues.push({ path: `${ep}.${r.error.path}`, message: `${r.error.message} (in context.document)` });
    });
    critiqueEvidence.push(evidence);
  });

  const flawIds = new Map<string, number>();
  const flawAnchors: (ResolvedAnchor | null)[] = [];
  (task.flaws ?? []).forEach((f, i) => {
    const at = `flaws[${i}]`;
    const seen = flawIds.get(f.id);
    if (seen !== undefined) issues.push({ path: `${at}.id`, message: `duplicate flaw id "${f.id}" (also flaws[${seen}])` });
    else flawIds.set(f.id, i);
    flawAnchors.push(f.anchor ? resolveInOutput(f.anchor, `${at}.anchor`) : null);
    (f.critiques ?? []).forEach((id, j) => {
      if (!critiqueIds.has(id)) issues.push({ path: `${at}.critiques[${j}]`, message: `unknown critique id "${id}" (not in this task's critiques)` });
    });
  });

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { task, critiqueAnchors, critiqueEvidence, flawAnchors } };
}

/** The JSON Schema (draft 2020-12) of one task line, generated from {@link TaskSchema}. */
export function taskJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(TaskSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: 'https://assay.invalid/schema/task-v1.schema.json',
    title: `Assay task package format v${TASK_FORMAT_VERSION}: one task (one line of a JSON Lines file)`,
    description:
      'Generated from shared/task-format.ts (do not edit by hand). Checks the shape only: unique ids, flaws[].critiques references and anchor resolution are checked by the importer. See docs/task-format.md.',
    ...rest,
  };
}
