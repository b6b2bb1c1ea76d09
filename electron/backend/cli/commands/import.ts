import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { formatErrors, formatWarnings, importFile, type ImportReport } from '../../tasks/import.js';
import { findSource, importFromSource, sourceForFile, sourceMappings, taskSources, type SourceImportReport } from '../../tasks/sources/index.js';
import type { SourceOptions, TaskSource } from '../../tasks/sources/source.js';
import { importProdigyReviews } from '../../tasks/sources/prodigy-reviews.js';
import { UsageError, dbOption, type CliIo, type Command } from '../command.js';
import { jsonOption, output, plural, type Output } from '../output.js';

/** Files smaller than this import too fast to need a progress bar. */
const progressThreshold = 4 * 1024 * 1024;

/** One file's outcome in words: `a.jsonl: imported 3 tasks (5 critiques, 1 flaw); 2 unchanged`. */
function describe(r: ImportReport, dryRun: boolean): string {
  const what = `${plural(r.tasks, 'task')} (${plural(r.critiques, 'critique')}, ${plural(r.flaws, 'flaw')})`;
  const extra = [...(r.replaced > 0 ? [`${r.replaced.toLocaleString('en-US')} of them replaced`] : []), ...(r.unchanged > 0 ? [`${plural(r.unchanged, 'task')} unchanged`] : [])];
  return `${r.file}: ${dryRun ? `valid, would import ${what}` : `imported ${what}`}${extra.length ? `; ${extra.join('; ')}` : ''}`;
}

/** The flags of the code-review sources, by the {@link SourceOptions} key they set. */
const sourceFlags: readonly (readonly [flag: string, key: keyof SourceOptions])[] = [
  ['repo', 'repo'],
  ['range', 'range'],
  ['base', 'base'],
  ['before', 'before'],
  ['after', 'after'],
  ['id', 'id'],
  ['title', 'title'],
  ['language', 'language'],
  ['merge', 'merge'],
  ['task', 'task'],
  ['column-kind', 'columnKind'],
];

/** The code-review options given, checked against what the source takes (a usage error names a flag it does not). */
function codeOptions(values: Record<string, unknown>, from: string | undefined, takes: readonly (keyof SourceOptions)[]): SourceOptions {
  const out: Record<string, string> = {};
  for (const [flag, key] of sourceFlags) {
    const v = values[flag];
    if (v === undefined) continue;
    if (!takes.includes(key)) throw new UsageError(`--${flag} ${from === undefined ? 'needs --from git|patch|dirs|sarif' : `does not apply to --from ${from}`}`);
    if (typeof v !== 'string' || v === '') throw new UsageError(`--${flag} needs a value`);
    out[key] = v;
  }
  if (out['columnKind'] !== undefined && out['columnKind'] !== 'utf16CodeUnits' && out['columnKind'] !== 'unicodeCodePoints') {
    throw new UsageError('--column-kind must be utf16CodeUnits or unicodeCodePoints');
  }
  return out as SourceOptions;
}

/** `assay import FILE...`: validated, atomic import of task packages (each file whole or not at all), or of foreign files with `--from`/`--map`. */
export const importCommand: Command = {
  words: ['import'],
  summary: `Import task packages (JSON Lines), or other files with --from ${taskSources.map((s) => s.name).join('|')} [--map "output=COL,…"]; each file whole or not at all`,
  usage: `FILE... [--db PATH] [--replace] [--dry-run] [--from ${taskSources.map((s) => s.name).join('|')}] [--map "FIELD=COLUMN,…"] [--as-reviews --study NAME] [--json]
      | --from git --repo DIR --range A..B | FILE.patch --from patch --base DIR | --from dirs --before DIR --after DIR
        (each with [--id ID] [--title TEXT] [--language LANG] [--merge FILE.json])
      | FILE.sarif --from sarif [--task ID] [--column-kind utf16CodeUnits|unicodeCodePoints]`,
  options: {
    ...dbOption,
    ...jsonOption,
    ...Object.fromEntries(sourceFlags.map(([flag]) => [flag, { type: 'string' as const }])),
    replace: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    from: { type: 'string' },
    map: { type: 'string' },
    'as-reviews': { type: 'boolean' },
    study: { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals }, io) {
    const from = values['from'] as string | undefined;
    let explicit;
    try {
      explicit = from === undefined ? undefined : findSource(from);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const sourceOptions = codeOptions(values, from, explicit?.takes ?? []);
    if (explicit?.readsFile === false) return runChange(explicit, sourceOptions, values, positionals, io);
    if (positionals.length === 0) throw new UsageError('name at least one task package file (JSON Lines)');
    const replace = values['replace'] === true;
    const dryRun = values['dry-run'] === true;
    const map = values['map'] as string | undefined;
    const asReviews = values['as-reviews'] === true;
    const study = values['study'] as string | undefined;
    const out = output(values, io);
    if (asReviews) {
      if (from !== 'prodigy') throw new UsageError('--as-reviews reads Prodigy answers: use it with --from prodigy');
      if (study === undefined) throw new UsageError('--as-reviews needs --study NAME (the study the answers belong to)');
      if (replace) throw new UsageError('--replace does not apply to --as-reviews (reviews are never overwritten)');
      return runProdigyReviews(positionals, { study, map, dryRun }, values['db'] as string | undefined, io, out);
    }
    if (study !== undefined) throw new UsageError('--study is only for --as-reviews');
    if (from === undefined && map === undefined) return runPackages(positionals, { replace, dryRun }, values['db'] as string | undefined, io, out);
    if (explicit?.takes?.includes('task') && positionals.length > 1) throw new UsageError(`--from ${explicit.name}: one log at a time (its results go to one task)`);
    if (explicit?.takes?.includes('base') && positionals.length > 1) throw new UsageError(`--from ${explicit.name}: one patch file at a time (it becomes one task); a series from git format-patch --stdout is one file`);
    const sources = positionals.map((file) => {
      const source = explicit ?? sourceForFile(file);
      if (!source) throw new UsageError(`${file}: cannot tell the format from the extension: add --from ${taskSources.filter((s) => s.extensions.length).map((s) => s.name).join('|')}`);
      return { file, source };
    });
    for (const { source } of sources) sourceMappings(source, map); // a bad --map fails before anything is read
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    const reports: SourceImportReport[] = [];
    try {
      for (const { file, source } of sources) reports.push(await importFromSource(db, file, { source, map, replace, dryRun, sourceOptions }));
    } finally {
      db.close();
    }
    for (const r of reports) for (const w of formatWarnings(r)) out.note(w);
    return finish(reports, dryRun, io, out, (r) => ({ source: (r as SourceImportReport).source, ...(dryRun ? { preview: (r as SourceImportReport).preview } : {}) }));
  },
};

/** `--from git` and `--from dirs`: no file to name; the source's flags say what to read. */
async function runChange(source: TaskSource, sourceOptions: SourceOptions, values: Record<string, unknown>, positionals: readonly string[], io: CliIo): Promise<number> {
  if (positionals.length > 0) throw new UsageError(`--from ${source.name} reads no file (${positionals[0]}): ${source.name === 'git' ? 'give --repo DIR --range A..B' : 'give --before DIR --after DIR'}`);
  if (values['map'] !== undefined) throw new UsageError(`--map does not apply to --from ${source.name}`);
  if (values['as-reviews'] === true || values['study'] !== undefined) throw new UsageError(`--as-reviews and --study do not apply to --from ${source.name}`);
  const replace = values['replace'] === true;
  const dryRun = values['dry-run'] === true;
  const out = output(values, io);
  const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
  let report: SourceImportReport;
  try {
    report = await importFromSource(db, null, { source, replace, dryRun, sourceOptions });
  } finally {
    db.close();
  }
  for (const w of formatWarnings(report)) out.note(w);
  return finish([report], dryRun, io, out, (r) => ({ source: (r as SourceImportReport).source, ...(dryRun ? { preview: (r as SourceImportReport).preview } : {}) }));
}

/** Prints the outcome of the files (for people, or one JSON object with --json; errors on stderr) and returns the exit code. */
function finish(reports: readonly ImportReport[], dryRun: boolean, io: CliIo, out: Output, extra: (r: ImportReport) => Record<string, unknown> = () => ({})): number {
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
    warnings: reports.reduce((n, r) => n + r.warningCount, 0),
    files: reports.map((r) => ({ file: r.file, tasks: r.tasks, critiques: r.critiques, flaws: r.flaws, unchanged: r.unchanged, replaced: r.replaced, warnings: r.warningCount, ...extra(r) })),
  };
  out.result(result, () => {
    const lines = reports.flatMap((r) => {
      const { source, preview } = r as Partial<SourceImportReport>;
      const line = `${describe(r, dryRun)}${source ? ` (read as ${source})` : ''}`;
      // a dry run of a foreign file shows how its first records map to tasks
      return dryRun && preview && preview.length > 0 ? [line, `  the first ${plural(preview.length, 'task')} as mapped:`, ...preview.map((t) => `  ${JSON.stringify(t)}`)] : [line];
    });
    if (reports.length > 1) lines.push(`In all: ${plural(result.tasks, 'task')} ${dryRun ? 'would be imported' : 'imported'}, ${plural(result.unchanged, 'task')} unchanged.`);
    if (dryRun) lines.push('Nothing was written (--dry-run).');
    return lines.join('\n');
  });
  return 0;
}

function runPackages(files: readonly string[], options: { replace: boolean; dryRun: boolean }, dbFlag: string | undefined, io: CliIo, out: Output): number {
  const db = openDatabase(resolveDbPath(dbFlag, io.env));
  const reports: ImportReport[] = [];
  try {
    for (const file of files) {
      const size = fileSize(file);
      const bar = size > progressThreshold ? out.progress(path.basename(file), size, 'bytes') : undefined;
      try {
        reports.push(importFile(db, file, { ...options, ...(bar ? { onProgress: (done: number, total: number) => bar.update(done, total) } : {}) }));
      } finally {
        bar?.done();
      }
    }
  } finally {
    db.close();
  }
  for (const r of reports) for (const w of formatWarnings(r)) out.note(w);
  return finish(reports, options.dryRun, io, out);
}

function runProdigyReviews(files: readonly string[], options: { study: string; map: string | undefined; dryRun: boolean }, dbFlag: string | undefined, io: CliIo, output: Output): number {
  const mappings = sourceMappings(findSource('prodigy'), options.map);
  const db = openDatabase(resolveDbPath(dbFlag, io.env));
  let failed = false;
  const out: { file: string; study: string; reviews: number; dryRun?: boolean; added?: number; unchanged?: number }[] = [];
  try {
    for (const file of files) {
      const r = importProdigyReviews(db, file, { study: options.study, map: mappings, dryRun: options.dryRun });
      for (const w of r.warnings) output.note(`warning: ${w}`);
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
  output.result({ files: out }, () =>
    out
      .map((f) =>
        options.dryRun
          ? `${f.file}: valid, would merge ${plural(f.reviews, 'review')} into study ${options.study}. Nothing was written (--dry-run).`
          : `${f.file}: ${plural(f.reviews, 'review')} for study ${options.study}: ${(f.added ?? 0).toLocaleString('en-US')} added, ${(f.unchanged ?? 0).toLocaleString('en-US')} unchanged.`,
      )
      .join('\n'),
  );
  return failed ? 1 : 0;
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
