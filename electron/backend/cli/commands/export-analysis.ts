import path from 'node:path';
import { toCsv, toJsonl } from '../../../../shared/metrics/tidy.js';
import { analysisTable, type AnalysisTable } from '../../analysis/export.js';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { writeFileAtomic } from '../../files.js';
import { jsonOption, output, plural } from '../output.js';

const formats = ['csv', 'jsonl'] as const;

/** Writes `text` to `out` atomically (temp file and rename) and says so, or to stdout. */
function writeOut(text: string, out: string | undefined, values: Record<string, unknown>, io: Parameters<Command['run']>[1], summary: { table: string; rows: number; format: string }): void {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  const target = path.resolve(out);
  writeFileAtomic(target, text);
  output(values, io).result({ ...summary, out: target }, () => `Wrote ${plural(summary.rows, 'row')} of ${summary.table} to ${target} (${summary.format}).`);
}

function exportCommand(table: AnalysisTable, summary: string): Command {
  return {
    words: ['export', table],
    summary,
    usage: '--study NAME [--format csv|jsonl] [--out FILE] [--db PATH] [--json]',
    options: { ...dbOption, ...jsonOption, study: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
    run({ values }, io) {
      const study = values['study'] as string | undefined;
      if (!study) throw new UsageError('--study NAME is required');
      const format = (values['format'] as string | undefined) ?? 'csv';
      if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format: unknown format "${format}" (known: ${formats.join(', ')})`);
      const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
      try {
        const t = analysisTable(db, study, table);
        writeOut(format === 'csv' ? toCsv(t) : toJsonl(t), values['out'] as string | undefined, values, io, { table, rows: t.rows.length, format });
        return 0;
      } finally {
        db.close();
      }
    },
  };
}

/** `assay export decisions|flaws|matches|answers|events`: tidy tables of a study, one row per thing. */
export const exportAnalysisCommands: readonly Command[] = [
  exportCommand('decisions', 'Export one row per shown critique per review (verdict, reason, edited, valid)'),
  exportCommand('flaws', 'Export one row per ground-truth flaw per review (caught, and by what)'),
  exportCommand('matches', 'Export one row per report–flaw match (auto, adjudicated) and per unmatched report'),
  exportCommand('answers', 'Export one row per review with its answer to the yes/no question, confidence, truth and bin'),
  exportCommand('events', 'Export the review and adjudication event logs, one row per event'),
];
