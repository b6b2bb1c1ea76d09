import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseUntrustedJson } from '../../../shared/json-shape.js';
import { criticColumns } from '../../../shared/critic/names.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { misplacedFileMessage, recognizeFile, recognizeFileStart, RECOGNIZE_HEAD_CHARS, type FileKind } from '../../../shared/file-kind.js';
import { formatPath, taskFiles, validateTask, type ValidTask } from '../../../shared/task-format.js';
import { findLoneSurrogate, loneSurrogateMessage, mayHaveSurrogateEscape } from '../../../shared/unicode.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import type { Statement } from 'better-sqlite3';
import { anchorsOffTheDiff } from './changed-lines.js';
import { exportedLine } from './export.js';
import { taskChangeRefusal } from './guard.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type LineEvent } from './lines.js';
import { cleanupAbandonedImports, DirectSink, RowError, StagedSink, visibleTask, type PendingRow, type PendingTask, type RowSink } from './staging.js';

/** Counts reported after an import. */
export interface ImportSummary {
  tasks: number;
  critiques: number;
  flaws: number;
  unchanged: number;
}

/** The outcome of importing one file: counts, or the errors that stopped it (then nothing was written). */
export interface ImportReport extends ImportSummary {
  /** The name used in error messages. */
  readonly file: string;
  /** Tasks that replaced a different task with the same id (`--replace`); included in `tasks`. */
  replaced: number;
  /** Lines read, blank lines included. */
  lines: number;
  /** Bytes read. */
  bytes: number;
  /** The first {@link ImportOptions.maxErrors} errors, each `FILE:LINE: field.path: message`. */
  readonly errors: string[];
  /** All errors, including those not listed. */
  errorCount: number;
  /**
   * What is valid but probably wrong (a flaw anchored on lines the change does not touch), the first
   * {@link ImportOptions.maxErrors} as `FILE:LINE: field.path: message`; they never refuse a file.
   */
  readonly warnings: string[];
  /** All warnings, listed or not. */
  warningCount: number;
}

/** How an import behaves. */
export interface ImportOptions {
  /** Overwrite a task whose id exists with other content (refused when it has reviews). */
  readonly replace?: boolean;
  /** Validate (against the database too) but write nothing. */
  readonly dryRun?: boolean;
  /** The longest line accepted, in bytes. */
  readonly maxLineBytes?: number;
  /** How many errors to list; the rest are only counted. */
  readonly maxErrors?: number;
  /** Called after each chunk read from a file: bytes done and the file's size. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Tasks written per transaction (default {@link WRITE_BATCH}). Each batch holds the write lock
   * only briefly, so the app and other imports go on while a big file is imported.
   */
  readonly batchTasks?: number;
}

/** Formats the errors of a report for a terminal or the UI: the listed ones, then how many more. */
export function formatErrors(report: Pick<ImportReport, 'errors' | 'errorCount'>): string {
  const more = report.errorCount - report.errors.length;
  return [...report.errors, ...(more > 0 ? [`… and ${more} more error${more === 1 ? '' : 's'}`] : [])].join('\n');
}

/** The warnings of a report as lines `warning: FILE:LINE: field: message`, then how many more. */
export function formatWarnings(report: Pick<ImportReport, 'warnings' | 'warningCount'>): string[] {
  const more = report.warningCount - report.warnings.length;
  return [...report.warnings.map((w) => `warning: ${w}`), ...(more > 0 ? [`warning: … and ${more} more warning${more === 1 ? '' : 's'}`] : [])];
}

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0xfeff || c === 0xa0;
const isTrimmed = (s: string): boolean => s.length > 0 && !isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(s.length - 1));

/** True when a stored source and a parsed task are the same JSON value, whatever their key order or spacing. */
function sameJson(source: string, value: unknown): boolean {
  try {
    return canonicalJson(JSON.parse(source)) === canonicalJson(value);
  } catch {
    return false;
  }
}

/**
 * Tasks validated and queued for writing, per batch (and per write transaction): small enough that
 * one batch holds the write lock for a few milliseconds, large enough to amortise the commit.
 */
const WRITE_BATCH = 25;
/** A batch is also written once its tasks' source text reaches this size (big tasks, fewer per batch). */
const WRITE_BATCH_CHARS = 256 * 1024;

/**
 * Imports the lines of one task package as they arrive (`push`, then `end`). Validates every line and
 * writes valid tasks while no error has been seen; the caller runs it inside a transaction and rolls
 * back when `end()` reports errors (see {@link importFile}), so a file is imported whole or not at all.
 */
export class ImportSession {
  private readonly report: ImportReport;
  private readonly splitter: LineSplitter;
  private readonly maxErrors: number;
  private readonly idsInFile = new Map<string, number>();
  private readonly emptyAtStart: boolean;
  private readonly now = Date.now();
  private readonly existing: Statement;
  private readonly batchTasks: number;
  private pending: { tasks: PendingTask[]; critiques: PendingRow[]; flaws: PendingRow[] } = { tasks: [], critiques: [], flaws: [] };
  private pendingChars = 0;
  /** The file is another kind of Assay file (a pack…): reported once, the rest is not read. */
  private misplaced = false;
  /** The start of the file until its kind is known (then null). */
  private head: Buffer[] | null = [];
  private headBytes = 0;
  private nextLook = 0;

  /** `sink` receives the validated rows; without one (a dry run, an upload's early check) nothing is written. */
  constructor(
    private readonly db: WritableDb,
    file: string,
    private readonly options: ImportOptions = {},
    private readonly sink?: RowSink,
  ) {
    this.report = { file, tasks: 0, critiques: 0, flaws: 0, unchanged: 0, replaced: 0, lines: 0, bytes: 0, errors: [], errorCount: 0, warnings: [], warningCount: 0 };
    this.maxErrors = options.maxErrors ?? 50;
    this.batchTasks = Math.max(1, options.batchTasks ?? WRITE_BATCH);
    this.splitter = new LineSplitter((e) => this.onLine(e), options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    // (into an empty database nothing can conflict; a concurrent import of the same id fails on its key)
    this.emptyAtStart = db.prepare('SELECT 1 FROM tasks LIMIT 1').get() === undefined;
    // Only published tasks count: another import's staged rows are not in the database yet.
    this.existing = db.prepare(
      `SELECT t.content_hash, t.source_json, EXISTS (SELECT 1 FROM critiques c INDEXED BY critiques_generated WHERE c.task_id = t.id AND c.generated = 1) AS generated
         FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`,
    );
  }

  /** Errors so far. */
  get errorCount(): number {
    return this.report.errorCount;
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.splitter.bytes;
  }

  /** Lines seen so far. */
  get lines(): number {
    return this.splitter.lines;
  }

  /** Feeds the next chunk of the file. */
  push(chunk: Uint8Array): void {
    if (this.misplaced) return;
    if (this.head === null) {
      this.splitter.push(chunk);
      return;
    }
    // The start of the file is held back (up to 64 KiB) until it says what kind of file this is: a
    // pack, a results file or review records given to the task import get one error saying where
    // they belong instead of a schema error per line.
    this.head.push(Buffer.from(chunk));
    this.headBytes += chunk.byteLength;
    if (this.headBytes < this.nextLook) return; // looked at less than half of this: wait for more (tiny chunks stay linear)
    this.nextLook = 2 * this.headBytes;
    const text = new TextDecoder('utf-8').decode(Buffer.concat(this.head));
    const kind = this.headBytes >= RECOGNIZE_HEAD_CHARS ? recognizeFile(text) : recognizeFileStart(text);
    if (kind !== null) this.recognized(kind);
  }

  private recognized(kind: FileKind): void {
    const head = this.head ?? [];
    this.head = null;
    const message = misplacedFileMessage('this file', kind, 'task-import');
    if (message) {
      this.misplaced = true;
      this.error(1, '(file)', message);
      return;
    }
    for (const part of head) this.splitter.push(part);
  }

  /** Ends the file and returns the report; `errorCount > 0` means the caller must roll back. */
  end(): ImportReport {
    if (this.head !== null) this.recognized(recognizeFile(new TextDecoder('utf-8').decode(Buffer.concat(this.head))));
    if (this.misplaced) return this.report;
    this.splitter.end();
    this.flush();
    this.report.lines = this.splitter.lines;
    this.report.bytes = this.splitter.bytes;
    if (this.report.lines === 0 || (this.report.tasks === 0 && this.report.unchanged === 0 && this.report.errorCount === 0)) {
      this.error(Math.max(1, this.report.lines), '(file)', 'no tasks: the file is empty or has only blank lines');
    }
    return this.report;
  }

  private error(line: number, field: string, message: string): void {
    this.report.errorCount++;
    // The file is rejected: stop writing and take back what was staged, now rather than at the end.
    if (this.report.errorCount === 1) this.sink?.abandon();
    if (this.report.errors.length < this.maxErrors) this.report.errors.push(`${this.report.file}:${line}: ${field}: ${message}`);
  }

  private warn(line: number, field: string, message: string): void {
    this.report.warningCount++;
    if (this.report.warnings.length < this.maxErrors) this.report.warnings.push(`${this.report.file}:${line}: ${field}: ${message}`);
  }

  private onLine(event: LineEvent): void {
    if ('error' in event) {
      this.error(event.line, '(line)', event.error);
      return;
    }
    const { line, text } = event;
    if (text.trim() === '') return;
    let raw: unknown;
    try {
      raw = parseUntrustedJson(text);
    } catch (err) {
      this.error(line, '(json)', `not valid JSON: ${(err as Error).message}`);
      return;
    }
    // A valid UTF-8 line can still spell a lone surrogate as an escape ("\ud83c"): refuse it, or it
    // would be stored as invalid UTF-8 and shift every anchor after it. Cheap: only lines with such an escape are walked.
    if (mayHaveSurrogateEscape(text)) {
      const lone = findLoneSurrogate(raw);
      if (lone) {
        this.error(line, lone.path.length ? formatPath(lone.path) : '(json)', loneSurrogateMessage(lone));
        return;
      }
    }
    const result = validateTask(raw);
    if (!result.ok) {
      for (const issue of result.issues) this.error(line, issue.path, issue.message);
      return;
    }
    const task = result.value.task;
    for (const w of anchorsOffTheDiff(result.value)) this.warn(line, w.path, w.message);
    const seen = this.idsInFile.get(task.id);
    if (seen !== undefined) {
      this.error(line, 'id', `duplicate task id "${task.id}" (also on line ${seen})`);
      return;
    }
    this.idsInFile.set(task.id, line);
    // The stored source is the line itself, so an export gives back exactly what was imported; the
    // hash covers those bytes (cheap), and only a mismatch pays for a key-order-blind comparison.
    const source = isTrimmed(text) ? text : text.trim();
    const hash = crypto
      .createHash('sha256')
      .update(source === text ? event.bytes : Buffer.from(source, 'utf8'))
      .digest('hex');
    // (into an empty database nothing can conflict: skip the lookup, which matters for big first imports)
    const found = this.emptyAtStart ? undefined : (this.existing.get({ id: task.id }) as { content_hash: string; source_json: string; generated: number } | undefined);
    let replace = false;
    if (found) {
      // (a task a critic added critiques to is unchanged when the line is its export: the imported line plus those critiques)
      if (found.content_hash === hash || sameJson(found.source_json, raw) || (found.generated === 1 && sameJson(exportedLine(this.db, task.id, found.source_json), raw))) {
        this.report.unchanged++;
        return;
      }
      if (!this.options.replace) {
        this.error(line, 'id', `a different task with id "${task.id}" is already in the database (import with --replace to overwrite it)`);
        return;
      }
      // The one guard for changing an existing task (tasks/guard.ts): shown tasks stay as shown.
      const refusal = taskChangeRefusal(this.db, task.id);
      if (refusal) {
        this.error(line, 'id', refusal);
        return;
      }
      replace = true;
    }
    if (this.report.errorCount > 0 || this.options.dryRun || !this.sink) {
      this.count(result.value, replace);
      return; // nothing is written once the file is known to be rejected
    }
    this.write(result.value, line, source, hash, replace);
    this.count(result.value, replace);
  }

  private count(valid: ValidTask, replace: boolean): void {
    this.report.tasks++;
    if (replace) this.report.replaced++;
    this.report.critiques += valid.task.critiques?.length ?? 0;
    this.report.flaws += valid.task.flaws?.length ?? 0;
  }

  private write(valid: ValidTask, line: number, source: string, hash: string, replace: boolean): void {
    const { task } = valid;
    const row = {
      id: task.id,
      kind: task.kind,
      title: task.title ?? null,
      output: task.output ?? '',
      language: task.language ?? null,
      base: task.base ?? null,
      // multi-file tasks (format 1.1): the files as shown (known fields only), in order
      files: task.files ? JSON.stringify(taskFiles(task)) : null,
      context: json(task.context),
      meta: json(task.meta),
      source,
      hash,
      now: this.now,
    };
    this.pending.tasks.push({ line, replace, row });
    const critiques = task.critiques ?? [];
    for (let i = 0; i < critiques.length; i++) {
      const c = critiques[i]!;
      const resolved = valid.critiqueAnchors[i];
      const evidence = valid.critiqueEvidence[i];
      this.pending.critiques.push({
        line,
        row: {
          task: task.id,
          id: c.id,
          position: i,
          text: c.text,
          anchor: json(c.anchor),
          resolved: resolved ? JSON.stringify(resolved) : null,
          severity: c.severity ?? null,
          category: c.category ?? null,
          score: c.score ?? null,
          model: c.model ?? null,
          evidence: evidence ? JSON.stringify(evidence) : null,
          valid: c.valid === undefined ? null : c.valid ? 1 : 0,
          ...criticColumns(c),
        },
      });
    }
    const flaws = task.flaws ?? [];
    for (let i = 0; i < flaws.length; i++) {
      const f = flaws[i]!;
      const resolved = valid.flawAnchors[i];
      this.pending.flaws.push({
        line,
        row: {
          task: task.id,
          id: f.id,
          position: i,
          description: f.description,
          anchor: json(f.anchor),
          resolved: resolved ? JSON.stringify(resolved) : null,
          severity: f.severity ?? null,
          category: f.category ?? null,
          critiques: json(f.critiques),
        },
      });
    }
    this.pendingChars += source.length;
    if (this.pending.tasks.length >= this.batchTasks || this.pendingChars >= WRITE_BATCH_CHARS) this.flush();
  }

  /** Hands the queued rows to the sink (one short transaction when staged). */
  private flush(): void {
    const batch = this.pending;
    this.pending = { tasks: [], critiques: [], flaws: [] };
    this.pendingChars = 0;
    if (batch.tasks.length === 0 || this.report.errorCount > 0 || !this.sink) return; // a rejected file writes nothing more
    try {
      this.sink.write(batch);
    } catch (err) {
      if (!(err instanceof RowError)) throw err;
      this.error(err.line, '(task)', `database: ${err.message}`);
    }
  }

  /** Publishes what was written; a refusal (a replaced task reviewed meanwhile) rejects the file. */
  publish(): ImportReport {
    if (this.report.errorCount === 0 && this.sink) {
      for (const r of this.sink.publish()) this.error(r.line, r.field, r.message);
    }
    return this.report;
  }

  /** Takes back everything written (the file failed with an exception). */
  abandon(): void {
    this.sink?.abandon();
  }
}

class Rollback extends Error {}

/**
 * Runs an import session: the file is imported whole, or — on any error, including an exception
 * from `feed` — not at all. Outside a transaction the rows are staged in short transactions and
 * published at once (see staging.ts): readers see all of the file or none of it, and nobody waits
 * for the whole file. Inside the caller's transaction (opening a pack) they are written there.
 */
export function runImport(db: WritableDb, file: string, options: ImportOptions, feed: (session: ImportSession) => void): ImportReport {
  if (options.dryRun) {
    const session = new ImportSession(db, file, options);
    feed(session);
    return session.end();
  }
  if (db.inTransaction) {
    let report: ImportReport | undefined;
    try {
      db.transaction(() => {
        const session = new ImportSession(db, file, options, new DirectSink(db));
        feed(session);
        report = session.end();
        if (report.errorCount > 0) throw new Rollback();
      }).immediate(); // nested: a savepoint
    } catch (err) {
      if (!(err instanceof Rollback)) throw err;
    }
    return report!;
  }
  cleanupAbandonedImports(db);
  // A 16 MiB page cache (SQLite's default is 2 MiB) while importing: rows are written table by
  // table in batches, so the hot pages are few; more cache only costs memory. Staged batches commit
  // without fsync (synchronous=NORMAL): they are invisible, and the publish (FULL) syncs them all.
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('cache_size = -16384');
  db.pragma('synchronous = NORMAL');
  // Checked again at the publish: the task may have been shown (a pack, a review) since its line was read.
  const session = new ImportSession(db, file, options, new StagedSink(db, file, { refuseChange: (id) => taskChangeRefusal(db, id) }));
  try {
    feed(session);
    const report = session.end();
    if (report.errorCount > 0) return report; // already taken back, at the first error
    db.pragma(`synchronous = ${synchronous}`);
    const published = session.publish();
    if (published.errorCount > 0) session.abandon();
    return published;
  } catch (err) {
    try {
      session.abandon();
    } catch {
      // the next import or back-end start removes the rows (see cleanupAbandonedImports)
    }
    throw err;
  } finally {
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

/**
 * Imports one task package file, streaming it in chunks (memory stays bounded by the longest line),
 * in one transaction. Errors name the file as `label` (default: the path as given).
 */
export function importFile(db: WritableDb, filePath: string, options: ImportOptions & { readonly label?: string } = {}): ImportReport {
  const label = options.label ?? filePath;
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('invalid-input', `${label}: cannot read the file${code === 'ENOENT' ? ': no such file' : `: ${(err as Error).message}`}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new AppError('invalid-input', `${label}: is a folder, not a task package file`);
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    return runImport(db, label, options, (session) => {
      let done = 0;
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, null);
        if (n === 0) break;
        session.push(buffer.subarray(0, n));
        done += n;
        options.onProgress?.(done, stat.size);
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Imports already-parsed tasks in one transaction (all or nothing), as if they were the lines of a
 * file called `source`. Throws `invalid-input` listing the errors when any task is rejected.
 */
export function importTasks(db: WritableDb, tasks: readonly unknown[], source = 'input', options: ImportOptions = {}): ImportReport {
  const report = runImport(db, source, options, (session) => {
    for (const task of tasks) session.push(Buffer.from(`${JSON.stringify(task)}\n`, 'utf8'));
  });
  if (report.errorCount > 0) throw new AppError('invalid-input', formatErrors(report));
  return report;
}

