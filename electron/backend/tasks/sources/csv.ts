import fs from 'node:fs';
import { parse } from 'csv-parse';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { firstInvalidUtf8 } from '../lines.js';
import { mapRow } from './field-map.js';
import { rowMappings } from './jsonl-map.js';
import type { SourceContext, TaskSource } from './source.js';

/** The longest record accepted (as for task package lines). */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

const count = (s: string, ch: string): number => {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
};

/**
 * Decodes a file as strict UTF-8 in 1 MiB chunks (a character split between chunks is kept for the
 * next), reporting the line of the first invalid byte instead of replacing it with U+FFFD.
 */
async function* utf8Chunks(ctx: SourceContext): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let newlines = 0;
  for await (const chunk of fs.createReadStream(ctx.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const at = firstInvalidUtf8(chunk);
      ctx.error(String(newlines + count(chunk.subarray(0, at).toString('latin1'), '\n') + 1), '(line)', 'not valid UTF-8');
      return;
    }
    newlines += count(text, '\n');
    yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    ctx.error(String(newlines + 1), '(line)', 'not valid UTF-8 (the file ends inside a character)');
  }
}

/** `--from csv` (and `.tsv`): a header row, then one task per record; --map says which column is which field. */
export const csvSource: TaskSource = {
  name: 'csv',
  summary: 'CSV or TSV with a header row (quoted fields, embedded newlines, a byte-order mark); --map says which column becomes which task field',
  extensions: ['.csv', '.tsv'],
  mapping: 'columns',
  columnNoun: 'column',
  locate: (line, row) => `${line} (row ${row})`,
  async read(ctx) {
    const parser = parse({
      bom: true,
      info: true,
      skip_empty_lines: true,
      delimiter: ctx.file.toLowerCase().endsWith('.tsv') ? '\t' : ',',
      // both, whatever the first line used: spreadsheets and scripts mix them
      record_delimiter: ['\r\n', '\n'],
      max_record_size: MAX_RECORD_CHARS,
    });
    let header: string[] | null = null;
    let mappings: ReturnType<typeof rowMappings> = [];
    let row = 0;
    let extraCr = 0; // csv-parse counts a \r inside a quoted field as a line of its own; undo that
    let usable = true;
    let columnIndex = new Map<string, number>();
    const onRecord = (r: { record: string[]; info: { lines: number } }): void => {
      const inside = r.record.join('');
      const endLine = r.info.lines - extraCr - count(inside, '\r');
      extraCr += count(inside, '\r');
      const line = endLine - count(inside, '\n');
      if (header === null) {
        header = r.record;
        const seen = new Map<string, number>();
        header.forEach((name, i) => {
          if (name.trim() === '') ctx.error(String(line), `(header)`, `column ${i + 1} has no name`);
          else if (seen.has(name)) ctx.error(String(line), `(header)`, `column name "${name}" appears twice (columns ${seen.get(name)! + 1} and ${i + 1})`);
          seen.set(name, i);
        });
        mappings = rowMappings(ctx, header);
        columnIndex = new Map(header.map((name, i) => [name, i]));
        const unknown = mappings.filter((m) => 'column' in m.source && !header!.includes(m.source.column));
        for (const m of unknown) {
          ctx.error(null, `--map ${m.target}`, `no column "${(m.source as { column: string }).column}" in the header (columns: ${header.join(', ')})`);
        }
        if (!mappings.some((m) => m.target === 'output')) {
          ctx.error(null, '--map output', `no column is mapped to output: give --map output=COLUMN (columns: ${header.join(', ')})`);
        }
        usable = !ctx.failed;
        return;
      }
      row++;
      if (!usable) return;
      const where = `${line} (row ${row})`;
      const cells = r.record;
      const get = (column: string): unknown => {
        const i = columnIndex.get(column);
        return i === undefined ? undefined : cells[i];
      };
      const { task, problems } = mapRow(mappings, get, { defaultId: `${ctx.stem}-${row}`, parseJson: parseUntrustedJson, emptyIsMissing: true });
      for (const p of problems) ctx.error(where, `${p.field}`, p.message);
      if (problems.length === 0) ctx.emit(task, line, row);
    };
    const done = new Promise<void>((resolve) => {
      parser.on('data', onRecord);
      parser.on('error', (err: Error & { code?: string; lines?: number }) => {
        ctx.error(err.lines !== undefined ? String(err.lines - extraCr) : null, '(csv)', err.message.replace(/ at line \d+/, '').replace(/ on line \d+/, ''));
        resolve();
      });
      parser.on('end', () => resolve());
    });
    for await (const text of utf8Chunks(ctx)) {
      if (parser.destroyed) break; // a syntax error stopped the parser: it was reported
      if (!parser.write(text) && !parser.destroyed) {
        await new Promise<void>((resolve) => {
          parser.once('drain', resolve);
          parser.once('close', resolve);
        });
      }
    }
    if (!parser.destroyed) parser.end();
    await done;
    if (header === null && !ctx.failed) ctx.error(null, '(file)', 'no header row: the file is empty');
  },
};
