import fs from 'node:fs';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { LineSplitter } from '../lines.js';
import { defaultFieldMap, mapRow, type FieldMapping } from './field-map.js';
import { isObject, parseForeignJson, type SourceContext, type TaskSource } from './source.js';

/** Reads a file in 1 MiB chunks (memory bounded by the chunk), calling `onChunk` for each. */
export function readChunks(file: string, onChunk: (chunk: Buffer) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      onChunk(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A key of a JSON object, or a dotted path into nested objects (`meta.source`); the exact key wins
 * when a key itself has a dot.
 */
export function keyPath(row: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(row, key)) return row[key];
  let v: unknown = row;
  for (const part of key.split('.')) {
    if (!isObject(v) || !Object.hasOwn(v, part)) return undefined;
    v = v[part];
  }
  return v;
}

/** The mappings a row-based source uses: `--map`, or the keys named like task fields. */
export function rowMappings(ctx: SourceContext, columns: readonly string[]): FieldMapping[] {
  return ctx.mappings ? [...ctx.mappings] : defaultFieldMap(columns);
}

/** Keys a mapping reads that a row lacks, for `output` and `id` (a missing optional key just leaves its field out). */
export function missingRequired(mappings: readonly FieldMapping[], has: (column: string) => boolean): FieldMapping[] {
  return mappings.filter((m) => (m.target === 'output' || m.target === 'id') && 'column' in m.source && !has(m.source.column));
}

/** `--from jsonl`: any JSON Lines file, one object per line, mapped to tasks with `--map`. */
export const jsonlMapSource: TaskSource = {
  name: 'jsonl',
  summary: 'any JSON Lines file, one object per line; --map says which key becomes which task field',
  extensions: ['.jsonl', '.ndjson', '.json'],
  mapping: 'columns',
  locate: (line) => String(line),
  columnNoun: 'key',
  read(ctx) {
    let row = 0;
    const splitter = new LineSplitter((event) => {
      if ('error' in event) {
        ctx.error(String(event.line), '(line)', event.error);
        return;
      }
      if (event.text.trim() === '') return;
      row++;
      const where = String(event.line);
      const parsed = parseForeignJson(event.text);
      if (!parsed.ok) {
        ctx.error(where, parsed.field, parsed.message);
        return;
      }
      if (!isObject(parsed.value)) {
        ctx.error(where, '(json)', 'expected a JSON object');
        return;
      }
      const obj = parsed.value;
      // (without --map: keys named like task fields, a nested `context` object's keys included)
      const context = obj['context'];
      const mappings = rowMappings(ctx, [...Object.keys(obj), ...(isObject(context) ? Object.keys(context).map((k) => `context.${k}`) : [])]);
      if (!mappings.some((m) => m.target === 'output')) {
        ctx.error(where, 'output', `no key is mapped to output: give --map output=KEY (keys here: ${Object.keys(obj).slice(0, 20).join(', ') || 'none'})`);
        return;
      }
      const missing = missingRequired(mappings, (c) => keyPath(obj, c) !== undefined);
      for (const m of missing) ctx.error(where, m.target, `no key "${(m.source as { column: string }).column}" in this object`);
      const { task, problems } = mapRow(mappings, (c) => keyPath(obj, c), { defaultId: `${ctx.stem}-${row}`, parseJson: parseUntrustedJson });
      for (const p of problems) ctx.error(where, p.field, p.message);
      if (problems.length === 0 && missing.length === 0) ctx.emit(task, event.line);
    });
    readChunks(ctx.file, (chunk) => splitter.push(chunk));
    splitter.end();
    return Promise.resolve();
  },
};
