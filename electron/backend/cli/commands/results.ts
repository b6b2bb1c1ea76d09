import path from 'node:path';
import type { ResultsFileReport } from '../../../../shared/contract/studies.js';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { endReviewsPastTheirTime } from '../../reviews/repository.js';
import { recordResultsExport } from '../../studies/exports.js';
import { exportResults, importResults } from '../../studies/results.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { readUtf8File, writeFileAtomic } from '../../files.js';
import { jsonOption, output, plural } from '../output.js';

/** `assay results export`. */
export const resultsExportCommand: Command = {
  words: ['results', 'export'],
  summary: "Write the evaluator's finished reviews of a pack, with event log and hash",
  usage: '--out FILE [--pack ID] [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, out: { type: 'string' }, pack: { type: 'string' } },
  run({ values }, io) {
    if (typeof values['out'] !== 'string') throw new UsageError('--out is required');
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      endReviewsPastTheirTime(db); // items whose time ran out go out ended by the clock
      const r = exportResults(db, { pack: values['pack'] as string | undefined });
      writeFileAtomic(values['out'], r.content);
      recordResultsExport(db, { ...r, hash: r.file.hash }, path.resolve(values['out']));
      const value = { pack: r.file.pack.id, study: r.file.study.name, evaluator: r.file.evaluator, reviews: r.reviews, out: values['out'] };
      output(values, io).result(
        value,
        () => `Wrote ${plural(r.reviews, 'finished review')} of ${value.evaluator} (study ${value.study}) to ${value.out}.\nSend this file to your researcher; exporting again later adds the reviews finished since.`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};

/** A merged file's outcome in words (refusals and conflicts go to stderr). */
function describeMerged(r: ResultsFileReport): string {
  const origin = r.authenticated ? 'signed by the pack' : r.formatVersion === null ? 'none (review records made outside Assay)' : 'none (issued before signed results)';
  return `${r.file}: merged ${plural(r.added, 'new review')} of ${r.evaluator ?? '?'} into study ${r.study ?? '?'}${r.unchanged ? `, ${plural(r.unchanged, 'review')} already here` : ''}${r.conflicts.length ? `, ${plural(r.conflicts.length, 'conflict')}` : ''}; proof of origin: ${origin}`;
}

/** `assay results import`. */
export const resultsImportCommand: Command = {
  words: ['results', 'import'],
  summary: 'Merge results files (or review-record JSONL) into their study',
  usage: 'FILE... [--study NAME] [--db PATH] [--json]',
  options: { ...dbOption, ...jsonOption, study: { type: 'string' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('expected at least one FILE');
    const files = positionals.map((file) => ({ fileName: path.basename(file), content: readUtf8File(file, path.basename(file)) }));
    const print = output(values, io);
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const bar = files.length > 1 ? print.progress('results files', files.length) : undefined;
      const reports: ResultsFileReport[] = [];
      try {
        for (const [i, file] of files.entries()) {
          reports.push(...importResults(db, [file], { study: values['study'] as string | undefined }));
          bar?.update(i + 1);
        }
      } finally {
        bar?.done();
      }
      const merged = reports.filter((r) => r.status === 'merged');
      print.result(reports, () => (merged.length ? merged.map(describeMerged).join('\n') : 'Nothing merged.'));
      let failed = false;
      for (const r of reports) {
        if (r.status === 'refused') {
          failed = true;
          io.stderr(`refused: ${r.error}\n`);
        }
        for (const c of r.conflicts) {
          failed = true;
          io.stderr(`conflict: ${r.file}: task "${c.task}" by "${c.evaluator}": ${c.message}\n`);
        }
      }
      return failed ? 1 : 0;
    } finally {
      db.close();
    }
  },
};
