import { z } from 'zod';
import { AnchorSchema, resolveAnchor, resolveTaskAnchor, TaskTextIndexes, TextAnchorSchema, TextIndex, type Anchor, type ResolvedAnchor, type TaskTexts } from './anchors.js';
import { KNOWN_FEATURES, RequiresSchema } from './requires.js';
import { fileListProblems, shownFile, TASK_PATH_PATTERN, taskPathProblem, TaskFileSchema, type TaskFile } from './task-files.js';

// The task package format (docs/task-format.md): version 1, and its minor version 1.1, which adds
// multi-file code tasks (`files`, anchors with `path`) and `requires`. Every v1 line is a valid 1.1
// line and means the same; the importer reads 1.1.

export { AnchorSchema, TextAnchorSchema, type Anchor } from './anchors.js';

/** Severity of a critique or flaw. */
export const SeveritySchema = z.enum(['minor', 'major', 'critical']);
/** Severity of a critique or flaw. */
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * Evidence for a critique: a place in `context.document`. Open like every object of the format
 * except anchors: unknown fields (a source URL, a retrieval score) are kept and exported, and never
 * shown to evaluators. Its anchor has no `path`.
 */
export const EvidenceSchema = z.object({ anchor: TextAnchorSchema, note: z.string().optional() }).passthrough();

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

/** The critique, flaw and task schemas over an anchor schema (v1's without `path`, 1.1's with it). */
function schemasFor<A extends z.ZodType>(anchor: A) {
  const critique = z
    .object({
      id: z.string().min(1),
      // required, but may be empty: real released data has empty critiques (one in Saunders et al.'s test split)
      text: z.string(),
      anchor: anchor.optional(),
      severity: SeveritySchema.optional(),
      category: z.string().optional(),
      score: z.number().finite().optional(),
      model: z.string().optional(),
      evidence: z.array(EvidenceSchema).optional(),
      valid: z.boolean().optional(),
    })
    .passthrough();
  const flaw = z
    .object({
      id: z.string().min(1),
      description: z.string().min(1),
      anchor: anchor.optional(),
      severity: SeveritySchema.optional(),
      category: z.string().optional(),
      critiques: z.array(z.string()).optional(),
    })
    .passthrough();
  const fields = {
    id: z.string().min(1),
    kind: z.enum(['summary', 'code']),
    title: z.string().optional(),
    output: z.string(),
    context: ContextSchema.optional(),
    language: z.string().optional(),
    base: z.string().optional(),
    critiques: z.array(critique).optional(),
    flaws: z.array(flaw).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  };
  return { critique, flaw, fields };
}

const v1 = schemasFor(TextAnchorSchema);
const v11 = schemasFor(AnchorSchema);

/** A task of task package format version 1, exactly (the JSON Schema in schema/task-v1.schema.json). */
export const TaskSchemaV1 = z.object(v1.fields).passthrough();

/** A model-written critique of the output. */
export const CritiqueSchema = v11.critique;
/** A model-written critique as written in a task package. */
export type CritiqueInput = z.infer<typeof CritiqueSchema>;

/** A ground-truth flaw: never shown to evaluators. */
export const FlawSchema = v11.flaw;
/** A ground-truth flaw as written in a task package. */
export type FlawInput = z.infer<typeof FlawSchema>;

/**
 * A task of task package format 1.1 (one JSON object per line; see docs/task-format.md): v1, plus a
 * code task may hold `files` instead of `output`/`base` (exactly one of `output` and `files`), anchors
 * may name a file by `path`, and `requires` lists the features a reader must know.
 */
export const TaskSchema = z
  .object({
    ...v11.fields,
    output: z.string().optional(),
    files: z.array(TaskFileSchema).min(1, 'a multi-file task has at least one file').optional(),
    requires: RequiresSchema.optional(),
  })
  .passthrough()
  .superRefine(
    (parsed, ctx) => {
      // Runs even when other fields have problems (`when`), so that one pass lists them all; the
      // value may then be partly invalid, hence the checks on the raw value.
      const t = parsed as Record<string, unknown>;
      if (t['files'] === undefined) {
        if (t['output'] === undefined) ctx.addIssue({ code: 'custom', path: ['output'], message: 'required (string)' });
        return;
      }
      if (t['output'] !== undefined) ctx.addIssue({ code: 'custom', path: ['files'], message: 'a task has either "output" or "files", not both' });
      if (t['kind'] !== 'code') ctx.addIssue({ code: 'custom', path: ['files'], message: 'only code tasks have "files"' });
      if (t['base'] !== undefined) ctx.addIssue({ code: 'custom', path: ['base'], message: 'a multi-file task keeps "base" in each file (files[].base), not beside them' });
    },
    { when: (payload) => payload.value !== null && typeof payload.value === 'object' && !Array.isArray(payload.value) },
  );
/** A task as written in a task package. */
export type TaskInput = z.infer<typeof TaskSchema>;

/** The texts of a task: its output and base, or its files. */
export function taskTexts(task: Pick<TaskInput, 'output' | 'base' | 'files'>): TaskTexts {
  return task.files ? { output: '', base: null, files: task.files.map(shownFile) } : { output: task.output ?? '', base: task.base ?? null, files: null };
}

/** The files of a task as shown, or null for a single-file task. */
export function taskFiles(task: Pick<TaskInput, 'files'>): TaskFile[] | null {
  return task.files ? task.files.map(shownFile) : null;
}

// ---------------------------------------------------------------------------------------------
// Validation beyond the shape: unique ids, cross-references and anchors that resolve.

/** The version of the task package format this build reads: 1.1 (which reads every v1 line as v1 meant it). */
export const TASK_FORMAT_VERSION = '1.1';

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
  /** The texts the anchors point into (output and base, or the files). */
  readonly texts: TaskTexts;
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

const optPath = (v: unknown): boolean => v === undefined || (typeof v === 'string' && taskPathProblem(v) === null);

function anchorShape(a: unknown, withPath: boolean): boolean {
  if (!isObject(a)) return false;
  const path = withPath ? optPath(a['path']) : a['path'] === undefined;
  const p = withPath ? ['path'] : [];
  if ('lines' in a) {
    const l = a['lines'];
    return Array.isArray(l) && l.length === 2 && natural(l[0], 1) && natural(l[1], 1) && (l[0] as number) <= (l[1] as number) && (a['side'] === undefined || a['side'] === 'output' || a['side'] === 'base') && path && onlyKeys(a, ['lines', 'side', ...p]);
  }
  if ('quote' in a) return nonEmpty(a['quote']) && optString(a['prefix']) && optString(a['suffix']) && path && onlyKeys(a, ['quote', 'prefix', 'suffix', ...p]);
  return natural(a['start'], 0) && natural(a['end'], 0) && (a['start'] as number) < (a['end'] as number) && path && onlyKeys(a, ['start', 'end', ...p]);
}

function critiqueShape(c: unknown): boolean {
  if (!isObject(c)) return false;
  const score = c['score'];
  const evidence = c['evidence'];
  return (
    nonEmpty(c['id']) &&
    typeof c['text'] === 'string' &&
    (c['anchor'] === undefined || anchorShape(c['anchor'], true)) &&
    optSeverity(c['severity']) &&
    optString(c['category']) &&
    (score === undefined || (typeof score === 'number' && Number.isFinite(score))) &&
    optString(c['model']) &&
    (evidence === undefined || (Array.isArray(evidence) && evidence.every((e) => isObject(e) && anchorShape(e['anchor'], false) && optString(e['note'])))) &&
    (c['valid'] === undefined || typeof c['valid'] === 'boolean')
  );
}

function flawShape(f: unknown): boolean {
  if (!isObject(f)) return false;
  const critiques = f['critiques'];
  return (
    nonEmpty(f['id']) &&
    nonEmpty(f['description']) &&
    (f['anchor'] === undefined || anchorShape(f['anchor'], true)) &&
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

function fileShape(f: unknown): boolean {
  return (
    isObject(f) &&
    typeof f['path'] === 'string' &&
    taskPathProblem(f['path']) === null &&
    typeof f['output'] === 'string' &&
    optString(f['base']) &&
    optString(f['language']) &&
    (f['deleted'] === undefined || typeof f['deleted'] === 'boolean') &&
    optPath(f['renamed_from'])
  );
}

function requiresShape(r: unknown): boolean {
  return Array.isArray(r) && r.every((x) => isObject(x) && nonEmpty(x['feature']) && nonEmpty(x['assay']));
}

/** True when `raw` satisfies {@link TaskSchema} (a fast, conservative check; see above). */
export function hasTaskShape(raw: unknown): raw is TaskInput {
  if (!isObject(raw)) return false;
  const { critiques, flaws, context, meta, files, requires } = raw;
  const texts =
    files === undefined
      ? typeof raw['output'] === 'string' && optString(raw['base'])
      : raw['output'] === undefined && raw['base'] === undefined && raw['kind'] === 'code' && Array.isArray(files) && files.length > 0 && files.every(fileShape);
  return (
    nonEmpty(raw['id']) &&
    (raw['kind'] === 'summary' || raw['kind'] === 'code') &&
    optString(raw['title']) &&
    texts &&
    (context === undefined || contextShape(context)) &&
    optString(raw['language']) &&
    (critiques === undefined || (Array.isArray(critiques) && critiques.every(critiqueShape))) &&
    (flaws === undefined || (Array.isArray(flaws) && flaws.every(flawShape))) &&
    (requires === undefined || requiresShape(requires)) &&
    (meta === undefined || (isObject(meta) && [Object.prototype, null].includes(Object.getPrototypeOf(meta))))
  );
}

/**
 * Checks one parsed JSON value as a task: its shape (the zod schema), `requires` naming only features
 * this Assay knows, unique file paths, unique critique and flaw ids, `flaws[].critiques` naming
 * critiques of this task, and every anchor resolving (critique and flaw anchors into `output`, or
 * `base` for `side: "base"`, or the file their `path` names; evidence anchors into `context.document`).
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
  // `requires`: a feature this Assay does not know means the line cannot be read correctly here.
  (task.requires ?? []).forEach((r, i) => {
    if (!KNOWN_FEATURES.has(r.feature)) {
      issues.push({ path: `requires[${i}]`, message: `this task needs Assay ≥ ${r.assay} (feature "${r.feature}"), which this Assay does not know: update Assay to import it` });
    }
  });
  if (task.files) {
    for (const p of fileListProblems(task.files)) issues.push({ path: `files[${p.at}].${p.field}`, message: p.message });
  }
  if (issues.length > 0) return { ok: false, issues };
  const texts = taskTexts(task);
  const indexes = new TaskTextIndexes(texts);
  const document = task.context?.document;
  let docIndex: TextIndex | undefined;

  const resolveInTask = (anchor: Anchor, path: string): ResolvedAnchor | null => {
    const r = resolveTaskAnchor(anchor, texts, indexes);
    if (r.ok) return r.value;
    issues.push({ path: r.error.path === '(anchor)' ? path : `${path}.${r.error.path}`, message: r.error.message });
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
    critiqueAnchors.push(c.anchor ? resolveInTask(c.anchor, `${at}.anchor`) : null);
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
    flawAnchors.push(f.anchor ? resolveInTask(f.anchor, `${at}.anchor`) : null);
    (f.critiques ?? []).forEach((id, j) => {
      if (!critiqueIds.has(id)) issues.push({ path: `${at}.critiques[${j}]`, message: `unknown critique id "${id}" (not in this task's critiques)` });
    });
  });

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, value: { task, critiqueAnchors, critiqueEvidence, flawAnchors, texts } };
}

/** The task format versions that have a JSON Schema file (schema/task-v<version>.schema.json). */
export const TASK_SCHEMA_VERSIONS = ['1', '1.1'] as const;

/** The JSON Schema (draft 2020-12) of one task line of format `version`, generated from {@link TaskSchemaV1} or {@link TaskSchema}. */
export function taskJsonSchema(version: (typeof TASK_SCHEMA_VERSIONS)[number] = '1'): Record<string, unknown> {
  const generated = z.toJSONSchema(version === '1' ? TaskSchemaV1 : TaskSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  const common = {
    $schema,
    $id: `https://assay.invalid/schema/task-v${version}.schema.json`,
    title: `Assay task package format v${version}: one task (one line of a JSON Lines file)`,
  };
  const checks = 'Checks the shape only: unique ids, flaws[].critiques references and anchor resolution are checked by the importer.';
  if (version === '1') return { ...common, description: `Generated from shared/task-format.ts (do not edit by hand). ${checks} See docs/task-format.md.`, ...rest };
  // What zod's refinements say, in JSON Schema terms: paths by pattern, and exactly one of output and files.
  addPathPatterns(rest);
  return {
    ...common,
    description: `Generated from shared/task-format.ts (do not edit by hand). ${checks} Also checked by the importer only: unique file paths, anchors with "path" only in multi-file tasks (where they need one). See docs/task-format.md.`,
    ...rest,
    oneOf: [
      { required: ['output'], not: { required: ['files'] } },
      { required: ['files'], not: { anyOf: [{ required: ['output'] }, { required: ['base'] }] }, properties: { kind: { const: 'code' } } },
    ],
  };
}

/** Gives every `path` and `renamed_from` string property of a generated schema the pattern of a task path. */
function addPathPatterns(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(addPathPatterns);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  const props = o['properties'];
  if (props !== null && typeof props === 'object') {
    for (const key of ['path', 'renamed_from']) {
      const p = (props as Record<string, Record<string, unknown> | undefined>)[key];
      if (p && p['type'] === 'string') p['pattern'] = TASK_PATH_PATTERN;
    }
  }
  for (const v of Object.values(o)) addPathPatterns(v);
}
