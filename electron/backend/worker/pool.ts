import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../shared/result.js';
import { fromWire, type JobMessage, type Lane, type WorkerInit, type WorkerMessage } from './protocol.js';

/** How to start a worker thread: a script file, or (running from TypeScript sources) code to evaluate. */
export type WorkerScript = { readonly file: string } | { readonly code: string };

/**
 * The worker thread's script, next to the running code: `db-worker.mjs` beside the CLI bundle,
 * `db-worker.cjs` beside the desktop main bundle (scripts/build.mjs builds both), or — when the
 * back end runs from its TypeScript sources (tests, the benchmark) — `thread.ts` loaded through tsx.
 */
export function defaultWorkerScript(moduleUrl: string = import.meta.url): WorkerScript {
  const here = fileURLToPath(moduleUrl);
  const ext = path.extname(here);
  if (ext === '.ts') {
    // tsx's ESM API, as its package exports it for `import` (a dev dependency: sources only run in development).
    const pkgFile = createRequire(moduleUrl).resolve('tsx/package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    const api = pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
    const entry = pathToFileURL(path.join(path.dirname(here), 'thread.ts')).href;
    return { code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });` };
  }
  return { file: path.join(path.dirname(here), `db-worker${ext}`) };
}

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  readonly dbPath: string;
  /** The better-sqlite3 addon for the worker threads to load; the desktop app passes its Electron build. */
  readonly nativeBinding?: string | undefined;
  readonly host: 'desktop' | 'browser';
  readonly script?: WorkerScript;
  /** An idle worker (holding no uploads) stops after this long and is started again when needed. */
  readonly idleMs?: number;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

/** One worker thread with its own database connection, running jobs one after another. */
class LaneWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private holdsState = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private fatal: Error | undefined;

  constructor(
    private readonly lane: Lane,
    private readonly options: WorkerPoolOptions,
    private readonly writersWaiting: Int32Array,
  ) {}

  run(job: string, input: unknown): Promise<unknown> {
    const worker = this.start();
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    worker.ref(); // a job in flight keeps the process alive
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: JobMessage = { id, job, input };
      worker.postMessage(message);
    });
  }

  /** Stops the thread; jobs still running are answered with an error. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new AppError('internal', 'Assay is shutting down; the operation was not finished.'));
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const script = this.options.script ?? defaultWorkerScript();
    const workerData: WorkerInit = {
      lane: this.lane,
      dbPath: this.options.dbPath,
      nativeBinding: this.options.nativeBinding,
      host: this.options.host,
      writersWaiting: this.writersWaiting.buffer as SharedArrayBuffer,
    };
    const worker = 'file' in script ? new Worker(script.file, { workerData }) : new Worker(script.code, { eval: true, workerData });
    this.fatal = undefined;
    worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
    worker.on('error', (err) => this.onExit(worker, err));
    worker.on('exit', (code) => this.onExit(worker, new Error(`it exited with code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private onMessage(worker: Worker, m: WorkerMessage): void {
    if (m.type === 'fatal') {
      this.fatal = fromWire(m.error);
      return; // the thread exits next; onExit answers the jobs
    }
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    this.holdsState = m.holdsState;
    if (this.pending.size === 0) {
      worker.unref();
      this.scheduleIdleStop(worker);
    }
    if (!p) return;
    if (m.ok) p.resolve(m.value);
    else p.reject(fromWire(m.error));
  }

  private onExit(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    clearTimeout(this.idleTimer);
    // A thread that could not start says why (e.g. the database or the SQLite addon would not open).
    this.failAll(this.fatal ?? new AppError('internal', `The background ${this.lane} worker stopped unexpectedly (${err.message}); try again.`));
  }

  private failAll(err: Error): void {
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const p of jobs) p.reject(err);
  }

  private scheduleIdleStop(worker: Worker): void {
    if (this.holdsState) return; // uploads in progress live in the write worker
    const idleMs = this.options.idleMs ?? 30_000;
    this.idleTimer = setTimeout(() => {
      if (this.worker === worker && this.pending.size === 0) {
        this.worker = undefined;
        void worker.terminate();
      }
    }, idleMs);
    this.idleTimer.unref();
  }
}

/**
 * Runs long database work off the thread that answers the UI: one worker thread per lane, each
 * with its own connection to the same file (`write`: imports, merges, pack and study creation, one
 * at a time; `read`: analysis data, exports and study views, on a read-only connection; `jobs`:
 * critic runs, which wait on the network and write one sample at a time). Threads start on first
 * use and stop when idle. A job is a handler's name and its validated input.
 */
export class WorkerPool {
  private readonly lanes: Record<Lane, LaneWorker>;
  /** Calls of this thread waiting for the write lock (shared with the write worker, see protocol.ts). */
  readonly writersWaiting = new Int32Array(new SharedArrayBuffer(4));

  constructor(readonly options: WorkerPoolOptions) {
    this.lanes = {
      read: new LaneWorker('read', options, this.writersWaiting),
      write: new LaneWorker('write', options, this.writersWaiting),
      jobs: new LaneWorker('jobs', options, this.writersWaiting),
    };
  }

  /** Runs `job` on `lane`'s thread; resolves to its result or rejects with its error (codes kept). */
  run(lane: Lane, job: string, input: unknown): Promise<unknown> {
    return this.lanes[lane].run(job, input);
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    await Promise.all([this.lanes.read.close(), this.lanes.write.close(), this.lanes.jobs.close()]);
  }
}
