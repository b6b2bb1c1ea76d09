import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../../../shared/result.js';
import type { WritableDb } from '../../db/types.js';
import { importFile, type ImportOptions, type ImportReport } from '../import.js';
import { csvSource } from './csv.js';
import { dirsSource } from './dirs.js';
import { gitSource } from './git.js';
import { patchSource } from './patch.js';
import { sarifSource } from './sarif.js';
import { columnOf, FieldMapError, parseFieldMap, type FieldMapping } from './field-map.js';
import { jsonlMapSource } from './jsonl-map.js';
import { labelStudioSource } from './labelstudio.js';
import { parquetSource } from './parquet.js';
import { prodigySource } from './prodigy.js';
import type { SourceContext, SourceOptions, TaskSource } from './source.js';

// The `--from SOURCE` family: each source turns a foreign file into task objects, streamed into a
// spool file of task-package lines, which the one importer (tasks/import.ts) then reads like any
// package: validation, anchors, duplicate ids, the frozen-task guard and all-or-nothing per file
// apply to every source alike. Nothing here writes to the database itself.

/** The one table of `--from` names. Add a source here. */
export const taskSources: readonly TaskSource[] = [jsonlMapSource, csvSource, parquetSource, labelStudioSource, prodigySource, gitSource, patchSource, dirsSource, sarifSource];

/** The source named `name`; a usage-style AppError listing the names otherwise. */
export function findSource(name: string): TaskSource {
  const s = taskSources.find((x) => x.name === name);
  if (!s) throw new AppError('invalid-input', `--from: unknown source "${name}" (known: ${taskSources.map((x) => x.name).join(', ')})`);
  return s;
}

/** The tabular source a file's extension selects (for `--map` without `--from`), or undefined. */
export function sourceForFile(file: string): TaskSource | undefined {
  const lower = file.toLowerCase();
  return taskSources.find((s) => s.extensions.some((e) => lower.endsWith(e)));
}

/** How a source import behaves: the importer's options, plus the source and its mapping. */
export interface SourceImportOptions extends ImportOptions {
  readonly source: TaskSource;
  /** The `--map` text, if given. */
  readonly map?: string | undefined;
  /** The file's name in messages (default: the path as given). */
  readonly label?: string;
  /** How many mapped tasks to keep for `--dry-run`'s preview (default 3). */
  readonly preview?: number;
  /** The options of the code-review sources (git, patch, dirs, sarif). */
  readonly sourceOptions?: SourceOptions;
}

/** The outcome of one source file: the importer's report (errors named in the source's terms), warnings and a preview. */
export interface SourceImportReport extends ImportReport {
  readonly source: string;
  /**
   * What was repaired or skipped on the way (UTF-16 offsets turned into code points, a binary file
   * left out) and what the importer warns about (a flaw on lines the change does not touch),
   * `FILE:PLACE: message`.
   */
  readonly warnings: string[];
  /** The first mapped tasks, as handed to the importer. */
  readonly preview: Record<string, unknown>[];
}

/** Parses `--map` for a source, as an `invalid-input` error naming the flag. */
export function sourceMappings(source: TaskSource, map: string | undefined): FieldMapping[] | undefined {
  if (map === undefined) return undefined;
  if (source.mapping === 'none') throw new AppError('invalid-input', `--map: --from ${source.name} takes no --map (it knows its fields)`);
  try {
    const mappings = parseFieldMap(map);
    if (source.mapping !== 'columns') {
      const bad = mappings.find((m) => m.target === 'critiques' || m.target === 'flaws');
      if (bad) throw new FieldMapError(`--map: ${bad.target} come from the ${source.name} file itself and cannot be mapped`);
    }
    return mappings;
  } catch (err) {
    if (err instanceof FieldMapError) throw new AppError('invalid-input', err.message);
    throw err;
  }
}

/** Where each spooled task came from (its line and row): growable, 8 bytes a task. */
class Places {
  private places = new Uint32Array(2048);
  count = 0;
  push(line: number, row: number): void {
    if (this.count * 2 === this.places.length) {
      const next = new Uint32Array(this.places.length * 2);
      next.set(this.places);
      this.places = next;
    }
    this.places[this.count * 2] = line;
    this.places[this.count * 2 + 1] = row;
    this.count++;
  }
  line(index: number): number {
    return this.places[index * 2] ?? 0;
  }
  row(index: number): number {
    return this.places[index * 2 + 1] ?? 0;
  }
}

/** Shortens long strings of a preview so that a 50,000-word document does not fill the terminal. */
function previewValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > 240 ? `${value.slice(0, 240)}… (${value.length} characters)` : value;
  if (Array.isArray(value)) return value.map(previewValue);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, previewValue(v)]));
  return value;
}

/**
 * Imports one foreign file through its source: the source maps it to task objects (errors name the
 * file, the row or line and the column), which are spooled and handed to the importer in one go.
 * All or nothing: a file with any error imports nothing.
 */
export async function importFromSource(db: WritableDb, file: string | null, options: SourceImportOptions): Promise<SourceImportReport> {
  // SECURITY: a foreign file is untrusted input. Sources only parse it (nesting limits, strict
  // UTF-8, no lone surrogates, bounded line and item sizes) into task objects; the importer, which
  // validates every task like a line of a task package, is the only writer.
  const { source } = options;
  const sourceOptions = options.sourceOptions ?? {};
  const reads = source.readsFile !== false;
  const label = options.label ?? (reads ? (file ?? '') : (source.label?.(sourceOptions) ?? source.name));
  const maxErrors = options.maxErrors ?? 50;
  const mappings = sourceMappings(source, options.map);
  let size = 0;
  if (reads) {
    if (file === null) throw new AppError('invalid-input', `--from ${source.name}: name the file to import`);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AppError('invalid-input', `${label}: cannot read the file${code === 'ENOENT' ? ': no such file' : `: ${(err as Error).message}`}`);
    }
    if (stat.isDirectory()) throw new AppError('invalid-input', `${label}: is a folder, not a ${source.name} file`);
    size = stat.size;
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-source-'));
  const spool = path.join(dir, 'tasks.jsonl');
  const fd = fs.openSync(spool, 'w');
  const errors: string[] = [];
  const warnings: string[] = [];
  let warningCount = 0;
  const preview: Record<string, unknown>[] = [];
  const previewCount = options.preview ?? 3;
  const places = new Places();
  let errorCount = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    fs.writeSync(fd, pending.join(''));
    pending = [];
    pendingChars = 0;
  };
  const ext = reads && file !== null ? path.extname(file) : '';
  const at = (where: string | null): string => (where === null || where === '' ? label : `${label}:${where}`);
  const ctx: SourceContext = {
    file: file ?? '',
    options: sourceOptions,
    db,
    label,
    stem: (reads && file !== null ? path.basename(file, ext) : '') || 'task',
    mappings,
    emit(task, line, row = 0) {
      const text = `${JSON.stringify(task)}\n`;
      pending.push(text);
      pendingChars += text.length;
      if (pendingChars >= 1 << 20) flush();
      if (preview.length < previewCount) preview.push(previewValue(task) as Record<string, unknown>);
      places.push(line, row);
    },
    error(where, field, message) {
      errorCount++;
      if (errors.length < maxErrors) errors.push(`${at(where)}: ${field}: ${message}`);
    },
    warn(where, message) {
      warningCount++;
      if (warnings.length < maxErrors) warnings.push(`${at(where)}: ${message}`);
    },
    get failed() {
      return errorCount > 0;
    },
  };
  const describe = (field: string): string | null => (mappings ? columnOf(mappings, field, source.columnNoun) : null);
  // The importer names spooled tasks by their spool line: name them as the source does.
  const relocate = (e: string): string => {
    const m = e.startsWith(`${label}:`) ? /^(\d+): /.exec(e.slice(label.length + 1)) : null;
    if (!m) return e;
    const index = Number(m[1]) - 1;
    const rest = e.slice(label.length + 1 + m[0].length);
    const sep = rest.indexOf(': ');
    const field = sep === -1 ? rest : rest.slice(0, sep);
    const message = (sep === -1 ? '' : rest.slice(sep + 2)).replace(/\(also on line (\d+)\)/, (all, n: string) => {
      const other = Number(n) - 1;
      return other < places.count ? `(also at ${source.locate(places.line(other), places.row(other))})` : all;
    });
    const column = describe(field);
    const where = index < places.count ? source.locate(places.line(index), places.row(index)) : null;
    return `${at(where)}: ${field}${column ? ` (${column})` : ''}: ${message}`;
  };
  try {
    try {
      await source.read(ctx);
    } finally {
      flush();
      fs.closeSync(fd);
    }
    const base = { file: label, source: source.name, warnings, preview, lines: 0, bytes: size };
    if (places.count === 0) {
      if (errorCount === 0) ctx.error(null, '(file)', `no tasks: the ${source.name} ${reads ? 'file has no rows' : 'input gives no task'}`);
      return { ...base, tasks: 0, critiques: 0, flaws: 0, unchanged: 0, replaced: 0, errors, errorCount, warningCount };
    }
    // The importer checks the mapped tasks; after a source error it only checks (writes nothing),
    // so that one run lists the problems of both kinds.
    // (the importer names the file as `label`, so what it records is the user's file; its line
    // numbers are the spool's, turned back into the source's places below)
    // A source that changes existing tasks (SARIF) replaces them: the importer's guard refuses shown ones.
    const replace = options.replace === true || source.changesTasks === true;
    const report = importFile(db, spool, { ...options, replace, dryRun: options.dryRun === true || errorCount > 0, label, maxErrors });
    for (const e of report.errors) if (errors.length < maxErrors) errors.push(relocate(e));
    for (const w of report.warnings) if (warnings.length < maxErrors) warnings.push(relocate(w));
    errorCount += report.errorCount;
    warningCount += report.warningCount;
    return {
      ...base,
      tasks: report.tasks,
      critiques: report.critiques,
      flaws: report.flaws,
      unchanged: report.unchanged,
      replaced: report.replaced,
      errors,
      errorCount,
      warningCount,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
