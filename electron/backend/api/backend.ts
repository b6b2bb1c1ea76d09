import type { OpName } from '../../../shared/contract/index.js';
import { configFromInput, type ParsedRunInput } from '../critic/config.js';
import { resolveUiKey, type ApiKeys } from '../critic/keys.js';
import { sqliteCode } from '../db/errors.js';
import type { WritableDb } from '../db/types.js';
import { endReviewsPastTheirTime, ensurePracticeQueue } from '../reviews/repository.js';
import { WorkerPool, type WorkerScript } from '../worker/pool.js';
import type { Lane } from '../worker/protocol.js';
import type { Handlers } from './dispatch.js';
import type { SaveFile } from '../studies/exports.js';
import { createHandlers, type ReadHandlers } from './handlers/index.js';

/**
 * Operations that can take long, by the worker thread that runs them. Everything else runs on the
 * thread that answers the UI (the desktop main process, or browser mode's HTTP server), and is
 * short: one review's events, one page of tasks, one profile. Uploads go to the write thread as a
 * whole (it keeps them while they arrive and validates each chunk), so chunks never wait there
 * behind other work of the main thread.
 */
export const offloaded: { readonly [K in OpName]?: Lane } = {
  'tasks:importBegin': 'write',
  'tasks:importChunk': 'write',
  'tasks:importFinish': 'write',
  'tasks:importCancel': 'write',
  'demo:load': 'write',
  'studies:create': 'write',
  'packs:export': 'write', // records the issued pack
  'packs:import': 'write',
  'results:import': 'write',
  'tasks:delete': 'write', // many tasks: short transactions one after another
  'tasks:search': 'read', // up to ~100 ms at 100,000 tasks: not on the thread that answers the UI
  'tasks:facets': 'read',
  'tasks:detail': 'read',
  'profiles:list': 'read',
  'analysis:data': 'read',
  'analysis:rule': 'write', // reads the study to check the rulings
  'studies:list': 'read',
  'studies:get': 'read',
  'studies:check': 'read', // simulates the design's power: seconds of CPU
  'studies:plan': 'read', // simulates many designs
  'results:export': 'read',
  'review:queue': 'read', // the practice queue is brought up to date on the main thread first (cheap)
  'critics:list': 'read',
  'critics:sweep': 'read',
  'critics:remove': 'write',
  // critic runs live on their own thread: critics:start goes there too, with the key (see below)
  'critics:estimate': 'jobs',
  'critics:status': 'jobs',
  'critics:cancel': 'jobs',
} satisfies { readonly [K in OpName]?: K extends keyof ReadHandlers ? Lane : 'write' | 'jobs' };

/** Where and how the back end runs. */
export interface BackendOptions {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
  /** The better-sqlite3 addon the worker threads load (the desktop app's Electron build); the same one as `db`'s. */
  readonly nativeBinding?: string | undefined;
  /** Run every operation on this thread instead (a database in memory cannot be shared with a worker). */
  readonly inline?: boolean;
  /** The worker's script (default: beside the running code, see defaultWorkerScript). */
  readonly workerScript?: WorkerScript;
  /** How long a call waits for a busy database before it fails (default {@link busyRetryMs}). */
  readonly busyRetryMs?: number;
  /** Where critic keys come from: the environment, and the keychain in the desktop app. */
  readonly keys?: ApiKeys;
  /**
   * The desktop app's save dialog, for `results:save`; that operation is never offloaded (the
   * dialog lives on this thread), and a worker's handlers have no `saveFile`.
   */
  readonly saveFile?: SaveFile;
}

/** How long a call keeps trying while another connection holds the write lock. */
export const busyRetryMs = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A handler that, when SQLite reports the database busy, tries again until `retryMs` have passed.
 * Write transactions take the lock first (BEGIN IMMEDIATE), so a busy failure wrote nothing and
 * the call can simply run again. The wait is asynchronous: open the main connection with
 * `busyTimeoutMs: 0`, and this thread answers other calls meanwhile instead of blocking in SQLite's
 * busy handler (in the desktop app, a blocked main process freezes the window). While it waits,
 * `waiting` says so to the write worker, which then lets it go first between two import batches.
 */
function retryingBusy(handler: (input: unknown) => unknown, retryMs: number, waiting: Int32Array | undefined): (input: unknown) => Promise<unknown> {
  return async (input) => {
    const deadline = Date.now() + retryMs;
    let flagged = false;
    try {
      for (;;) {
        try {
          return await handler(input);
        } catch (err) {
          if (!sqliteCode(err)?.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
          if (waiting && !flagged) {
            flagged = true;
            Atomics.add(waiting, 0, 1);
          }
          // Poll often: an import holds the lock a few milliseconds at a time with short gaps
          // between its batches, which a slow poll keeps missing. Each try is one failed lock call.
          await sleep(1);
        }
      }
    } finally {
      if (flagged) {
        Atomics.sub(waiting!, 0, 1);
        Atomics.notify(waiting!, 0);
      }
    }
  };
}

/** The back end over one database, as the desktop app and browser mode run it. */
export interface Backend {
  readonly handlers: Handlers;
  /** Stops the worker threads (in-flight jobs fail); close the database after it. */
  close(): Promise<void>;
}

/**
 * The contract's handlers for the desktop app and browser mode alike. Long operations
 * ({@link offloaded}) run on worker threads with their own connections to the same file, so the
 * thread that answers the UI never waits for them: in the desktop app that thread is the main
 * process, and a blocked main process freezes the window. Removing what crashed imports left
 * behind starts at once, on the write thread.
 */
export function createBackend(options: BackendOptions): Backend {
  const retryMs = options.busyRetryMs ?? busyRetryMs;
  const inline = options.inline || options.db.memory;
  const pool = inline
    ? undefined
    : new WorkerPool({ dbPath: options.db.name, nativeBinding: options.nativeBinding, host: options.host, ...(options.workerScript ? { script: options.workerScript } : {}) });
  const keys: ApiKeys = options.keys ?? { env: {} };
  const local = createHandlers({ db: options.db, dbPath: options.dbPath, host: options.host, keys, ...(options.saveFile ? { saveFile: options.saveFile } : {}) }) as unknown as Record<string, (input: unknown) => unknown>;
  const handlers: Record<string, (input: unknown) => unknown> = {};
  for (const [name, handler] of Object.entries(local)) handlers[name] = retryingBusy(handler, retryMs, pool?.writersWaiting);
  if (!pool) return { handlers: handlers as Handlers, close: async () => {} };
  for (const [name, lane] of Object.entries(offloaded) as [OpName, Lane][]) handlers[name] = (input) => pool.run(lane, name, input);
  const ensure = retryingBusy(
    (input) => {
      const { evaluator } = input as { evaluator: string };
      ensurePracticeQueue(options.db, evaluator);
      endReviewsPastTheirTime(options.db, evaluator); // the queue then says how items whose time ran out ended
    },
    retryMs,
    pool.writersWaiting,
  );
  handlers['review:queue'] = async (input) => {
    await ensure(input);
    return pool.run('read', 'review:queue', input);
  };
  // SECURITY: the key is read here (environment, keychain) and handed to the jobs thread in memory
  // only; the UI never sends one, and no table, log or message receives it.
  handlers['critics:start'] = async (input) => {
    const parsed = input as ParsedRunInput;
    configFromInput(parsed); // a bad URL or prompt is refused before any key is read
    const apiKey = resolveUiKey(keys, parsed.key, parsed.baseUrl);
    return pool.run('jobs', 'critics:startJob', { input: parsed, apiKey });
  };
  // results go out with every item whose time ran out ended by the clock (a short write here, first)
  const endDue = retryingBusy(() => endReviewsPastTheirTime(options.db), retryMs, pool.writersWaiting);
  handlers['results:export'] = async (input) => {
    await endDue(input);
    return pool.run('read', 'results:export', input);
  };
  pool.run('write', 'imports:cleanup', {}).catch(() => {
    // reported by the next import, which cleans up again first
  });
  return { handlers: handlers as Handlers, close: () => pool.close() };
}
