import { setMaxListeners } from 'node:events';
import { TextIndex } from '../../../shared/anchors.js';
import { readAnswer } from '../../../shared/critic/answer.js';
import { estimateTokens, renderPrompt, type PromptFields } from '../../../shared/critic/prompt.js';
import { checkCritique } from '../../../shared/critic/resolve.js';
import type { CriticRunSummary, CriticRunProgress } from '../../../shared/contract/critic.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import { taskChangeRefusal } from '../tasks/guard.js';
import { CriticClient, CriticRequestError, ModeState, endpointHost, type RequestBudget, type StructuredMode } from './client.js';
import { redactKey } from './redact.js';
import {
  allTaskIds,
  criticReadRefusal,
  criticTask,
  ensureCritic,
  sampleKey,
  storeSample,
  storedSamples,
  type CriticConfig,
  type CriticTaskRow,
  type SampleProvenance,
} from './repository.js';

// A critic run: every selected task × K samples not stored yet, asked with a concurrency limit,
// each sample stored in its own transaction as soon as it arrives. Killed and run again, it asks
// only for what is missing; the same sample is never stored twice (critic_samples' key).

/** How a run behaves (the CLI's flags; the UI's dialog). */
export interface RunOptions {
  readonly critic: CriticConfig;
  /** The key itself: only in memory, never stored, logged or echoed. */
  readonly apiKey: string | null;
  readonly samples: number;
  readonly concurrency: number;
  /** Every task, or these ids (in this order). */
  readonly tasks: { readonly kind: 'all' } | { readonly kind: 'ids'; readonly ids: readonly string[] };
  readonly maxRequests: number | null;
  readonly dryRun: boolean;
  readonly replace: boolean;
  /** Mark this critic as the one "Ask the critic" uses. */
  readonly onDemand?: boolean;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  readonly backoffMs?: number;
  readonly maxRetryWaitMs?: number;
  readonly structured?: StructuredMode | 'auto';
  readonly onProgress?: (progress: CriticRunProgress) => void;
  readonly signal?: AbortSignal;
}

/** Defaults of a run's request behaviour. */
export const runDefaults = { timeoutMs: 120_000, maxAttempts: 5, backoffMs: 500, maxRetryWaitMs: 60_000 } as const;

/** The most failures listed by name in a summary (all are counted). */
const maxListed = 100;

/** The prompt fields of a task row. */
export function promptFields(row: CriticTaskRow): PromptFields {
  const context = row.context_json ? (JSON.parse(row.context_json) as Record<string, unknown>) : {};
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    kind: row.kind,
    title: row.title,
    output: row.output,
    document: str(context['document']),
    query: str(context['query']),
    problem: str(context['problem']),
    base: row.base,
    language: row.language,
  };
}

/** The selected task ids, checked: unknown ids are refused, listing them. */
function selectTasks(db: WritableDb, tasks: RunOptions['tasks']): string[] {
  if (tasks.kind === 'all') return allTaskIds(db);
  const ids = [...new Set(tasks.ids)];
  const missing = ids.filter((id) => !criticTask(db, id));
  if (missing.length > 0) {
    throw new AppError('invalid-input', `--tasks: ${missing.length} task id(s) not in this database: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}`);
  }
  return ids;
}

/** Checks the numbers of a run; throws naming the flag. */
export function checkRunNumbers(o: Pick<RunOptions, 'samples' | 'concurrency' | 'maxRequests'> & { temperature: number; maxTokens: number; seed: number }): void {
  const int = (v: number, min: number, max: number, flag: string): void => {
    if (!Number.isSafeInteger(v) || v < min || v > max) throw new AppError('invalid-input', `${flag}: expected a whole number from ${min} to ${max}, got ${v}`);
  };
  int(o.samples, 1, 64, '--samples');
  int(o.concurrency, 1, 256, '--concurrency');
  if (o.maxRequests !== null) int(o.maxRequests, 0, 10_000_000, '--max-requests');
  int(o.maxTokens, 1, 1_000_000, '--max-tokens');
  int(o.seed, 0, 2 ** 31 - 1 - 64, '--seed');
  if (!Number.isFinite(o.temperature) || o.temperature < 0 || o.temperature > 2) throw new AppError('invalid-input', `--temperature: expected a number from 0 to 2, got ${o.temperature}`);
}

interface Job {
  readonly task: string;
  readonly sample: number;
}

/** Runs a critic over the selected tasks (or, with `dryRun`, says what it would send). */
export async function runCritic(db: WritableDb, options: RunOptions): Promise<CriticRunSummary> {
  const started = Date.now();
  const { critic } = options;
  checkRunNumbers({ ...options, temperature: critic.params.temperature, maxTokens: critic.params.max_tokens, seed: critic.params.seed });
  const taskIds = selectTasks(db, options.tasks);
  let replaced: CriticRunSummary['replaced'] = null;
  if (!options.dryRun) replaced = ensureCritic(db, critic, { replace: options.replace, ...(options.onDemand ? { onDemand: true } : {}) }).replaced;
  else ensureCriticDry(db, critic, options.replace);
  const stored = options.dryRun && options.replace ? new Set<string>() : storedSamples(db, critic.name);
  const jobs: Job[] = [];
  const refused: { task: string; reason: string }[] = [];
  let refusedCount = 0;
  let alreadyStored = 0;
  for (const task of taskIds) {
    const wanted: number[] = [];
    for (let s = 0; s < options.samples; s++) {
      if (stored.has(sampleKey(task, s))) alreadyStored++;
      else wanted.push(s);
    }
    if (wanted.length === 0) continue;
    const refusal = criticReadRefusal(db, task) ?? taskChangeRefusal(db, task, 'add-critiques');
    if (refusal) {
      refusedCount++;
      if (refused.length < maxListed) refused.push({ task, reason: refusal });
      continue;
    }
    for (const sample of wanted) jobs.push({ task, sample });
  }
  const summary: Mutable<CriticRunSummary> = {
    critic: critic.name,
    model: critic.model,
    endpoint: endpointHost(critic.baseUrl),
    structured: options.structured ?? 'auto',
    dryRun: options.dryRun,
    tasks: taskIds.length,
    samplesPerTask: options.samples,
    alreadyStored,
    planned: jobs.length,
    done: 0,
    critiques: 0,
    hallucinated: 0,
    unverifiedEvidence: 0,
    failed: [],
    failedCount: 0,
    refused,
    refusedCount,
    notAttempted: 0,
    requests: 0,
    tokens: { prompt: 0, completion: 0 },
    estimate: null,
    stopped: null,
    replaced,
    elapsedMs: 0,
  };
  if (options.dryRun) {
    let promptTokens = 0;
    const byTask = new Map<string, number>();
    for (const job of jobs) {
      let t = byTask.get(job.task);
      if (t === undefined) {
        const row = criticTask(db, job.task)!;
        t = estimateTokens(renderPrompt(critic.prompts[row.kind].text, promptFields(row)));
        byTask.set(job.task, t);
      }
      promptTokens += t;
    }
    const requests = options.maxRequests === null ? jobs.length : Math.min(jobs.length, options.maxRequests);
    summary.estimate = { requests, promptTokens: jobs.length === 0 ? 0 : Math.round((promptTokens * requests) / jobs.length) };
    summary.elapsedMs = Date.now() - started;
    return summary;
  }

  const modes = new ModeState(options.structured ?? 'auto');
  const client = new CriticClient(
    {
      baseUrl: critic.baseUrl,
      model: critic.model,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs ?? runDefaults.timeoutMs,
      maxAttempts: options.maxAttempts ?? runDefaults.maxAttempts,
      backoffMs: options.backoffMs ?? runDefaults.backoffMs,
      maxRetryWaitMs: options.maxRetryWaitMs ?? runDefaults.maxRetryWaitMs,
      structured: options.structured ?? 'auto',
    },
    modes,
  );
  let left = options.maxRequests ?? Number.POSITIVE_INFINITY;
  const budget: RequestBudget = {
    take: () => {
      if (left <= 0) return false;
      left--;
      summary.requests++;
      return true;
    },
  };
  const stop = new AbortController();
  // one listener per request in flight (and per backoff wait): up to the concurrency, not a leak
  setMaxListeners(options.concurrency * 2 + 8, stop.signal);
  const onAbort = (): void => {
    summary.stopped ??= { reason: 'cancelled', message: 'the run was cancelled' };
    stop.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const progress = (state: CriticRunProgress['state']): void => {
    options.onProgress?.({
      state,
      planned: summary.planned,
      done: summary.done,
      failed: summary.failedCount,
      refused: summary.refusedCount,
      notAttempted: summary.notAttempted,
      critiques: summary.critiques,
      hallucinated: summary.hallucinated,
      requests: summary.requests,
      tokens: { ...summary.tokens },
    });
  };
  const fail = (job: Job, reason: string): void => {
    summary.failedCount++;
    if (summary.failed.length < maxListed) summary.failed.push({ task: job.task, sample: job.sample, reason: redactKey(reason, options.apiKey) });
  };
  const rows = new Map<string, { row: CriticTaskRow; prompt: string; index: TextIndex; refs: number }>();
  const remaining = new Map<string, number>();
  for (const j of jobs) remaining.set(j.task, (remaining.get(j.task) ?? 0) + 1);

  const runJob = async (job: Job): Promise<void> => {
    let entry = rows.get(job.task);
    if (!entry) {
      const row = criticTask(db, job.task);
      if (!row) {
        summary.refusedCount++;
        if (summary.refused.length < maxListed) summary.refused.push({ task: job.task, reason: `task "${job.task}" is no longer in the database` });
        return;
      }
      entry = { row, prompt: renderPrompt(critic.prompts[row.kind].text, promptFields(row)), index: new TextIndex(row.output), refs: 0 };
      rows.set(job.task, entry);
    }
    const seed = critic.params.seed + job.sample;
    const askedAt = Date.now();
    let completion;
    let reading;
    try {
      for (let attempt = 1; ; attempt++) {
        completion = await client.complete({ prompt: entry.prompt, seed, temperature: critic.params.temperature, maxTokens: critic.params.max_tokens }, budget, stop.signal);
        if (completion.usage) {
          summary.tokens.prompt += completion.usage.prompt_tokens;
          summary.tokens.completion += completion.usage.completion_tokens;
        }
        reading = readAnswer(completion.content);
        if (reading.ok || attempt >= 2) break; // a malformed answer is asked again once
      }
    } catch (err) {
      if (!(err instanceof CriticRequestError)) throw err;
      if (err.kind === 'budget') {
        summary.notAttempted++;
        summary.stopped ??= { reason: 'max-requests', message: `--max-requests ${options.maxRequests} reached` };
        return;
      }
      if (err.kind === 'cancelled') {
        summary.notAttempted++;
        return;
      }
      if (err.kind === 'fatal') {
        summary.stopped ??= { reason: 'fatal', message: redactKey(err.message, options.apiKey) };
        stop.abort();
      }
      fail(job, err.message);
      return;
    }
    if (!reading.ok) {
      fail(job, `malformed answer (asked twice): ${redactKey(reading.problem, options.apiKey)}`);
      return;
    }
    const fields = promptFields(entry.row);
    const checked = reading.answer.critiques.map((c) =>
      checkCritique(c, { kind: entry.row.kind, output: entry.row.output, base: entry.row.base, document: fields.document ?? null }, { output: entry.index }),
    );
    const provenance: SampleProvenance = {
      name: critic.name,
      endpoint: endpointHost(critic.baseUrl),
      prompt_sha256: critic.prompts[entry.row.kind].sha256,
      params: { temperature: critic.params.temperature, max_tokens: critic.params.max_tokens },
      seed,
      sample: job.sample,
      usage: completion.usage,
      created_at: new Date().toISOString(),
      duration_ms: Date.now() - askedAt,
      structured: completion.mode,
    };
    const outcome = storeSample(db, { task: job.task, critic: critic.name, model: critic.model, provenance, critiques: checked });
    if (outcome.kind === 'refused') {
      summary.refusedCount++;
      if (summary.refused.length < maxListed) summary.refused.push({ task: job.task, reason: outcome.reason });
      return;
    }
    if (outcome.kind === 'exists') {
      summary.alreadyStored++;
      return;
    }
    summary.done++;
    summary.critiques += outcome.critiques;
    summary.hallucinated += outcome.hallucinated;
    summary.unverifiedEvidence += checked.reduce((n, c) => n + c.unverifiedEvidence.length, 0);
  };

  progress('running');
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      if (stop.signal.aborted || summary.stopped?.reason === 'max-requests') {
        summary.notAttempted += jobs.length - next;
        next = jobs.length;
        return;
      }
      const job = jobs[next++]!;
      try {
        await runJob(job);
      } catch (err) {
        // a database error storing the sample: this sample fails, the run goes on
        fail(job, `could not store the sample: ${(err as Error).message}`);
      } finally {
        const n = (remaining.get(job.task) ?? 1) - 1;
        remaining.set(job.task, n);
        if (n === 0) rows.delete(job.task); // a task's text is kept only while its samples run
      }
      progress('running');
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, jobs.length)) }, () => worker()));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  summary.structured = summary.requests > 0 ? modes.current : (options.structured ?? 'auto');
  summary.elapsedMs = Date.now() - started;
  progress(summary.stopped?.reason === 'cancelled' ? 'cancelled' : 'done');
  return summary;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A dry run checks the critic's identity as a real run would, without writing anything. */
function ensureCriticDry(db: WritableDb, config: CriticConfig, replace: boolean): void {
  try {
    db.transaction(() => {
      ensureCritic(db, config, { replace });
      throw new DryRunRollback();
    }).immediate();
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
}

class DryRunRollback extends Error {}
