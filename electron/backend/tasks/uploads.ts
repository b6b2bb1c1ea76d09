import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IMPORT_CHUNK_BYTES, type ImportResult } from '../../../shared/contract/tasks.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import { ImportSession, importFile, type ImportReport } from './import.js';

interface Upload {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly replace: boolean;
  readonly file: string;
  /** The spool file's descriptor; null once closed. */
  fd: number | null;
  /** Validates lines as they arrive (dry run), so the UI can show errors early. */
  readonly check: ImportSession;
  received: number;
  lastUsed: number;
}

/** Options of {@link UploadRegistry}. */
export interface UploadOptions {
  /** Where partial uploads are kept (default: a fresh folder in `spoolRoot`, removed on exit). */
  readonly dir?: string;
  /** Where the default spool folders live and stale ones are cleaned (default: the OS temp folder). */
  readonly spoolRoot?: string;
  /** An upload untouched for this long is dropped (default 5 minutes; the UI sends chunks back to back). */
  readonly idleMs?: number;
  /** Uploads in progress at once (default 8). */
  readonly maxUploads?: number;
  /**
   * When all slots are taken, a new upload replaces the least recently active one that has been
   * idle at least this long (default 10 s): a page that went away without cancelling.
   */
  readonly evictIdleMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

const spoolPrefix = 'assay-uploads-';
const spoolFile = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;
/**
 * When this process started, in the spool folder's name beside the pid: a folder with our pid but
 * another start time was left by an earlier process that had the same pid (a restarted container).
 * process.uptime() is process-wide, so every thread computes the same instant (within a few ms).
 */
const processStart = Math.round(Date.now() - process.uptime() * 1000);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}

/**
 * Removes the spool folders that killed Assay processes left in `root` (default: the OS temp
 * folder), and nothing else: only folders named `assay-uploads-<pid>-<start>-…` of this user whose
 * process is gone, and in them only Assay's own spool files. Folders of the older unnamed layout
 * (`assay-uploads-XXXXXX`) go when nothing in them changed for `legacyIdleMs` (their own expiry).
 * Returns the folders removed. Never throws: a folder it cannot read or remove stays.
 */
// SECURITY: deletes files in a shared folder; every check errs on the side of leaving things alone.
export function removeStaleUploadSpools(
  root: string = os.tmpdir(),
  options: { readonly isAlive?: (pid: number) => boolean; readonly now?: number; readonly legacyIdleMs?: number } = {},
): string[] {
  const isAlive = options.isAlive ?? processAlive;
  const now = options.now ?? Date.now();
  const legacyIdleMs = options.legacyIdleMs ?? 30 * 60_000;
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(root).filter((n) => n.startsWith(spoolPrefix));
  } catch {
    return removed;
  }
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      const m = /^assay-uploads-(\d+)-(\d+)-[A-Za-z0-9]{6}$/.exec(name);
      const entries = fs.readdirSync(dir);
      if (m) {
        const pid = Number(m[1]);
        const ours = pid === process.pid && Math.abs(Number(m[2]) - processStart) < 5_000;
        if (ours || (pid !== process.pid && isAlive(pid))) continue;
      } else {
        if (!/^assay-uploads-[A-Za-z0-9]{6}$/.test(name)) continue;
        const times = [st.mtimeMs, ...entries.map((e) => fs.lstatSync(path.join(dir, e)).mtimeMs)];
        if (now - Math.max(...times) < legacyIdleMs) continue;
      }
      for (const entry of entries) {
        const file = path.join(dir, entry);
        if (spoolFile.test(entry) && fs.lstatSync(file).isFile()) fs.rmSync(file, { force: true });
      }
      fs.rmdirSync(dir); // fails, and leaves the folder, if anything else is in it
      removed.push(dir);
    } catch {
      // not ours, in use, or gone already: leave it
    }
  }
  return removed;
}

/** A file name safe to show in messages: no folders, no control characters, not too long. */
export function uploadLabel(name: string): string {
  const base = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (base || 'upload.jsonl').slice(0, 200);
}

/** A report as the contract returns it. */
export function toImportResult(report: ImportReport): ImportResult {
  return {
    file: report.file,
    status: report.errorCount > 0 ? 'rejected' : 'imported',
    tasks: report.tasks,
    critiques: report.critiques,
    flaws: report.flaws,
    unchanged: report.unchanged,
    replaced: report.replaced,
    errors: report.errors,
    errorCount: report.errorCount,
    warnings: report.warnings,
    warningCount: report.warningCount,
  };
}

/**
 * Task packages uploaded from the UI in chunks: spooled to a temporary file (never held in memory),
 * checked line by line as they arrive, then imported with the same atomic file importer as the CLI.
 * No upload holds its file forever: any failure drops it, the page cancels its uploads when it
 * goes away, idle uploads expire, and a new upload may replace an abandoned one.
 */
export class UploadRegistry {
  private readonly uploads = new Map<string, Upload>();
  private dir: string | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly db: WritableDb,
    private readonly options: UploadOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    // What a killed process left behind goes at start-up (the folder of a live one stays).
    if (options.dir === undefined) removeStaleUploadSpools(options.spoolRoot);
  }

  /** Uploads in progress (tests, diagnostics). */
  get size(): number {
    return this.uploads.size;
  }

  /** Starts an upload; `name` is only used in messages. */
  begin(name: string, size: number, replace: boolean): { uploadId: string; chunkBytes: number } {
    this.sweep();
    if (this.uploads.size >= this.maxUploads) {
      const idle = [...this.uploads.values()].filter((u) => this.now() - u.lastUsed >= (this.options.evictIdleMs ?? 10_000));
      const oldest = idle.sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!oldest) {
        throw new AppError('conflict', `${this.maxUploads} imports are being uploaded right now; wait for one of them to finish, then try again.`);
      }
      this.drop(oldest);
    }
    const dir = this.spoolDir();
    // SECURITY: the id is random and the server picks the path; the client's file name never reaches the file system.
    const id = crypto.randomUUID();
    const file = path.join(dir, `${id}.jsonl`);
    const fd = fs.openSync(file, 'wx', 0o600);
    const label = uploadLabel(name);
    let check: ImportSession;
    try {
      check = new ImportSession(this.db, label, { replace, dryRun: true });
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw err;
    }
    this.uploads.set(id, { id, name: label, size, replace, file, fd, check, received: 0, lastUsed: this.now() });
    this.startSweeper();
    return { uploadId: id, chunkBytes: IMPORT_CHUNK_BYTES };
  }

  /** Appends a chunk at `offset` (which must be where the last one ended). */
  chunk(uploadId: string, offset: number, data: Buffer): { received: number; lines: number; errorCount: number } {
    const upload = this.get(uploadId);
    if (offset !== upload.received) {
      throw new AppError('bad-request', `Upload of ${upload.name}: expected the chunk at byte ${upload.received}, got ${offset}`);
    }
    if (upload.received + data.length > upload.size) {
      this.drop(upload);
      throw new AppError('bad-request', `Upload of ${upload.name}: more bytes than the announced ${upload.size}`);
    }
    try {
      fs.writeSync(upload.fd!, data);
      upload.received += data.length;
      upload.lastUsed = this.now();
      upload.check.push(data);
    } catch (err) {
      // A half-written chunk (disk full …) leaves the spool file unusable: free it now.
      this.drop(upload);
      throw err;
    }
    return { received: upload.received, lines: upload.check.lines, errorCount: upload.check.errorCount };
  }

  /** Imports a complete upload (atomically) and forgets it, whatever happens. */
  finish(uploadId: string): ImportResult {
    const upload = this.get(uploadId);
    // Out of the registry at once: nothing can evict or cancel an upload while it is imported.
    this.uploads.delete(upload.id);
    try {
      if (upload.received !== upload.size) {
        throw new AppError('bad-request', `Upload of ${upload.name} is incomplete: ${upload.received} of ${upload.size} bytes`);
      }
      this.closeFile(upload);
      const checked = upload.check.end();
      // Already known to be invalid: report without a second pass. Otherwise import for real (the
      // database may have changed since the check, so this validates again inside the transaction).
      if (checked.errorCount > 0) return toImportResult(checked);
      return toImportResult(importFile(this.db, upload.file, { label: upload.name, replace: upload.replace }));
    } finally {
      this.drop(upload);
    }
  }

  /** Abandons an upload. */
  cancel(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId);
    if (!upload) return false;
    this.drop(upload);
    return true;
  }

  /** Drops uploads idle longer than `idleMs`. The registry also does this on a timer while any exist. */
  sweep(): void {
    const limit = this.now() - (this.options.idleMs ?? 5 * 60_000);
    for (const u of [...this.uploads.values()]) if (u.lastUsed < limit) this.drop(u);
    if (this.uploads.size === 0) this.stopSweeper();
  }

  /** Drops every upload and the temporary folder (on shutdown). */
  close(): void {
    for (const u of [...this.uploads.values()]) this.drop(u);
    this.stopSweeper();
    if (this.dir && !this.options.dir) {
      fs.rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
    }
  }

  private get maxUploads(): number {
    return this.options.maxUploads ?? 8;
  }

  private spoolDir(): string {
    if (this.dir === undefined) {
      // The pid and start time in the name let a later start-up tell a dead process's folder from a live one's.
      this.dir = this.options.dir ?? fs.mkdtempSync(path.join(this.options.spoolRoot ?? os.tmpdir(), `${spoolPrefix}${process.pid}-${processStart}-`));
      // the spool folder goes with the process (Ctrl+C on `assay serve`, quitting the app)
      process.once('exit', () => this.close());
    }
    fs.mkdirSync(this.dir, { recursive: true });
    return this.dir;
  }

  private startSweeper(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.options.idleMs ?? 5 * 60_000));
    this.sweeper.unref(); // never keeps the process alive
  }

  private stopSweeper(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private get(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new AppError('not-found', 'This import is no longer in progress (it finished, was cancelled or timed out). Start it again.');
    return upload;
  }

  private closeFile(upload: Upload): void {
    const fd = upload.fd;
    upload.fd = null;
    if (fd !== null) fs.closeSync(fd);
  }

  private drop(upload: Upload): void {
    this.uploads.delete(upload.id);
    try {
      this.closeFile(upload);
    } catch {
      // the descriptor is released even when close reports an error
    }
    fs.rmSync(upload.file, { force: true });
  }
}
