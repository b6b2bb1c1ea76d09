import fs from 'node:fs';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { formatErrors, importFile, type ImportReport } from '../../tasks/import.js';
import { findSource, importFromSource, sourceForFile, sourceMappings, taskSources, type SourceImportReport } from '../../tasks/sources/index.js';
import { importProdigyReviews } from '../../tasks/sources/prodigy-reviews.js';
import { UsageError, dbOption, type CliIo, type Command } from '../command.js';

const progressThreshold = 16 * 1024 * 1024;

/** `assay import FILE...`: validated, atomic import of task packages (each file whole or not at all), or of foreign files with `--from`/`--map`. */
export const importCommand: Command = {
  words: ['import'],
  summary: `Import task packages (JSON Lines), or other files with --from ${taskSources.map((s) => s.name).join('|')} [--map "output=COL,…"]; each file whole or not at all`,
  usage: `FILE... [--db PATH] [--replace] [--dry-run] [--from ${taskSources.map((s) => s.name).join('|')}] [--map "FIELD=COLUMN,…"] [--as-reviews --study NAME]`,
  options: {
    ...dbOption,
    replace: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    from: { type: 'string' },
    map: { type: 'string' },
    'as-reviews': { type: 'boolean' },
    study: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('name at least one task package file (JSON Lines)');
    const replace = values['replace'] === true;
    const dryRun = values['dry-run'] === true;
    const from = values['from'] as string | undefined;
    const map = values['map'] as string | undefined;
    const asReviews = values['as-reviews'] === true;
    const study = values['study'] as string | undefined;
    if (asReviews) {
      if (from !== 'prodigy') throw new UsageError('--as-reviews reads Prodigy answers: use it with --from prodigy');
      if (study === undefined) throw new UsageError('--as-reviews needs --study NAME (the study the answers belong to)');
      if (replace) throw new UsageError('--replace does not apply to --as-reviews (reviews are never overwritten)');
      return runProdigyReviews(positionals, { study, map, dryRun }, values['db'] as string | undefined, io);
    }
    if (study !== undefined) throw new UsageError('--study is only for --as-reviews');
    if (from === undefined && map === undefined) return runPackages(positionals, { replace, dryRun }, values['db'] as string | undefined, io);
    let explicit;
    try {
      explicit = from === undefined ? undefined : findSource(from);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const sources = positionals.map((file) => {
      const source = explicit ?? sourceForFile(file);
      if (!source) throw new UsageError(`${file}: cannot tell the format from the extension: add --from ${taskSources.filter((s) => s.extensions.length).map((s) => s.name).join('|')}`);
      return { file, source };
    });
    for (const { source } of sources) sourceMappings(source, map); // a bad --map fails before anything is read
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    const reports: SourceImportReport[] = [];
    try {
      for (const { file, source } of sources) reports.push(await importFromSource(db, file, { source, map, replace, dryRun }));
    } finally {
      db.close();
    }
    for (const r of reports) for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
    return finish(reports, dryRun, io, (r) => ({ source: (r as SourceImportReport).source, ...(dryRun ? { preview: (r as SourceImportReport).preview } : {}) }));
  },
};

/** Prints the outcome of the files (one JSON object on stdout, or the errors on stderr) and returns the exit code. */
function finish(reports: readonly ImportReport[], dryRun: boolean, io: CliIo, extra: (r: ImportReport) => Record<string, unknown> = () => ({})): number {
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
    files: reports.map((r) => ({ file: r.file, tasks: r.tasks, critiques: r.critiques, flaws: r.flaws, unchanged: r.unchanged, replaced: r.replaced, ...extra(r) })),
  };
  io.stdout(`${JSON.stringify(result)}\n`);
  return 0;
}

function runPackages(files: readonly string[], options: { replace: boolean; dryRun: boolean }, dbFlag: string | undefined, io: CliIo): number {
  const db = openDatabase(resolveDbPath(dbFlag, io.env));
  const reports: ImportReport[] = [];
  try {
    for (const file of files) {
      const showProgress = process.stderr.isTTY === true;
      let last = 0;
      const report = importFile(db, file, {
        ...options,
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
  return finish(reports, options.dryRun, io);
}

function runProdigyReviews(files: readonly string[], options: { study: string; map: string | undefined; dryRun: boolean }, dbFlag: string | undefined, io: CliIo): number {
  const mappings = sourceMappings(findSource('prodigy'), options.map);
  const db = openDatabase(resolveDbPath(dbFlag, io.env));
  let failed = false;
  const out: unknown[] = [];
  try {
    for (const file of files) {
      const r = importProdigyReviews(db, file, { study: options.study, map: mappings, dryRun: options.dryRun });
      for (const w of r.warnings) io.stderr(`warning: ${w}\n`);
      if (r.errorCount > 0) {
        failed = true;
        io.stderr(`${formatErrors(r)}\n${r.file}: no reviews imported (${r.errorCount} error${r.errorCount === 1 ? '' : 's'})\n`);
        continue;
      }
      for (const c of r.merge?.conflicts ?? []) {
        failed = true;
        io.stderr(`conflict: ${r.file}: task "${c.task}" by "${c.evaluator}": ${c.message}\n`);
      }
      out.push({ file: r.file, study: options.study, reviews: r.reviews, ...(options.dryRun ? { dryRun: true } : { added: r.merge?.added ?? 0, unchanged: r.merge?.unchanged ?? 0 }) });
    }
  } finally {
    db.close();
  }
  io.stdout(`${JSON.stringify({ files: out })}\n`);
  return failed ? 1 : 0;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
