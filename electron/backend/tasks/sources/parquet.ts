import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import { mapRow } from './field-map.js';
import { keyPath, rowMappings } from './jsonl-map.js';
import { isObject, type TaskSource } from './source.js';

/** Text that is not valid UTF-8, kept as a marker so that the row and column can be named. */
class InvalidText {
  constructor(readonly bytes: Uint8Array) {}
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** hyparquet's string parser, made strict: invalid UTF-8 is reported, never replaced with U+FFFD. */
function stringFromBytes(bytes: Uint8Array | undefined): unknown {
  if (!bytes) return bytes;
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return new InvalidText(bytes);
  }
}

function hasInvalidText(value: unknown): boolean {
  if (value instanceof InvalidText) return true;
  if (Array.isArray(value)) return value.some(hasInvalidText);
  if (isObject(value)) return Object.values(value).some(hasInvalidText);
  return false;
}

/** The top-level column a `--map` source reads: the column itself, or the struct column a dotted path starts with. */
function topColumn(columns: readonly string[], source: string): string | undefined {
  if (columns.includes(source)) return source;
  const first = source.split('.')[0]!;
  return columns.includes(first) ? first : undefined;
}

/**
 * Reads a Parquet file one row group at a time, only `columns`: `onRows` gets each group's rows
 * (objects keyed by column) and the index of its first row, before the next group is read. Strings
 * are decoded as strict UTF-8.
 */
export async function readRowGroups(
  source: { file: AsyncBuffer; metadata: FileMetaData },
  columns: readonly string[],
  onRows: (rows: readonly Record<string, unknown>[], rowStart: number) => void,
): Promise<void> {
  let rowStart = 0;
  for (const group of source.metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ ...source, columns: [...columns], rowStart, rowEnd, compressors, parsers: { stringFromBytes } });
    onRows(rows as Record<string, unknown>[], rowStart);
    rowStart = rowEnd;
  }
}

/**
 * `--from parquet` (Hugging Face's format): read with hyparquet one row group at a time and only the
 * columns `--map` names, so memory is bounded by one row group of those columns, not by the file.
 * Snappy, gzip, zstd, brotli and lz4 pages are read (hyparquet-compressors).
 */
export const parquetSource: TaskSource = {
  name: 'parquet',
  summary: 'Apache Parquet (how Hugging Face datasets are distributed), read one row group at a time; --map says which column becomes which task field',
  extensions: ['.parquet'],
  mapping: 'columns',
  columnNoun: 'column',
  locate: (_line, row) => `row ${row}`,
  async read(ctx) {
    const file = await asyncBufferFromFile(ctx.file);
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (err) {
      ctx.error(null, '(file)', `not a Parquet file: ${(err as Error).message}`);
      return;
    }
    const columns = parquetSchema(metadata).children.map((c) => c.element.name);
    const mappings = rowMappings(ctx, columns);
    for (const m of mappings) {
      if ('column' in m.source && topColumn(columns, m.source.column) === undefined) {
        ctx.error(null, `--map ${m.target}`, `no column "${m.source.column}" in the file (columns: ${columns.join(', ')})`);
      }
    }
    if (!mappings.some((m) => m.target === 'output')) ctx.error(null, '--map output', `no column is mapped to output: give --map output=COLUMN (columns: ${columns.join(', ')})`);
    if (ctx.failed) return;
    // Only the columns the mapping reads: a dataset's other columns (images, embeddings) are never decoded.
    const needed = [...new Set(mappings.flatMap((m) => ('column' in m.source ? [topColumn(columns, m.source.column)!] : [])))];
    // SECURITY: a damaged or hostile file can break any page hyparquet decodes (a page type, a length,
    // a compressed block): whatever it throws becomes an error naming the row group, never an
    // exception out of the import.
    let groupRows = '';
    try {
      await readRowGroups({ file, metadata }, needed, (rows, rowStart) => {
        readGroup(rows, rowStart);
        groupRows = `rows ${rowStart + 1}–${rowStart + rows.length}`;
      });
    } catch (err) {
      const next = groupRows ? `the row group after ${groupRows}` : 'the first row group';
      ctx.error(null, '(file)', `damaged Parquet data in ${next}: ${(err as Error).message}`);
    }
    function readGroup(rows: readonly Record<string, unknown>[], rowStart: number): void {
      for (let i = 0; i < rows.length; i++) {
        const row = rowStart + i + 1;
        const where = `row ${row}`;
        const record = rows[i] as Record<string, unknown>;
        let bad = false;
        const get = (column: string): unknown => {
          const v = keyPath(record, column);
          if (hasInvalidText(v)) {
            ctx.error(where, `(column "${column}")`, 'not valid UTF-8 text');
            bad = true;
            return undefined;
          }
          return v;
        };
        const { task, problems } = mapRow(mappings, get, { defaultId: `${ctx.stem}-${row}`, parseJson: parseUntrustedJson });
        for (const p of problems) ctx.error(where, p.field, p.message);
        if (problems.length === 0 && !bad) ctx.emit(task, 0, row);
      }
    }
  },
};
