import { z } from 'zod';
import { findFile, TaskPathSchema, type TaskFile } from './task-files.js';
import { TextIndex } from './text-positions.js';

export { TextIndex } from './text-positions.js';

// Anchors: the schema of the three forms (this module owns it) and their resolution against a task's
// texts — the output (or `base`), or one file of a multi-file task named by `path`.

// The three anchor forms without `path` (task format v1), then with it (1.1). Union order matters:
// task-format.ts picks the branch the writer meant by its keys.
const rangeFields = { start: z.number().int().nonnegative(), end: z.number().int().nonnegative() };
const quoteFields = { quote: z.string().min(1), prefix: z.string().optional(), suffix: z.string().optional() };
const linesFields = {
  lines: z
    .tuple([z.number().int().min(1), z.number().int().min(1)])
    .refine(([a, b]) => a <= b, { message: 'first line must not be after last line' }),
  side: z.enum(['output', 'base']).optional(),
};
const startBeforeEnd = { message: 'start must be less than end', path: ['end'] };
const pathField = { path: TaskPathSchema.optional() };

/**
 * An anchor: exactly one of a code-point range `{start, end}`, a quote `{quote, prefix?, suffix?}`
 * (W3C TextQuoteSelector semantics) or 1-based inclusive lines `{lines: [first, last], side?}`, each
 * with an optional `path` (task format 1.1: which file of a multi-file task; required there, refused
 * elsewhere). Anchors are the one closed object of the format: an unknown key could change what the
 * anchor points at (an `exact` flag, a misspelt `path`), and ignoring it would anchor to the wrong
 * place silently.
 */
export const AnchorSchema = z.union([
  z.object({ ...rangeFields, ...pathField }).strict().refine((a) => a.start < a.end, startBeforeEnd),
  z.object({ ...quoteFields, ...pathField }).strict(),
  z.object({ ...linesFields, ...pathField }).strict(),
]);
/** An anchor as written in a task package. */
export type Anchor = z.infer<typeof AnchorSchema>;

/**
 * An anchor into one text, without `path`: task format v1's anchors, and evidence anchors (they point
 * into `context.document`, where a path means nothing and is refused as an unknown field).
 */
export const TextAnchorSchema = z.union([
  z.object(rangeFields).strict().refine((a) => a.start < a.end, startBeforeEnd),
  z.object(quoteFields).strict(),
  z.object(linesFields).strict(),
]);
/** An anchor without `path`. */
export type TextAnchor = z.infer<typeof TextAnchorSchema>;

/**
 * An anchor resolved against its text. Ranges are half-open; `start`/`end` count Unicode code
 * points (the task format's unit, Python string indices), `start16`/`end16` UTF-16 code units (what
 * JavaScript strings, the DOM and Monaco use). `lines` are the 1-based inclusive lines covered.
 */
export interface ResolvedAnchor {
  readonly start: number;
  readonly end: number;
  readonly start16: number;
  readonly end16: number;
  readonly lines: readonly [number, number];
  /** For code diffs: which text the anchor points into. */
  readonly side: 'output' | 'base';
  /** For multi-file tasks: the file it points into. */
  readonly path?: string;
}

/** Why an anchor could not be resolved; `path` is relative to the anchor. */
export interface AnchorError {
  readonly path: string;
  readonly message: string;
}

/** The result of resolving one anchor. */
export type AnchorResolution = { readonly ok: true; readonly value: ResolvedAnchor } | { readonly ok: false; readonly error: AnchorError };

function fromUtf16(index: TextIndex, start16: number, end16: number, side: 'output' | 'base'): ResolvedAnchor {
  const lastChar16 = Math.max(start16, end16 - 1);
  return {
    start: index.toCodePoint(start16),
    end: index.toCodePoint(end16),
    start16,
    end16,
    lines: [index.lineAt16(start16), index.lineAt16(lastChar16)],
    side,
  };
}

function allIndexesOf(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/**
 * Resolves an anchor against `text` (the output, or `base` for `side: "base"`, or the document for
 * evidence). A quote must match exactly one place once prefix and suffix are taken into account.
 */
export function resolveAnchor(anchor: Anchor, text: string, options: { base?: string | null; index?: TextIndex; baseIndex?: TextIndex } = {}): AnchorResolution {
  if ('lines' in anchor) {
    const side = anchor.side ?? 'output';
    if (side === 'base' && (options.base === undefined || options.base === null)) {
      return { ok: false, error: { path: 'side', message: 'side "base" needs a task with `base`' } };
    }
    const target = side === 'base' ? options.base! : text;
    const index = side === 'base' ? (options.baseIndex ?? new TextIndex(target)) : (options.index ?? new TextIndex(target));
    const [first, last] = anchor.lines;
    if (last > index.lineCount) {
      return { ok: false, error: { path: 'lines', message: `line ${last} is past the end (${index.lineCount} lines)` } };
    }
    const [s16, e16] = index.linesRange16(first, last);
    const r = fromUtf16(index, s16, e16, side);
    return { ok: true, value: { ...r, lines: [first, last] } };
  }
  const index = options.index ?? new TextIndex(text);
  if ('quote' in anchor) {
    const prefix = anchor.prefix ?? '';
    const suffix = anchor.suffix ?? '';
    const candidates = allIndexesOf(text, anchor.quote).filter(
      (i) => text.slice(Math.max(0, i - prefix.length), i) === prefix && text.startsWith(suffix, i + anchor.quote.length),
    );
    if (candidates.length === 0) {
      return { ok: false, error: { path: 'quote', message: `quote not found${prefix || suffix ? ' with that prefix/suffix' : ''}: ${JSON.stringify(anchor.quote.slice(0, 60))}` } };
    }
    if (candidates.length > 1) {
      return {
        ok: false,
        error: { path: 'quote', message: `quote matches ${candidates.length} places; add a prefix or suffix: ${JSON.stringify(anchor.quote.slice(0, 60))}` },
      };
    }
    const s16 = candidates[0]!;
    return { ok: true, value: fromUtf16(index, s16, s16 + anchor.quote.length, 'output') };
  }
  if (anchor.end > index.length) {
    return { ok: false, error: { path: 'end', message: `end ${anchor.end} is past the end of the text (${index.length} code points)` } };
  }
  if (anchor.start >= anchor.end) return { ok: false, error: { path: 'start', message: 'start must be less than end' } };
  return { ok: true, value: fromUtf16(index, index.toUtf16(anchor.start), index.toUtf16(anchor.end), 'output') };
}

/** The texts an anchor can point into: a task's output and base, or its files (multi-file tasks). */
export interface TaskTexts {
  readonly output: string;
  readonly base: string | null;
  /** The files of a multi-file task (task format 1.1); then `output` is empty and `base` null. */
  readonly files?: readonly TaskFile[] | null;
}

/** TextIndex per text of one task, so that resolving many anchors of a task scans each text once. */
export class TaskTextIndexes {
  private readonly cache = new Map<string, TextIndex>();
  constructor(readonly task: TaskTexts) {}

  /** The index of the output (`path` null) or of a file's output or base. */
  index(path: string | null, side: 'output' | 'base', text: string): TextIndex {
    const key = `${side}\u0000${path ?? ''}`;
    let index = this.cache.get(key);
    if (!index || index.text !== text) this.cache.set(key, (index = new TextIndex(text)));
    return index;
  }
}

const listPaths = (files: readonly TaskFile[]): string =>
  `${files
    .slice(0, 5)
    .map((f) => JSON.stringify(f.path))
    .join(', ')}${files.length > 5 ? `, … (${files.length} files)` : ''}`;

/**
 * Resolves an anchor against a task: into `output` (or `base` for `side: "base"`), or — for a
 * multi-file task — into the file its `path` names (which it must name). The resolved anchor
 * carries that `path`. Errors name the anchor's field (`path`, `side`, `lines`, …).
 */
export function resolveTaskAnchor(anchor: Anchor, task: TaskTexts, indexes: TaskTextIndexes = new TaskTextIndexes(task)): AnchorResolution {
  const files = task.files ?? null;
  if (files === null) {
    if (anchor.path !== undefined) return { ok: false, error: { path: 'path', message: `"path" points into a file of a multi-file task, but this task has no "files"` } };
    if ('lines' in anchor && anchor.side === 'base') {
      if (task.base === null) return { ok: false, error: { path: 'side', message: 'side "base" needs a task with "base" (the original code)' } };
      return resolveAnchor(anchor, task.output, { base: task.base, baseIndex: indexes.index(null, 'base', task.base) });
    }
    return resolveAnchor(anchor, task.output, { base: task.base, index: indexes.index(null, 'output', task.output) });
  }
  if (anchor.path === undefined) {
    return { ok: false, error: { path: '(anchor)', message: `the task has ${files.length} file${files.length === 1 ? '' : 's'}: say which with "path" (${listPaths(files)})` } };
  }
  const file = findFile(files, anchor.path);
  if (!file) return { ok: false, error: { path: 'path', message: `no file ${JSON.stringify(anchor.path)} in this task (files: ${listPaths(files)})` } };
  const base = file.base ?? null;
  const side = 'lines' in anchor ? (anchor.side ?? 'output') : 'output';
  if (file.deleted === true && side === 'output') {
    return { ok: false, error: { path: 'lines' in anchor ? 'side' : '(anchor)', message: `${JSON.stringify(file.path)} was deleted: anchor its old lines with {"lines": […], "side": "base"}` } };
  }
  if ('lines' in anchor && anchor.side === 'base' && base === null) {
    return { ok: false, error: { path: 'side', message: `side "base" needs a file with "base": ${JSON.stringify(file.path)} is a new file` } };
  }
  const r = resolveAnchor(anchor, file.output, {
    base,
    index: indexes.index(file.path, 'output', file.output),
    ...(base !== null ? { baseIndex: indexes.index(file.path, 'base', base) } : {}),
  });
  return r.ok ? { ok: true, value: { ...r.value, path: file.path } } : r;
}

/** True when two resolved text anchors share at least one code point (in the same file). */
export function rangesOverlap(a: Pick<ResolvedAnchor, 'start' | 'end' | 'path'>, b: Pick<ResolvedAnchor, 'start' | 'end' | 'path'>): boolean {
  return (a.path ?? null) === (b.path ?? null) && a.start < b.end && b.start < a.end;
}

/** True when two resolved code anchors' line ranges on the same side of the same file intersect. */
export function linesOverlap(a: Pick<ResolvedAnchor, 'lines' | 'side' | 'path'>, b: Pick<ResolvedAnchor, 'lines' | 'side' | 'path'>): boolean {
  return (a.path ?? null) === (b.path ?? null) && a.side === b.side && a.lines[0] <= b.lines[1] && b.lines[0] <= a.lines[1];
}
