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
  readonly fd: number;
  /** Validates lines as they arrive (dry run), so the UI can show errors early. */
  readonly check: ImportSession;
  received: number;
  lastUsed: number;
}

/** Options of {@link UploadRegistry}. */
export interface UploadOptions {
  /** Where partial uploads are kept (default: a fresh folder in the OS temp folder). */
  readonly dir?: string;
  /** An upload untouched for this long is dropped (default 30 minutes). */
  readonly idleMs?: number;
  /** Uploads in progress at once (default 8). */
  readonly maxUploads?: number;
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
  };
}

/**
 * Task packages uploaded from the UI in chunks: spooled to a temporary file (never held in memory),
 * checked line by line as they arrive, then imported with the same atomic file importer as the CLI.
 */
export class UploadRegistry {
  private readonly uploads = new Map<string, Upload>();
  private dir: string | undefined;

  constructor(
    private readonly db: WritableDb,
    private readonly options: UploadOptions = {},
  ) {}

  /** Uploads in progress. */
  get size(): number {
    return this.uploads.size;
  }

  /** Starts an upload; `name` is only used in messages. */
  begin(name: string, size: number, replace: boolean): { uploadId: string; chunkBytes: number } {
    this.expire();
    if (this.uploads.size >= (this.options.maxUploads ?? 8)) {
      throw new AppError('conflict', 'Too many imports in progress; wait for one to finish or reload the page.');
    }
    if (this.dir === undefined) {
      this.dir = this.options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'assay-uploads-'));
      // the spool folder goes with the process (Ctrl+C on `assay serve`, quitting the app)
      process.once('exit', () => this.close());
    }
    fs.mkdirSync(this.dir, { recursive: true });
    // SECURITY: the id is random and the server picks the path; the client's file name never reaches the file system.
    const id = crypto.randomUUID();
    const file = path.join(this.dir, `${id}.jsonl`);
    const fd = fs.openSync(file, 'wx', 0o600);
    const label = uploadLabel(name);
    this.uploads.set(id, { id, name: label, size, replace, file, fd, check: new ImportSession(this.db, label, { replace, dryRun: true }), received: 0, lastUsed: Date.now() });
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
    fs.writeSync(upload.fd, data);
    upload.received += data.length;
    upload.lastUsed = Date.now();
    upload.check.push(data);
    return { received: upload.received, lines: upload.check.lines, errorCount: upload.check.errorCount };
  }

  /** Imports a complete upload (atomically) and forgets it. */
  finish(uploadId: string): ImportResult {
    const upload = this.get(uploadId);
    try {
      if (upload.received !== upload.size) {
        throw new AppError('bad-request', `Upload of ${upload.name} is incomplete: ${upload.received} of ${upload.size} bytes`);
      }
      fs.closeSync(upload.fd);
      const checked = upload.check.end();
      // Already known to be invalid: report without a second pass. Otherwise import for real (the
      // database may have changed since the check, so this validates again inside the transaction).
      if (checked.errorCount > 0) return toImportResult(checked);
      return toImportResult(importFile(this.db, upload.file, { label: upload.name, replace: upload.replace }));
    } finally {
      this.drop(upload, true);
    }
  }

  /** Abandons an upload. */
  cancel(uploadId: string): boolean {
    const upload = this.uploads.get(uploadId);
    if (!upload) return false;
    this.drop(upload);
    return true;
  }

  /** Drops every upload and the temporary folder (on shutdown). */
  close(): void {
    for (const u of [...this.uploads.values()]) this.drop(u);
    if (this.dir && !this.options.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private get(uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    if (!upload) throw new AppError('not-found', 'This import is no longer in progress (it finished, was cancelled or timed out). Start it again.');
    return upload;
  }

  private drop(upload: Upload, closed = false): void {
    this.uploads.delete(upload.id);
    if (!closed) {
      try {
        fs.closeSync(upload.fd);
      } catch {
        // already closed
      }
    }
    fs.rmSync(upload.file, { force: true });
  }

  private expire(): void {
    const limit = Date.now() - (this.options.idleMs ?? 30 * 60_000);
    for (const u of [...this.uploads.values()]) if (u.lastUsed < limit) this.drop(u);
  }
}
