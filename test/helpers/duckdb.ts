import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tempDir } from './temp.js';

// DuckDB (its own C++ Parquet reader and writer, from the npm registry) as the INDEPENDENT side of
// the Parquet tests: files Assay reads are written by DuckDB, and files Assay writes (with
// hyparquet-writer) are read back by DuckDB — never by hyparquet, the writer's sibling.

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Runs one query in a fresh in-memory DuckDB and returns its rows as JSON-friendly objects. */
export async function duckdbRows(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Every row of a Parquet file, read by DuckDB. */
export function readParquetWithDuckDb(file: string): Promise<Record<string, unknown>[]> {
  return duckdbRows(`SELECT * FROM read_parquet(${sqlString(file)})`);
}

/** The column names and DuckDB types of a Parquet file. */
export async function parquetColumnsWithDuckDb(file: string): Promise<{ name: string; type: string }[]> {
  const rows = await duckdbRows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
  return rows.map((r) => ({ name: String(r['column_name']), type: String(r['column_type']) }));
}

/** Row groups of a Parquet file, as DuckDB's metadata reader counts them. */
export async function rowGroupsWithDuckDb(file: string): Promise<number> {
  const rows = await duckdbRows(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${sqlString(file)})`);
  return Number(rows[0]!['n']);
}

/**
 * Writes rows (objects with the same keys) to a Parquet file with DuckDB, `rowGroupSize` rows per
 * row group, compressed with `compression`; `select` may cast the JSON columns (default `*`).
 */
export async function writeParquetWithDuckDb(
  rows: readonly Record<string, unknown>[],
  options: { rowGroupSize?: number; compression?: 'snappy' | 'zstd' | 'gzip' | 'uncompressed'; select?: string; name?: string } = {},
): Promise<string> {
  const dir = tempDir();
  const json = path.join(dir, 'rows.jsonl');
  fs.writeFileSync(json, rows.map((r) => JSON.stringify(r)).join('\n'));
  const file = path.join(dir, options.name ?? 'data.parquet');
  await duckdbRows(
    `COPY (SELECT ${options.select ?? '*'} FROM read_json(${sqlString(json)}, format = 'newline_delimited')) TO ${sqlString(file)} (FORMAT parquet, ROW_GROUP_SIZE ${options.rowGroupSize ?? 122880}, COMPRESSION ${options.compression ?? 'snappy'})`,
  );
  return file;
}
