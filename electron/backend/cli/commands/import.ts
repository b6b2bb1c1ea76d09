import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { formatErrors, importFile, type ImportReport } from '../../tasks/import.js';
import { UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural } from '../output.js';

/** Files smaller than this import too fast to need a progress bar. */
const progressThreshold = 4 * 1024 * 1024;

/** One file's outcome in words: `a.jsonl: imported 3 tasks (5 critiques, 1 flaw); 2 unchanged`. */
function describe(r: ImportReport, dryRun: boolean): string {
  const what = `${plural(r.tasks, 'task')} (${plural(r.critiques, 'critique')}, ${plural(r.flaws, 'flaw')})`;
  const extra = [...(r.replaced > 0 ? [`${r.replaced.toLocaleString('en-US')} of them replaced`] : []), ...(r.unchanged > 0 ? [`${plural(r.unchanged, 'task')} unchanged`] : [])];
  return `${r.file}: ${dryRun ? `valid, would import ${what}` : `imported ${what}`}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

/** `assay import FILE...`: validated, atomic import of task packages (each file whole or not at all). */
export const importCommand: Command = {
  words: ['import'],
  summary: 'Import task packages (JSON Lines); each file is imported whole or not at all',
  usage: 'FILE... [--db PATH] [--replace] [--dry-run] [--json]',
  options: { ...dbOption, ...jsonOption, replace: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  allowPositionals: true,
  run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('name at least one task package file (JSON Lines)');
    const replace = values['replace'] === true;
    const dryRun = values['dry-run'] === true;
    const out = output(values, io);
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    const reports: ImportReport[] = [];
    try {
      for (const file of positionals) {
        const size = fileSize(file);
        const bar = size > progressThreshold ? out.progress(path.basename(file), size, 'bytes') : undefined;
        try {
          reports.push(importFile(db, file, { replace, dryRun, ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}) }));
        } finally {
          bar?.done();
        }
      }
    } finally {
      db.close();
    }
    const failed = reports.filter((r) => r.errorCount > 0);
    if (failed.length > 0) {
      for (const r of failed) io.stderr(`${formatErrors(r)}\n${r.file}: nothing imported (${plural(r.errorCount, 'error')})\n`);
      for (const r of reports.filter((x) => x.errorCount === 0)) io.stderr(`${describe(r, dryRun)}\n`);
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
    out.result(result, () => {
      const lines = reports.map((r) => describe(r, dryRun));
      if (reports.length > 1) lines.push(`In all: ${plural(result.tasks, 'task')} ${dryRun ? 'would be imported' : 'imported'}, ${plural(result.unchanged, 'task')} unchanged.`);
      if (dryRun) lines.push('Nothing was written (--dry-run).');
      return lines.join('\n');
    });
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
