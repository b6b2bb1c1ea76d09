import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { recordResultsExport } from '../../studies/exports.js';
import { exportResults, importResults } from '../../studies/results.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { readUtf8File, writeFileAtomic } from '../../files.js';

/** `assay results export`. */
export const resultsExportCommand: Command = {
  words: ['results', 'export'],
  summary: "Write the evaluator's finished reviews of a pack, with event log and hash",
  usage: '--out FILE [--pack ID] [--db PATH]',
  options: { ...dbOption, out: { type: 'string' }, pack: { type: 'string' } },
  run({ values }, io) {
    if (typeof values['out'] !== 'string') throw new UsageError('--out is required');
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const r = exportResults(db, { pack: values['pack'] as string | undefined });
      writeFileAtomic(values['out'], r.content);
      recordResultsExport(db, { ...r, hash: r.file.hash }, path.resolve(values['out']));
      io.stdout(`${JSON.stringify({ pack: r.file.pack.id, study: r.file.study.name, evaluator: r.file.evaluator, reviews: r.reviews, out: values['out'] })}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};

/** `assay results import`. */
export const resultsImportCommand: Command = {
  words: ['results', 'import'],
  summary: 'Merge results files (or review-record JSONL) into their study',
  usage: 'FILE... [--study NAME] [--db PATH]',
  options: { ...dbOption, study: { type: 'string' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('expected at least one FILE');
    const files = positionals.map((file) => ({ fileName: path.basename(file), content: readUtf8File(file, path.basename(file)) }));
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const reports = importResults(db, files, { study: values['study'] as string | undefined });
      io.stdout(`${JSON.stringify(reports)}\n`);
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
