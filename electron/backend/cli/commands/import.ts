import fs from 'node:fs';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { formatErrors, importFile, type ImportReport } from '../../tasks/import.js';
import { UsageError, dbOption, type Command } from '../command.js';

const progressThreshold = 16 * 1024 * 1024;

/** `assay import FILE...`: validated, atomic import of task packages (each file whole or not at all). */
export const importCommand: Command = {
  words: ['import'],
  summary: 'Import task packages (JSON Lines); each file is imported whole or not at all',
  usage: 'FILE... [--db PATH] [--replace] [--dry-run]',
  options: { ...dbOption, replace: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('name at least one task package file (JSON Lines)');
    const replace = values['replace'] === true;
    const dryRun = values['dry-run'] === true;
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    const reports: ImportReport[] = [];
    try {
      for (const file of positionals) {
        const showProgress = process.stderr.isTTY === true;
        let last = 0;
        const report = importFile(db, file, {
          replace,
          dryRun,
          onProgress:
            showProgress && fileSize(file) > progressThreshold
              ? (done, total) => {
                  const pct = Math.floor((100 * done) / Math.max(1, total));
                  if (pct !== last) {
                    last = pct;
                    io.stderr(`\r${file}: ${pct}%`);
                  }
                  if (done >= total) io.stderr('\n');
                }
              : undefined,
        });
        reports.push(report);
      }
    } finally {
      db.close();
    }
    const failed = reports.filter((r) => r.errorCount > 0);
    if (failed.length > 0) {
      for (const r of failed) io.stderr(`${formatErrors(r)}\n${r.file}: nothing imported (${r.errorCount} error${r.errorCount === 1 ? '' : 's'})\n`);
      for (const r of reports.filter((x) => x.errorCount === 0)) {
        io.stderr(`${r.file}: ${dryRun ? 'valid' : 'imported'} (${r.tasks} tasks, ${r.unchanged} unchanged)\n`);
      }
      return 1;
    }
    const sum = (key: 'tasks' | 'critiques' | 'flaws' | 'unchanged' | 'replaced'): number => reports.reduce((n, r) => n + r[key], 0);
    const result = {
      tasks: sum('tasks'),
      critiques: sum('critiques'),
      flaws: sum('flaws'),
      unchanged: sum('unchanged'),
      replaced: sum('replaced'),
      ...(dryRun ? { dryRun: true } : {}),
      files: reports.map((r) => ({ file: r.file, tasks: r.tasks, critiques: r.critiques, flaws: r.flaws, unchanged: r.unchanged, replaced: r.replaced })),
    };
    io.stdout(`${JSON.stringify(result)}\n`);
    return 0;
  },
};

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
