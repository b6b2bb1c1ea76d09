import os from 'node:os';
import type { Statement } from 'better-sqlite3';
import { AppError } from '../../../shared/result.js';
import { sqliteCode } from '../db/errors.js';
import type { AnyDb, WritableDb } from '../db/types.js';

// How an import writes (migration 0005): rows go into the real tables in short transactions, tagged
// with the import's batch, and stay invisible until the batch is published in one short
// transaction. Readers never see half a file; other writers (the app recording actions, another
// import) wait for one short batch at most, never for a whole file.

/**
 * SQL that is true when the task row `alias` is visible: not written by an import that is still
 * staging. Every query that lists or finds tasks applies it (count, list, get, export, practice
 * queue, study creation, the importer's own lookup).
 */
export function visibleTask(alias: string): string {
  return `(${alias}.import_batch IS NULL OR ${alias}.import_batch NOT IN (SELECT id FROM import_batches WHERE state = 'staging'))`;
}

let beforeBatch: (() => void) | undefined;

/**
 * Sets what runs before each staged batch's transaction in this thread. The back end's write
 * worker uses it to let the main thread's waiting writes go first (see worker/protocol.ts).
 */
export function beforeImportBatch(hook: (() => void) | undefined): void {
  beforeBatch = hook;
}

/** A staging batch untouched for this long belongs to an import that died (or hangs): it is removed. */
export const abandonedAfterMs = 2 * 60_000;

type Params = Record<string, string | number | null>;

/** A critique or flaw row waiting to be written, with the line it came from. */
export interface PendingRow {
  readonly line: number;
  readonly row: Params & { readonly task: string };
}

/** A task row waiting to be written. `seq` is given when it is written. */
export interface PendingTask {
  readonly line: number;
  /** True when it replaces a task with the same id (`--replace`). */
  readonly replace: boolean;
  readonly row: Params & { readonly id: string };
}

/** Rows validated together and written together. */
export interface RowBatch {
  readonly tasks: readonly PendingTask[];
  readonly critiques: readonly PendingRow[];
  readonly flaws: readonly PendingRow[];
}

/** A row the database refused, with the line it came from. */
export class RowError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where an import's rows go: straight into the caller's transaction, or into a staged batch. */
export interface RowSink {
  /** Writes one batch of rows; throws {@link RowError} (having written nothing of it) when a row is refused. */
  write(batch: RowBatch): void;
  /** The file is rejected: remove whatever was written so far. Idempotent. */
  abandon(): void;
  /** Makes everything written visible at once; returns the refusals that stopped it (then nothing is visible). */
  publish(): { line: number; field: string; message: string }[];
}

/** Thrown inside the publish transaction to roll it back. */
class PublishRefused extends Error {}

/** The prepared statements that write task rows, shared by both sinks. */
class TaskWriter {
  readonly maxSeq: Statement;
  readonly insertTask: Statement;
  readonly updateTask: Statement;
  readonly deleteCritiques: Statement;
  readonly deleteFlaws: Statement;
  readonly insertCritique: Statement;
  readonly insertFlaw: Statement;

  constructor(readonly db: WritableDb) {
    this.maxSeq = db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM tasks');
    this.insertTask = db.prepare(
      `INSERT INTO tasks (id, seq, kind, title, output, language, base, files_json, context_json, meta_json, source_json, content_hash, imported_at, import_batch)
       VALUES ($id, $seq, $kind, $title, $output, $language, $base, $files, $context, $meta, $source, $hash, $now, $batch)`,
    );
    this.updateTask = db.prepare(
      `UPDATE tasks SET kind = $kind, title = $title, output = $output, language = $language, base = $base, files_json = $files, context_json = $context,
              meta_json = $meta, source_json = $source, content_hash = $hash, imported_at = $now
        WHERE id = $id`,
    );
    this.deleteCritiques = db.prepare('DELETE FROM critiques WHERE task_id = $id');
    this.deleteFlaws = db.prepare('DELETE FROM flaws WHERE task_id = $id');
    this.insertCritique = db.prepare(
      `INSERT INTO critiques (task_id, id, position, text, anchor_json, resolved_json, severity, category, score, model, evidence_json, valid, critic, sample, hallucinated)
       VALUES ($task, $id, $position, $text, $anchor, $resolved, $severity, $category, $score, $model, $evidence, $valid, $critic, $sample, $hallucinated)`,
    );
    this.insertFlaw = db.prepare(
      `INSERT INTO flaws (task_id, id, position, description, anchor_json, resolved_json, severity, category, critiques_json)
       VALUES ($task, $id, $position, $description, $anchor, $resolved, $severity, $category, $critiques)`,
    );
  }

  nextSeq(): number {
    return (this.maxSeq.get() as { seq: number }).seq + 1;
  }

  /**
   * Writes new tasks (table by table: SQLite appends to one B-tree at a time much faster than it
   * interleaves three) and, when `inPlace`, replacements too. Returns the seqs used.
   */
  writeNew(batch: RowBatch, importBatch: number | null, skip: ReadonlySet<string>): { first: number; last: number } | null {
    let seq = this.nextSeq();
    const first = seq;
    for (const t of batch.tasks) {
      if (t.replace) continue;
      this.run(t.line, () => this.insertTask.run({ ...t.row, seq: seq++, batch: importBatch }), t.row.id);
    }
    for (const c of batch.critiques) if (!skip.has(c.row.task)) this.run(c.line, () => this.insertCritique.run(c.row));
    for (const f of batch.flaws) if (!skip.has(f.row.task)) this.run(f.line, () => this.insertFlaw.run(f.row));
    return seq > first ? { first, last: seq - 1 } : null;
  }

  /** Overwrites a task and its critiques and flaws in place (it keeps its seq and place in queues). */
  replace(line: number, task: Params & { readonly id: string }, critiques: readonly Params[], flaws: readonly Params[]): void {
    this.run(line, () => {
      this.updateTask.run(task);
      this.deleteCritiques.run({ id: task.id });
      this.deleteFlaws.run({ id: task.id });
      for (const c of critiques) this.insertCritique.run(c);
      for (const f of flaws) this.insertFlaw.run(f);
    });
  }

  private run(line: number, write: () => void, taskId?: string): void {
    try {
      write();
    } catch (err) {
      const code = sqliteCode(err);
      if (taskId !== undefined && code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new RowError(line, `a task with id "${taskId}" was written by another import at the same time; import this file again`);
      }
      if (code === undefined) throw err;
      throw new RowError(line, (err as Error).message);
    }
  }
}

/** Children of the batch's replaced tasks, by task id. */
function replacementRows(batch: RowBatch): Map<string, { task: PendingTask; critiques: Params[]; flaws: Params[] }> {
  const out = new Map<string, { task: PendingTask; critiques: Params[]; flaws: Params[] }>();
  for (const t of batch.tasks) if (t.replace) out.set(t.row.id, { task: t, critiques: [], flaws: [] });
  for (const c of batch.critiques) out.get(c.row.task)?.critiques.push(c.row);
  for (const f of batch.flaws) out.get(f.row.task)?.flaws.push(f.row);
  return out;
}

/**
 * Writes into the transaction the caller already holds (an import nested in a larger change, such
 * as opening a pack): atomic with it, visible when it commits.
 */
export class DirectSink implements RowSink {
  private readonly writer: TaskWriter;

  constructor(db: WritableDb) {
    this.writer = new TaskWriter(db);
  }

  write(batch: RowBatch): void {
    const replaced = replacementRows(batch);
    for (const [, r] of replaced) this.writer.replace(r.task.line, r.task.row, r.critiques, r.flaws);
    this.writer.writeNew(batch, null, new Set(replaced.keys()));
  }

  abandon(): void {
    // the caller's transaction is rolled back
  }

  publish(): { line: number; field: string; message: string }[] {
    return [];
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface BatchRow {
  id: number;
  source: string;
  owner_host: string;
  owner_pid: number;
  heartbeat_at: number;
  first_seq: number | null;
  last_seq: number | null;
}

/**
 * Writes each batch of rows in its own short IMMEDIATE transaction, tagged with this import's batch
 * (created with the first rows), and publishes them all in one short transaction at the end.
 */
export class StagedSink implements RowSink {
  private readonly writer: TaskWriter;
  private batch: number | null = null;
  private done = false;
  private readonly touch: Statement;
  private readonly stage: Statement;

  constructor(
    private readonly db: WritableDb,
    private readonly source: string,
    private readonly options: { readonly refuseChange: (taskId: string) => string | null; readonly now?: () => number } = { refuseChange: () => null },
  ) {
    this.writer = new TaskWriter(db);
    this.touch = db.prepare(
      `UPDATE import_batches SET heartbeat_at = $now, first_seq = coalesce(first_seq, $first), last_seq = coalesce($last, last_seq), tasks = tasks + $tasks
        WHERE id = $id AND state = 'staging'`,
    );
    this.stage = db.prepare('INSERT INTO import_replacements (batch, task_id, line, rows_json) VALUES ($batch, $task, $line, $rows)');
  }

  write(batch: RowBatch): void {
    if (this.done) throw new AppError('internal', 'This import was already finished');
    beforeBatch?.();
    const now = this.now();
    const created = this.batch === null;
    try {
      this.stageIn(batch, now);
    } catch (err) {
      if (created) this.batch = null; // the batch row was rolled back with the rows
      throw err;
    }
  }

  private stageIn(batch: RowBatch, now: number): void {
    this.db
      .transaction(() => {
        const id = (this.batch ??= this.create(now));
        const replaced = replacementRows(batch);
        const seqs = this.writer.writeNew(batch, id, new Set(replaced.keys()));
        for (const [task, r] of replaced) {
          this.stage.run({ batch: id, task, line: r.task.line, rows: JSON.stringify({ task: r.task.row, critiques: r.critiques, flaws: r.flaws }) });
        }
        const touched = this.touch.run({ id, now, first: seqs?.first ?? null, last: seqs?.last ?? null, tasks: batch.tasks.length }).changes;
        if (touched !== 1) throw abandonedError(this.source);
      })
      .immediate();
  }

  publish(): { line: number; field: string; message: string }[] {
    if (this.done) return [];
    this.done = true;
    const id = this.batch;
    if (id === null) return []; // nothing was written (every task unchanged)
    const refusals: { line: number; field: string; message: string }[] = [];
    try {
      this.publishIn(id, refusals);
    } catch (err) {
      if (err instanceof PublishRefused) return refusals; // rolled back: nothing was swapped in
      throw err;
    }
    return refusals;
  }

  private publishIn(id: number, refusals: { line: number; field: string; message: string }[]): void {
    this.db
      .transaction(() => {
        const rows = this.db.prepare('SELECT task_id, line, rows_json FROM import_replacements WHERE batch = $id ORDER BY line').all({ id }) as {
          task_id: string;
          line: number;
          rows_json: string;
        }[];
        for (const r of rows) {
          // Checked again here: the task may have been shown (a review, a pack) since its line was validated.
          const refusal = this.options.refuseChange(r.task_id);
          if (refusal) {
            refusals.push({ line: r.line, field: 'id', message: `${refusal} (it was shown while this file was being imported)` });
            continue;
          }
          const staged = JSON.parse(r.rows_json) as { task: Params & { id: string }; critiques: Params[]; flaws: Params[] };
          // (rows staged before migration 13 have no files column)
          staged.task = { files: null, ...staged.task };
          try {
            this.writer.replace(r.line, staged.task, staged.critiques, staged.flaws);
          } catch (err) {
            if (!(err instanceof RowError)) throw err;
            refusals.push({ line: err.line, field: '(task)', message: `database: ${err.message}` });
          }
        }
        if (refusals.length > 0) throw new PublishRefused();
        const published = this.db
          .prepare(
            `UPDATE import_batches SET state = 'published', published_at = $now, heartbeat_at = $now, replaced = $replaced,
                    published_seq = (SELECT coalesce(max(published_seq), 0) + 1 FROM import_batches)
              WHERE id = $id AND state = 'staging'`,
          )
          .run({ id, now: this.now(), replaced: rows.length }).changes;
        if (published !== 1) throw abandonedError(this.source);
        this.db.prepare('DELETE FROM import_replacements WHERE batch = $id').run({ id });
      })
      .immediate();
  }

  abandon(): void {
    this.done = true;
    if (this.batch !== null) discardBatch(this.db, this.batch);
  }

  private create(now: number): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO import_batches (source, state, owner_host, owner_pid, started_at, heartbeat_at)
           VALUES ($source, 'staging', $host, $pid, $now, $now)`,
        )
        .run({ source: this.source.slice(0, 500), host: os.hostname(), pid: process.pid, now }).lastInsertRowid,
    );
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

function abandonedError(source: string): AppError {
  return new AppError(
    'conflict',
    `${source}: this import was idle for too long and its rows were removed by another Assay process; nothing from the file was imported. Import it again.`,
  );
}

/** Rows deleted per transaction when a batch is discarded. */
const discardChunk = 500;

/**
 * Deletes a staging batch's rows in short transactions (critiques and flaws go with their tasks),
 * then the batch itself. Safe to repeat and to run from two processes at once.
 */
function discardBatch(db: WritableDb, batch: number): void {
  const row = db.prepare('SELECT first_seq, last_seq, state FROM import_batches WHERE id = $batch').get({ batch }) as
    | { first_seq: number | null; last_seq: number | null; state: string }
    | undefined;
  if (!row || row.state !== 'staging') return;
  const pick = db.prepare(
    `SELECT rowid AS r FROM tasks INDEXED BY tasks_visible
      WHERE seq BETWEEN $first AND $last AND import_batch = $batch LIMIT ${discardChunk}`,
  );
  const remove = db.prepare('DELETE FROM tasks WHERE rowid = $r');
  if (row.first_seq !== null && row.last_seq !== null) {
    for (;;) {
      const removed = db
        .transaction(() => {
          const rows = pick.all({ first: row.first_seq, last: row.last_seq, batch }) as { r: number }[];
          for (const r of rows) remove.run({ r: r.r });
          return rows.length;
        })
        .immediate();
      if (removed < discardChunk) break;
    }
  }
  db.transaction(() => {
    db.prepare('DELETE FROM import_replacements WHERE batch = $batch').run({ batch });
    db.prepare(`DELETE FROM import_batches WHERE id = $batch AND state = 'staging'`).run({ batch });
  }).immediate();
}

/** True when a staging batch belongs to an import that can no longer finish. */
function isAbandoned(row: Pick<BatchRow, 'owner_host' | 'owner_pid' | 'heartbeat_at'>, now = Date.now()): boolean {
  if (now - row.heartbeat_at > abandonedAfterMs) return true;
  // A process on this machine that no longer exists (killed, crashed, power cut) cannot publish.
  return row.owner_host === os.hostname() && row.owner_pid !== process.pid && !pidAlive(row.owner_pid);
}

/**
 * Removes the rows of imports that died while staging (a killed `assay import`, a crashed app).
 * Runs before every import and when the back end starts. Returns the sources cleaned up.
 */
export function cleanupAbandonedImports(db: WritableDb, now = Date.now()): string[] {
  const rows = db.prepare(`SELECT id, source, owner_host, owner_pid, heartbeat_at, first_seq, last_seq FROM import_batches WHERE state = 'staging'`).all() as BatchRow[];
  const cleaned: string[] = [];
  for (const row of rows) {
    if (!isAbandoned(row, now)) continue;
    discardBatch(db, row.id);
    cleaned.push(row.source);
  }
  return cleaned;
}

/** Imports still staging (for diagnostics and tests). */
export function stagingImports(db: AnyDb): { id: number; source: string; tasks: number }[] {
  return db.prepare(`SELECT id, source, tasks FROM import_batches WHERE state = 'staging' ORDER BY id`).all() as { id: number; source: string; tasks: number }[];
}
