import crypto from 'node:crypto';
import type { CriticRunProgress, CriticRunSummary } from '../../../shared/contract/critic.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import { redactKey } from './redact.js';
import { runCritic, type RunOptions } from './run.js';

interface Job {
  progress: CriticRunProgress;
  summary: CriticRunSummary | null;
  error: string | null;
  readonly controller: AbortController;
  finishedAt: number | null;
}

/** A finished run's status is kept this long for the UI to read, then forgotten. */
const keepFinishedMs = 10 * 60_000;

const emptyProgress: CriticRunProgress = {
  state: 'running',
  planned: 0,
  done: 0,
  failed: 0,
  refused: 0,
  notAttempted: 0,
  critiques: 0,
  hallucinated: 0,
  requests: 0,
  tokens: { prompt: 0, completion: 0 },
};

/**
 * Critic runs started from the UI, in the thread that runs them (the back end's `jobs` worker):
 * each runs in the background while critics:status reads its progress and critics:cancel stops it.
 */
export class CriticJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly db: WritableDb) {}

  /** Starts a run; resolves at once with its id. */
  start(options: RunOptions): string {
    this.prune();
    const id = `critic-${crypto.randomBytes(8).toString('hex')}`;
    const controller = new AbortController();
    const job: Job = { progress: { ...emptyProgress }, summary: null, error: null, controller, finishedAt: null };
    this.jobs.set(id, job);
    runCritic(this.db, { ...options, signal: controller.signal, onProgress: (p) => (job.progress = p) })
      .then((summary) => {
        job.summary = summary;
        job.progress = { ...job.progress, state: summary.stopped?.reason === 'cancelled' ? 'cancelled' : 'done' };
      })
      .catch((err: unknown) => {
        job.error = redactKey(err instanceof Error ? err.message : String(err), options.apiKey);
        job.progress = { ...job.progress, state: 'done' };
      })
      .finally(() => {
        job.finishedAt = Date.now();
      });
    return id;
  }

  /** A run's progress and, once it ended, its summary or error. */
  status(id: string): { job: string; progress: CriticRunProgress; summary: CriticRunSummary | null; error: string | null } {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not-found', `No critic run "${id}" (finished runs are forgotten after 10 minutes, or Assay restarted).`);
    return { job: id, progress: job.progress, summary: job.summary, error: job.error };
  }

  /** Cancels a run; false when it had already ended. */
  cancel(id: string): boolean {
    const job = this.jobs.get(id);
    if (!job) throw new AppError('not-found', `No critic run "${id}".`);
    if (job.finishedAt !== null) return false;
    job.controller.abort();
    return true;
  }

  /** True while a run is under way (its thread must not stop for idleness). */
  get running(): boolean {
    for (const j of this.jobs.values()) if (j.finishedAt === null) return true;
    return false;
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, j] of this.jobs) if (j.finishedAt !== null && now - j.finishedAt > keepFinishedMs) this.jobs.delete(id);
  }
}
