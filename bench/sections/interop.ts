// The interop benchmark (issue 15): `assay import FILE.parquet --map …` of a Parquet file much larger
// than one row group, written by DuckDB as Hugging Face's pyarrow files are (snappy, row groups of
// 10,000 rows), with a column the mapping does not read. Figures: time, rows/s, and the peak resident
// memory of the whole CLI process next to the file's decoded size: memory is bounded by one row
// group of the mapped columns, not by the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli } from '../cli-process.js';
import type { BenchFigure, BenchSection } from '../section.js';

const ROWS = Number(process.env['ASSAY_BENCH_PARQUET_ROWS'] ?? 200_000);
const ROW_GROUP = 10_000;


/** `npm run bench -- interop`. */
export const interopSection: BenchSection = {
  name: 'interop',
  async run(): Promise<readonly BenchFigure[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-interop-'));
    try {
      const file = path.join(dir, 'dataset.parquet');
      const instance = await DuckDBInstance.create(':memory:');
      const connection = await instance.connect();
      // ~3 KB of text per row in the mapped columns, ~1 KB in a column the mapping leaves alone
      await connection.run(
        `COPY (SELECT i AS uid,
                      'Summary ' || i || ':' || repeat(' the council voted to close the bridge', 20) AS summary,
                      'Article ' || i || ':' || repeat(' repairs to the footbridge will take six months', 45) AS article,
                      'Question ' || (i % 97) || '?' AS question,
                      repeat('unused ', 150) || i AS other
                 FROM range(${ROWS}) t(i))
           TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP}, COMPRESSION snappy)`,
      );
      const decoded = await connection.runAndReadAll(`SELECT sum(length(summary) + length(article) + length(question) + length(other)) FROM read_parquet('${file}')`);
      const [decodedChars] = decoded.getRows()[0] as [bigint];
      const groups = ((await connection.runAndReadAll(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${file}')`)).getRows()[0] as [bigint])[0];
      connection.closeSync();
      instance.closeSync();
      const run = await runCli(['import', file, '--map', 'id=uid,output=summary,context.document=article,context.query=question', '--json', '--db', path.join(dir, 'bench.db')]);
      const tasks = (JSON.parse(run.stdout) as { tasks: number }).tasks;
      if (tasks !== ROWS) throw new Error(`bench parquet import wrote ${tasks} tasks, expected ${ROWS}`);
      const fileMb = fs.statSync(file).size / 2 ** 20;
      return [
        { name: `Parquet file (${ROWS} rows, ${Number(groups)} row groups of ${ROW_GROUP}, snappy)`, value: fileMb, unit: 'MB' },
        { name: 'its text decoded (all columns)', value: Number(decodedChars) / 2 ** 20, unit: 'M chars' },
        { name: 'assay import --map of that file', value: run.ms / 1000, unit: 's' },
        { name: 'Parquet import throughput', value: ROWS / (run.ms / 1000), unit: 'rows/s' },
        ...(run.peakBytes === null ? [] : [{ name: 'peak RSS of that import (whole process)', value: run.peakBytes / 2 ** 20, unit: 'MB', goal: '< 500 MB', pass: run.peakBytes < 500 * 2 ** 20 }]),
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
