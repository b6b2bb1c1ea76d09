import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { exportReviewRecords, reviewCsvColumns, reviewCsvRow } from '../../reviews/export.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { writeFileAtomic } from '../../files.js';
import { jsonOption, output, plural } from '../output.js';

const formats = ['jsonl', 'csv'] as const;

/** `assay export reviews`: one review record per submitted or skipped review. */
export const exportReviewsCommand: Command = {
  words: ['export', 'reviews'],
  summary: 'Export submitted and skipped reviews as review records (JSON Lines or CSV)',
  usage: '[--study NAME] [--format jsonl|csv] [--out FILE] [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, study: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } },
  run({ values }, io) {
    const format = (values['format'] as string | undefined) ?? 'jsonl';
    if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format: unknown format "${format}" (known: ${formats.join(', ')})`);
    const out = values['out'] as string | undefined;
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const records = exportReviewRecords(db, { study: values['study'] as string | undefined });
      const lines = format === 'csv' ? [reviewCsvColumns.join(','), ...records.map(reviewCsvRow)] : records.map((r) => JSON.stringify(r));
      const text = lines.length ? `${lines.join('\n')}\n` : '';
      if (out === undefined) {
        io.stdout(text);
        return 0;
      }
      const target = path.resolve(out);
      writeFileAtomic(target, text);
      output(values, io).result({ reviews: records.length, out: target, format }, () => `Wrote ${plural(records.length, 'review record')} to ${target} (${format}).`);
      return 0;
    } finally {
      db.close();
    }
  },
};
