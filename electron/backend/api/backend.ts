import type { OpName } from '../../../shared/contract/index.js';
import type { WritableDb } from '../db/types.js';
import { ensurePracticeQueue } from '../reviews/repository.js';
import { WorkerPool, type WorkerScript } from '../worker/pool.js';
import type { Lane } from '../worker/protocol.js';
import type { Handlers } from './dispatch.js';
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
  'analysis:data': 'read',
  'studies:list': 'read',
  'studies:get': 'read',
  'results:export': 'read',
  'review:queue': 'read', // the practice queue is brought up to date on the main thread first (cheap)
} satisfies { readonly [K in OpName]?: K extends keyof ReadHandlers ? Lane : 'write' };

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
  const local = createHandlers({ db: options.db, dbPath: options.dbPath, host: options.host });
  if (options.inline || options.db.memory) return { handlers: local, close: async () => {} };
  const pool = new WorkerPool({ dbPath: options.db.name, nativeBinding: options.nativeBinding, host: options.host, ...(options.workerScript ? { script: options.workerScript } : {}) });
  const routed: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, lane] of Object.entries(offloaded) as [OpName, Lane][]) routed[name] = (input) => pool.run(lane, name, input);
  const handlers = {
    ...local,
    ...routed,
    'review:queue': async (input: { evaluator: string }) => {
      ensurePracticeQueue(options.db, input.evaluator);
      return pool.run('read', 'review:queue', input);
    },
  } as Handlers;
  pool.run('write', 'imports:cleanup', {}).catch(() => {
    // reported by the next import, which cleans up again first
  });
  return { handlers, close: () => pool.close() };
}
