import type { AnyDb } from '../db/types.js';
import { visibleTask } from './staging.js';

/** Export formats of `assay export tasks`. */
export const exportFormats = ['jsonl'] as const;
/** An export format. */
export type ExportFormat = (typeof exportFormats)[number];

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The index just past the JSON string that starts at `i` (a `"`). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  throw new Error('unterminated string');
}

/** The index just past the JSON value that starts at `i` (no whitespace before it). */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const ch = text[j];
      if (ch === '"') {
        j = skipString(text, j) - 1;
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    throw new Error('unterminated value');
  }
  let j = i;
  while (j < text.length && !WS.has(text.charCodeAt(j)) && text[j] !== ',' && text[j] !== '}' && text[j] !== ']') j++;
  return j;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  return i;
}

/**
 * A task's imported line with critiques appended to its `critiques` list (created when absent),
 * every other byte kept: the line is edited where the list ends, never re-serialised, so numbers,
 * key order, spacing and escapes stay exactly as imported. `source` is a JSON object (the importer
 * stored it); `critiques` are JSON texts.
 */
export function appendCritiquesToLine(source: string, critiques: readonly string[]): string {
  if (critiques.length === 0) return source;
  let i = skipWs(source, 0);
  if (source[i] !== '{') throw new Error('a task line is a JSON object');
  i++;
  let critiquesValue: { start: number; end: number } | null = null;
  let close = -1;
  for (;;) {
    i = skipWs(source, i);
    if (source[i] === '}') {
      close = i;
      break;
    }
    const keyEnd = skipString(source, i);
    const key = JSON.parse(source.slice(i, keyEnd)) as string;
    i = skipWs(source, keyEnd);
    i = skipWs(source, i + 1); // the colon
    const end = skipValue(source, i);
    if (key === 'critiques' && source[i] === '[') critiquesValue = { start: i, end };
    i = skipWs(source, end);
    if (source[i] === ',') i++;
  }
  const added = critiques.join(',');
  if (critiquesValue) {
    const inner = source.slice(critiquesValue.start + 1, critiquesValue.end - 1);
    const sep = inner.trim() === '' ? '' : ',';
    return `${source.slice(0, critiquesValue.end - 1)}${sep}${added}${source.slice(critiquesValue.end - 1)}`;
  }
  const body = source.slice(source.indexOf('{') + 1, close);
  const sep = body.trim() === '' ? '' : ',';
  return `${source.slice(0, close)}${sep}"critiques":[${added}]${source.slice(close)}`;
}

/** The critiques a critic generated for a task in this database, as the export writes them, in order. */
export function generatedCritiqueJson(db: AnyDb, taskId: string): string[] {
  return (db.prepare('SELECT source_json FROM critiques WHERE task_id = $taskId AND generated = 1 ORDER BY position').all({ taskId }) as { source_json: string }[]).map(
    (r) => r.source_json,
  );
}

/**
 * A task as the export writes it: its imported line, with the critiques generated in this
 * database appended (see {@link appendCritiquesToLine}). A task no critic changed is its line, byte
 * for byte.
 */
export function exportedLine(db: AnyDb, taskId: string, source: string): string {
  return appendCritiquesToLine(source, generatedCritiqueJson(db, taskId));
}

/**
 * Writes every task back as a task package (JSON Lines, import order), each line exactly the JSON
 * the task was imported from (`source_json`), so importing the export and exporting again gives the
 * same bytes — plus, for a task a critic changed, the generated critiques with their provenance.
 * Streams: `write` receives chunks of about `chunkBytes`. Returns how many tasks it wrote, and how
 * many of them carry generated critiques (their lines differ from the imported ones).
 */
export function exportTasks(db: AnyDb, write: (chunk: string) => void, options: { readonly chunkBytes?: number } = {}): { tasks: number; generated: number } {
  const limit = options.chunkBytes ?? 1024 * 1024;
  let pending: string[] = [];
  let size = 0;
  let tasks = 0;
  let generated = 0;
  const rows = db
    .prepare(
      `SELECT t.id, t.source_json, EXISTS (SELECT 1 FROM critiques c INDEXED BY critiques_generated WHERE c.task_id = t.id AND c.generated = 1) AS generated
         FROM tasks t WHERE ${visibleTask('t')} ORDER BY t.seq`,
    )
    .iterate() as Iterable<{ id: string; source_json: string; generated: number }>;
  for (const row of rows) {
    const line = row.generated ? exportedLine(db, row.id, row.source_json) : row.source_json;
    if (row.generated) generated++;
    pending.push(line, '\n');
    size += line.length + 1;
    tasks++;
    if (size >= limit) {
      write(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) write(pending.join(''));
  return { tasks, generated };
}
