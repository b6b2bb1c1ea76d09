// A worker thread of the back end (see pool.ts): its own connection to the database, the same
// handlers as the main thread, one job at a time. Bundled as dist/db-worker.mjs (CLI, browser mode)
// and dist/electron/db-worker.cjs (desktop app) by scripts/build.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { createHandlers, readHandlers } from '../api/handlers/index.js';
import { runOptionsFromInput, type ParsedRunInput } from '../critic/config.js';
import { CriticJobs } from '../critic/jobs.js';
import { openDatabase, openReadonly } from '../db/open.js';
import type { AnyDb } from '../db/types.js';
import { beforeImportBatch, cleanupAbandonedImports } from '../tasks/staging.js';
import { UploadRegistry } from '../tasks/uploads.js';
import { toWire, yieldToWaitingWriters, type JobMessage, type WorkerInit, type WorkerMessage } from './protocol.js';

/** Jobs a worker runs besides the contract's handlers. */
type Job = (input: never) => unknown;

function start(init: WorkerInit): { db: AnyDb; jobs: Record<string, Job>; holdsState: () => boolean } {
  if (init.lane === 'read') {
    // SECURITY: long reads run on a handle SQLite opens read-only: no job on this lane can write.
    const db = openReadonly(init.dbPath, { nativeBinding: init.nativeBinding, busyTimeoutMs: 60_000 });
    return { db, jobs: readHandlers(db) as unknown as Record<string, Job>, holdsState: () => false };
  }
  // The main thread opened (and migrated) the file already; waiting for a lock only blocks this thread.
  const db = openDatabase(init.dbPath, { nativeBinding: init.nativeBinding, migrate: false, busyTimeoutMs: 60_000 });
  if (init.lane === 'jobs') {
    // Critic runs store one sample per transaction. synchronous=NORMAL (WAL): a commit survives a
    // crash of Assay; a power cut may lose the last samples, which the next run asks for again
    // (a stored sample is never asked twice, a lost one is simply missing). Saves an fsync per sample.
    db.pragma('synchronous = NORMAL');
    const criticJobs = new CriticJobs(db);
    const handlers = createHandlers({ db, dbPath: init.dbPath, host: init.host, criticJobs });
    const jobs: Record<string, Job> = {
      ...(handlers as unknown as Record<string, Job>),
      // critics:start, with the key the main thread resolved (environment or keychain): see backend.ts
      'critics:startJob': ({ input, apiKey }: { input: ParsedRunInput; apiKey: string | null }) => ({ job: criticJobs.start(runOptionsFromInput(input, apiKey, false)) }),
    };
    return { db, jobs, holdsState: () => criticJobs.running };
  }
  const waiting = new Int32Array(init.writersWaiting);
  beforeImportBatch(() => yieldToWaitingWriters(waiting));
  // Uploads in progress live here, on the thread that imports them: it is not stopped for idleness meanwhile.
  const uploads = new UploadRegistry(db);
  const handlers = createHandlers({ db, dbPath: init.dbPath, host: init.host, uploads });
  const jobs: Record<string, Job> = {
    ...(handlers as unknown as Record<string, Job>),
    'imports:cleanup': () => cleanupAbandonedImports(db),
  };
  return { db, jobs, holdsState: () => uploads.size > 0 };
}

const port = parentPort!;
const init = workerData as WorkerInit;
let worker: ReturnType<typeof start>;
try {
  worker = start(init);
} catch (err) {
  port.postMessage({ type: 'fatal', error: toWire(err) } satisfies WorkerMessage);
  process.exit(1);
}

port.on('message', async (m: JobMessage) => {
  let reply: WorkerMessage;
  try {
    const job = worker.jobs[m.job];
    if (!job) throw new Error(`no job "${m.job}" on the ${init.lane} worker`);
    reply = { type: 'done', id: m.id, ok: true, value: await job(m.input as never), holdsState: worker.holdsState() };
  } catch (err) {
    reply = { type: 'done', id: m.id, ok: false, error: toWire(err), holdsState: worker.holdsState() };
  }
  port.postMessage(reply);
});
