import crypto from 'node:crypto';
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { TextIndex } from '../../../../shared/anchors.js';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { DEFAULT_MAX_LINE_BYTES, firstInvalidUtf8 } from '../lines.js';
import { mapRow, type FieldMapping } from './field-map.js';
import { keyPath } from './jsonl-map.js';
import { checkSpan } from './spans.js';
import { isObject, parseForeignJson, type SourceContext, type TaskSource } from './source.js';

// Prodigy JSONL → tasks. Examples with the same `_input_hash` (or, without one, the same text) are
// one task: `text` is the output; every distinct span (start, end, label) over its examples is a
// critique anchored there (its label is the critique's text and category); an example without
// `spans` but with a `label` (a binary text-classification question) is a critique about the whole
// output. Every example is kept in `meta.prodigy.examples` with its fields (answer, hashes,
// annotator, session, timestamp, …) and the ids of its spans' critiques, so that `assay export
// prodigy` gives the file back. Mapping, field by field: docs/interop.md.

/** One line of a JSONL file with its byte range (for reading it again). */
interface LineRef {
  readonly line: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * Reads a JSON Lines file line by line with each line's byte offset, holding one line at a time.
 * `onLine` gets the text (UTF-8 checked, CR and a first-line byte-order mark removed) or an error.
 */
export function readLineRefs(file: string, onLine: (ref: LineRef, text: string | null, error: string | null) => void, maxLineBytes = DEFAULT_MAX_LINE_BYTES): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let parts: Buffer[] = [];
    let size = 0;
    let overlong = false;
    let lineStart = 0;
    let position = 0;
    let line = 0;
    const emit = (end: number): void => {
      line++;
      const ref = { line, offset: lineStart, length: end - lineStart };
      let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      parts = [];
      size = 0;
      if (overlong) {
        overlong = false;
        onLine(ref, null, `line is longer than the limit of ${maxLineBytes} bytes`);
        return;
      }
      if (line === 1 && bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
      if (!isUtf8(bytes)) onLine(ref, null, `not valid UTF-8 (byte ${firstInvalidUtf8(bytes) + 1} of the line)`);
      else onLine(ref, bytes.toString('utf8'), null);
    };
    const append = (b: Buffer): void => {
      if (overlong || b.length === 0) return;
      if (size + b.length > maxLineBytes) {
        overlong = true;
        parts = [];
        size = 0;
        return;
      }
      parts.push(Buffer.from(b));
      size += b.length;
    };
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      let from = 0;
      while (from < n) {
        const nl = buffer.indexOf(0x0a, from);
        if (nl === -1 || nl >= n) {
          append(buffer.subarray(from, n));
          break;
        }
        append(buffer.subarray(from, nl));
        emit(position + nl);
        lineStart = position + nl + 1;
        from = nl + 1;
      }
      position += n;
    }
    if (size > 0 || overlong) emit(position);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads the given lines again by their byte ranges. */
function readRefs(fd: number, refs: readonly LineRef[]): string[] {
  return refs.map((r) => {
    const b = Buffer.alloc(r.length);
    fs.readSync(fd, b, 0, r.length, r.offset);
    let bytes = r.line === 1 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, -1);
    return bytes.toString('utf8');
  });
}

/** The id of the critique for a span (stable across files: the same span of the same text gets the same id). */
export function spanCritiqueId(start: number, end: number, label: string | undefined): string {
  const tail = label === undefined ? '' : label.length <= 80 ? `-${label}` : `-${crypto.createHash('sha256').update(label).digest('hex').slice(0, 16)}`;
  return `span-${start}-${end}${tail}`;
}

/** The id of the critique for an example's whole-output `label`. */
export function labelCritiqueId(label: string): string {
  return `label-${label.length <= 80 ? label : crypto.createHash('sha256').update(label).digest('hex').slice(0, 16)}`;
}

/** The group an example belongs to: its `_input_hash`, else a hash of its text. */
export function inputKey(example: Record<string, unknown>): string | null {
  const h = example['_input_hash'];
  if (typeof h === 'number' || typeof h === 'string') return String(h);
  if (typeof example['text'] === 'string') return `t${crypto.createHash('sha256').update(example['text']).digest('hex').slice(0, 12)}`;
  return null;
}

/** The task id for a group when `--map id=…` does not say otherwise. */
export function defaultProdigyTaskId(key: string): string {
  return `prodigy-${key}`;
}

/** The mappings for Prodigy: `output=text` unless `--map` says otherwise; sources are example keys. */
export function prodigyMappings(user: readonly FieldMapping[] | undefined): FieldMapping[] {
  const mappings = [...(user ?? [])];
  if (!mappings.some((m) => m.target === 'output')) mappings.unshift({ target: 'output', source: { column: 'text' } });
  return mappings;
}

/** A span of an example, checked, and the critique it is. */
export interface ExampleSpan {
  readonly critique: string;
  readonly start: number;
  readonly end: number;
  readonly label: string | undefined;
  /** The span's other fields (token_start, token_end, text, source, …). */
  readonly extra: Record<string, unknown>;
  readonly keys: readonly string[];
}

/** An example read from the file, with its critiques. */
export interface ParsedExample {
  readonly line: number;
  readonly value: Record<string, unknown>;
  readonly spans: readonly ExampleSpan[] | null;
  /** The whole-output critique of a `label` without spans. */
  readonly labelCritique: string | null;
}

/**
 * Reads the spans (or the whole-output `label`) of one example against the output; reports problems
 * at `where` and returns null when the example cannot be used.
 */
export function exampleCritiques(ctx: Pick<SourceContext, 'error' | 'warn'>, example: Record<string, unknown>, output: string, index: TextIndex, line: number): ParsedExample | null {
  const where = String(line);
  const spans = example['spans'];
  if (spans === undefined || spans === null) {
    const label = example['label'];
    return { line, value: example, spans: null, labelCritique: typeof label === 'string' && label !== '' ? labelCritiqueId(label) : null };
  }
  if (!Array.isArray(spans)) {
    ctx.error(where, 'spans', 'must be a list');
    return null;
  }
  const out: ExampleSpan[] = [];
  let ok = true;
  spans.forEach((s, k) => {
    if (!isObject(s)) {
      ctx.error(where, `spans[${k}]`, 'expected an object with start, end and label');
      ok = false;
      return;
    }
    const check = checkSpan(output, index, s['start'], s['end'], s['text']);
    if (!check.ok) {
      ctx.error(where, `spans[${k}]`, check.message);
      ok = false;
      return;
    }
    if (check.repaired) ctx.warn(where, `spans[${k}]: ${check.repaired}`);
    const label = typeof s['label'] === 'string' ? s['label'] : undefined;
    if (s['label'] !== undefined && label === undefined) {
      ctx.error(where, `spans[${k}].label`, 'must be text');
      ok = false;
      return;
    }
    const { start: _s, end: _e, label: _l, ...extra } = s;
    out.push({ critique: spanCritiqueId(check.start, check.end, label), start: check.start, end: check.end, label, extra, keys: Object.keys(s) });
  });
  return ok ? { line, value: example, spans: out, labelCritique: null } : null;
}

/** A group of examples of one input: the lines they are on. */
export interface ExampleGroup {
  readonly key: string;
  readonly refs: LineRef[];
}

/**
 * Pass 1 over a Prodigy file: every line parsed (errors reported), grouped by input in the order
 * inputs first appear. Only line positions are kept, never the texts, so memory stays small.
 */
export function groupExamples(ctx: Pick<SourceContext, 'file' | 'error'>): ExampleGroup[] {
  const groups = new Map<string, ExampleGroup>();
  readLineRefs(ctx.file, (ref, text, error) => {
    const where = String(ref.line);
    if (error !== null) {
      ctx.error(where, '(line)', error);
      return;
    }
    if (text!.trim() === '') return;
    const parsed = parseForeignJson(text!);
    if (!parsed.ok) {
      ctx.error(where, parsed.field, parsed.message);
      return;
    }
    if (!isObject(parsed.value)) {
      ctx.error(where, '(json)', 'expected a Prodigy example (a JSON object)');
      return;
    }
    const key = inputKey(parsed.value);
    if (key === null) {
      ctx.error(where, 'text', 'required: a Prodigy example needs its text (or an _input_hash)');
      return;
    }
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, refs: [] }));
    g.refs.push(ref);
  });
  return [...groups.values()];
}

/** Pass 2: the examples of one group, parsed again from their byte ranges. */
export function readGroup(fd: number, group: ExampleGroup): { line: number; value: Record<string, unknown> }[] {
  return readRefs(fd, group.refs).map((text, i) => ({ line: group.refs[i]!.line, value: parseUntrustedJson(text) as Record<string, unknown> }));
}

/** What `meta.prodigy` holds (see docs/interop.md). */
export interface ProdigyMeta {
  /** The example key that held the output (`text`). */
  readonly text_key: string;
  readonly examples: readonly {
    readonly keys: readonly string[];
    readonly fields: Record<string, unknown>;
    readonly spans?: readonly { readonly critique: string; readonly keys: readonly string[]; readonly extra: Record<string, unknown> }[];
    readonly label?: string;
  }[];
}

function buildTask(ctx: SourceContext, group: ExampleGroup, examples: { line: number; value: Record<string, unknown> }[], mappings: readonly FieldMapping[]): Record<string, unknown> | null {
  const first = examples[0]!;
  const where = String(first.line);
  const outputMap = mappings.find((m) => m.target === 'output')!;
  const textKey = 'column' in outputMap.source ? outputMap.source.column : 'text';
  const { task, problems } = mapRow(mappings, (c) => keyPath(first.value, c), { defaultId: defaultProdigyTaskId(group.key), parseJson: parseUntrustedJson });
  for (const p of problems) ctx.error(where, p.field, p.message);
  const output = task['output'];
  if (problems.length > 0) return null;
  if (typeof output !== 'string') {
    ctx.error(where, textKey, 'required (string): the text of the example');
    return null;
  }
  let ok = true;
  const index = new TextIndex(output);
  const critiques = new Map<string, Record<string, unknown>>();
  const stored: ProdigyMeta['examples'][number][] = [];
  for (const ex of examples) {
    if (ex.value[textKey] !== output) {
      ctx.error(String(ex.line), textKey, `differs from line ${first.line}, which has the same _input_hash`);
      ok = false;
      continue;
    }
    const parsed = exampleCritiques(ctx, ex.value, output, index, ex.line);
    if (!parsed) {
      ok = false;
      continue;
    }
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ex.value)) {
      if (k === textKey || (k === 'spans' && parsed.spans) || (k === 'label' && parsed.labelCritique)) continue;
      fields[k] = v;
    }
    // An example about one critique may carry its text and severity in `meta` (as `assay export prodigy` writes them).
    const single = (parsed.spans?.length ?? 0) + (parsed.labelCritique ? 1 : 0) === 1;
    const exMeta = single && isObject(ex.value['meta']) ? ex.value['meta'] : {};
    const said = {
      ...(typeof exMeta['critique'] === 'string' ? { text: exMeta['critique'] } : {}),
      ...(exMeta['severity'] === 'minor' || exMeta['severity'] === 'major' || exMeta['severity'] === 'critical' ? { severity: exMeta['severity'] } : {}),
    };
    for (const s of parsed.spans ?? []) {
      if (!critiques.has(s.critique)) {
        critiques.set(s.critique, { id: s.critique, text: s.label ?? '', ...(s.label !== undefined ? { category: s.label } : {}), anchor: { start: s.start, end: s.end }, ...said });
      }
    }
    if (parsed.labelCritique && !critiques.has(parsed.labelCritique)) {
      const label = ex.value['label'] as string;
      critiques.set(parsed.labelCritique, { id: parsed.labelCritique, text: label, category: label, ...said });
    }
    stored.push({
      keys: Object.keys(ex.value),
      fields,
      ...(parsed.spans ? { spans: parsed.spans.map((s) => ({ critique: s.critique, keys: s.keys, extra: s.extra })) } : {}),
      ...(parsed.labelCritique ? { label: parsed.labelCritique } : {}),
    });
  }
  if (!ok) return null;
  const meta: ProdigyMeta = { text_key: textKey, examples: stored };
  const userMeta = isObject(task['meta']) ? task['meta'] : {};
  return { ...task, ...(critiques.size > 0 ? { critiques: [...critiques.values()] } : {}), meta: { ...userMeta, prodigy: meta } };
}

/** `--from prodigy`: Prodigy JSONL (db-out or a stream file); see also `--as-reviews`. */
export const prodigySource: TaskSource = {
  name: 'prodigy',
  summary: 'Prodigy JSONL: examples of one input (_input_hash) are one task, text the output, spans the critiques (offsets checked against span text)',
  extensions: [],
  mapping: 'example-keys',
  columnNoun: 'key',
  locate: (line) => String(line),
  read(ctx) {
    const mappings = prodigyMappings(ctx.mappings);
    const groups = groupExamples(ctx);
    if (ctx.failed) return Promise.resolve();
    const fd = fs.openSync(ctx.file, 'r');
    try {
      for (const g of groups) {
        const task = buildTask(ctx, g, readGroup(fd, g), mappings);
        if (task) ctx.emit(task, g.refs[0]!.line);
      }
    } finally {
      fs.closeSync(fd);
    }
    return Promise.resolve();
  },
};
