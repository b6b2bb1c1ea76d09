// `--map "output=summary,context.document=article,id=uid"`: which column (or key) of a foreign row
// becomes which field of a task. Pure: parsing the flag and turning one row into a task object; the
// task object then goes to the one importer (tasks/import.ts), which validates it like any line.

/** Where a mapped value comes from: a column (or key path) of the row, or a constant. */
export type MapSource = { readonly column: string } | { readonly literal: string };

/** One `target=source` entry of `--map`. */
export interface FieldMapping {
  readonly target: string;
  readonly source: MapSource;
}

/** Task fields a mapping may fill with text (numbers are turned into text). */
const textTargets = ['id', 'kind', 'title', 'output', 'language', 'base'] as const;
/** Task fields filled with a list: a list column, or a cell holding a JSON array. */
const listTargets = ['critiques', 'flaws', 'context.sections'] as const;
/** Context fields that are text. */
const contextText = ['context.document', 'context.query', 'context.problem'] as const;

/** Every target name `--map` accepts, for messages (`context.NAME` and `meta.NAME` take any NAME). */
export const mapTargets: readonly string[] = [...textTargets, ...contextText, ...listTargets, 'context.NAME', 'meta.NAME'];

/** A `--map` that cannot be parsed; the message says where. */
export class FieldMapError extends Error {}

function isTarget(target: string): boolean {
  if ((textTargets as readonly string[]).includes(target) || (listTargets as readonly string[]).includes(target)) return true;
  const m = /^(context|meta)\.(.+)$/.exec(target);
  return m !== null && m[2]!.trim() === m[2] && !m[2]!.includes('.');
}

/**
 * Parses `--map`: comma-separated `target=source` entries. A source is a column name, `"a quoted
 * column, with commas"` (`""` for a quote), or `'a constant'` (`''` for an apostrophe), e.g.
 * `kind='code'`. Targets are task fields (`output`, `context.document`, `meta.source`, …).
 */
export function parseFieldMap(spec: string): FieldMapping[] {
  const out: FieldMapping[] = [];
  let i = 0;
  const fail = (message: string): never => {
    throw new FieldMapError(`--map: ${message} (at character ${i + 1} of "${spec}")`);
  };
  const skipSpace = (): void => {
    while (i < spec.length && (spec[i] === ' ' || spec[i] === '\t')) i++;
  };
  while (i < spec.length) {
    skipSpace();
    const eq = spec.indexOf('=', i);
    if (eq === -1) fail('expected target=source');
    const target = spec.slice(i, eq).trim();
    if (target === '') fail('a target field is missing before "="');
    if (!isTarget(target)) fail(`unknown target field "${target}" (known: ${mapTargets.join(', ')})`);
    if (out.some((m) => m.target === target)) fail(`"${target}" is mapped twice`);
    i = eq + 1;
    skipSpace();
    let source: MapSource;
    const quote = spec[i];
    if (quote === '"' || quote === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= spec.length) fail(`unterminated ${quote === '"' ? 'quoted column' : 'constant'}`);
        if (spec[i] === quote) {
          if (spec[i + 1] === quote) {
            value += quote;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += spec[i];
        i++;
      }
      source = quote === '"' ? { column: value } : { literal: value };
      skipSpace();
      if (i < spec.length && spec[i] !== ',') fail('expected "," after the closing quote');
    } else {
      const comma = spec.indexOf(',', i);
      const end = comma === -1 ? spec.length : comma;
      const column = spec.slice(i, end).trim();
      i = end;
      source = { column };
    }
    if ('column' in source && source.column === '') fail(`no column given for "${target}"`);
    out.push({ target, source });
    if (spec[i] === ',') {
      i++;
      if (spec.slice(i).trim() === '') fail('a mapping is missing after the last ","');
    }
  }
  if (out.length === 0) throw new FieldMapError('--map: no mappings given');
  return out;
}

/** The mappings used when `--map` is not given: every column named like a task field. */
export function defaultFieldMap(columns: readonly string[]): FieldMapping[] {
  const out: FieldMapping[] = [];
  const has = (c: string): boolean => columns.includes(c);
  for (const t of [...textTargets, 'critiques', 'flaws'] as const) if (has(t)) out.push({ target: t, source: { column: t } });
  for (const t of [...contextText, 'context.sections'] as const) {
    const short = t.slice('context.'.length);
    if (has(t)) out.push({ target: t, source: { column: t } });
    else if (has(short)) out.push({ target: t, source: { column: short } });
  }
  return out;
}

/** A problem with one mapped value: the task field, the column it came from, what is wrong. */
export interface MapProblem {
  readonly field: string;
  readonly message: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** A value read from a foreign file made JSON-safe: bigints become numbers (or text past 2^53), dates ISO text. */
export function jsonSafe(value: unknown, path: string, problems: MapProblem[]): unknown {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    problems.push({ field: path, message: `${value} is not a finite number` });
    return undefined;
  }
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) {
    problems.push({ field: path, message: 'binary data (not text) cannot go into a task' });
    return undefined;
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, (v, i) => jsonSafe(v, `${path}[${i}]`, problems));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = jsonSafe(v, `${path}.${k}`, problems);
    return out;
  }
  problems.push({ field: path, message: `${typeof value} values cannot go into a task` });
  return undefined;
}

/** How the task object gets a list: a list value as it is, or text holding a JSON array (a CSV cell). */
function asList(value: unknown, field: string, problems: MapProblem[], parseJson: (text: string) => unknown): unknown[] | undefined {
  let v = value;
  if (typeof v === 'string') {
    if (v.trim() === '') return undefined;
    try {
      v = parseJson(v);
    } catch (err) {
      problems.push({ field, message: `not a JSON list: ${(err as Error).message}` });
      return undefined;
    }
  }
  if (!Array.isArray(v)) {
    problems.push({ field, message: `expected a list, got ${describe(v)}` });
    return undefined;
  }
  return v;
}

/** Options of {@link mapRow}. */
export interface MapRowOptions {
  /** The id when `id` is not mapped (e.g. `file-12` for row 12). */
  readonly defaultId: string;
  /** Parses JSON text found in a cell (the untrusted-JSON parser, with its nesting limit). */
  readonly parseJson: (text: string) => unknown;
  /** Empty text counts as missing (CSV cannot tell them apart), except for `output`. */
  readonly emptyIsMissing?: boolean;
}

/**
 * Turns one row into a task object. `get` reads a column (undefined: the row has no such column or
 * key). Missing values leave their field out, so the importer reports a required one as missing.
 */
export function mapRow(mappings: readonly FieldMapping[], get: (column: string) => unknown, options: MapRowOptions): { task: Record<string, unknown>; problems: MapProblem[] } {
  const problems: MapProblem[] = [];
  const task: Record<string, unknown> = { id: options.defaultId, kind: 'summary' };
  const context: Record<string, unknown> = {};
  const meta: Record<string, unknown> = {};
  for (const m of mappings) {
    const raw = 'literal' in m.source ? m.source.literal : get(m.source.column);
    const value = jsonSafe(raw, m.target, problems);
    if (value === undefined || value === null) {
      if (m.target === 'output' || m.target === 'id') delete task[m.target];
      continue;
    }
    if (options.emptyIsMissing && value === '' && m.target !== 'output') {
      if (m.target === 'id') delete task['id'];
      continue;
    }
    const isText = (textTargets as readonly string[]).includes(m.target) || (contextText as readonly string[]).includes(m.target);
    let v: unknown = value;
    if (isText) {
      if (typeof value === 'number' || typeof value === 'boolean') v = String(value);
      else if (typeof value !== 'string') {
        problems.push({ field: m.target, message: `expected text, got ${describe(value)}` });
        continue;
      }
    } else if ((listTargets as readonly string[]).includes(m.target)) {
      const list = asList(value, m.target, problems, options.parseJson);
      if (!list) continue;
      v = m.target === 'context.sections' ? list : list.map((item, i) => listItem(m.target as 'critiques' | 'flaws', item, i));
    }
    if (m.target.startsWith('context.')) context[m.target.slice('context.'.length)] = v;
    else if (m.target.startsWith('meta.')) meta[m.target.slice('meta.'.length)] = v;
    else task[m.target] = v;
  }
  if (Object.keys(context).length > 0) task['context'] = context;
  if (Object.keys(meta).length > 0) task['meta'] = meta;
  return { task, problems };
}

/** A critique or flaw from a list item: text becomes `{id, text}` / `{id, description}`; an object without `id` gets one. */
function listItem(kind: 'critiques' | 'flaws', item: unknown, i: number): unknown {
  const id = `${kind === 'critiques' ? 'c' : 'f'}${i + 1}`;
  if (typeof item === 'string') return kind === 'critiques' ? { id, text: item } : { id, description: item };
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && !('id' in item)) return { id, ...item };
  return item;
}

/** The column a task field path (`context.document`, `critiques[2].text`) was mapped from, if any. */
export function columnOf(mappings: readonly FieldMapping[], fieldPath: string, noun = 'column'): string | null {
  let best: FieldMapping | null = null;
  for (const m of mappings) {
    if (fieldPath === m.target || fieldPath.startsWith(`${m.target}.`) || fieldPath.startsWith(`${m.target}[`)) {
      if (!best || m.target.length > best.target.length) best = m;
    }
  }
  if (!best) return null;
  return 'column' in best.source ? `${noun} "${best.source.column}"` : `constant '${best.source.literal}'`;
}
