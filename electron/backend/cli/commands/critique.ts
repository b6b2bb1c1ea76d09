import type { CriticRunSummary } from '../../../../shared/contract/critic.js';
import { defaultCriticName, isCriticName } from '../../../../shared/critic/names.js';
import { defaultSweepPoints, parseSweepPoints, type SweepRow } from '../../../../shared/critic/sweep.js';
import { formatOperatingPoint } from '../../../../shared/policy.js';
import { AppError } from '../../../../shared/result.js';
import { checkBaseUrl, structuredModes, type StructuredMode } from '../../critic/client.js';
import { sweepFromDb } from '../../critic/queries.js';
import { runPrompts } from '../../critic/prompts.js';
import { removeCritic, type KeySource } from '../../critic/repository.js';
import { runCritic } from '../../critic/run.js';
import { openDatabase } from '../../db/open.js';
import { resolveDbPath } from '../../paths.js';
import { InputError, UsageError, dbOption, type Command } from '../command.js';
import { jsonOption, output, plural, table, type Progress } from '../output.js';
import { readTaskIds } from './study.js';

function numberFlag(values: Record<string, unknown>, flag: string, fallback: number): number {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${flag}: not a number: ${String(raw)}`);
  return n;
}

const pct = (x: number | null): string => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);

/** The run's summary for a terminal. */
export function formatRunSummary(s: CriticRunSummary): string {
  const lines: string[] = [];
  if (s.dryRun) {
    lines.push(
      `Dry run of critic "${s.critic}" (${s.model} at ${s.endpoint}): ${s.tasks} task(s) × ${s.samplesPerTask} sample(s); ${s.alreadyStored} already stored.`,
      `Would send ${s.estimate!.requests} request(s) (retries not counted), about ${s.estimate!.promptTokens.toLocaleString('en')} prompt tokens (4 characters a token).`,
    );
  } else {
    lines.push(
      `Critic "${s.critic}" (${s.model} at ${s.endpoint}, structured output: ${s.structured}): ${s.tasks} task(s) × ${s.samplesPerTask} sample(s).`,
      `Done: ${s.done} sample(s) stored, ${s.critiques} critique(s), ${s.hallucinated} with a hallucinated anchor (kept without an anchor, quote in "unverified_quote")${s.unverifiedEvidence ? `, ${s.unverifiedEvidence} evidence quote(s) not in the source` : ''}.`,
      `Already stored: ${s.alreadyStored}. Requests: ${s.requests}. Tokens: ${s.tokens.prompt.toLocaleString('en')} prompt, ${s.tokens.completion.toLocaleString('en')} completion.`,
    );
    if (s.replaced) lines.push(`--replace deleted ${s.replaced.critiques} critique(s) of ${s.replaced.samples} sample(s) first.`);
  }
  if (s.refusedCount > 0) {
    lines.push(`Refused: ${s.refusedCount} task(s), not asked:`);
    for (const r of s.refused.slice(0, 20)) lines.push(`  ${r.reason}`);
  }
  if (s.failedCount > 0) {
    lines.push(`Failed: ${s.failedCount} sample(s):`);
    for (const f of s.failed.slice(0, 20)) lines.push(`  task "${f.task}" sample ${f.sample}: ${f.reason}`);
    if (s.failedCount > 20) lines.push(`  … and ${s.failedCount - 20} more (--json lists the first 100)`);
  }
  if (s.stopped) lines.push(`Stopped: ${s.stopped.message}; ${s.notAttempted} sample(s) not asked for. Run the same command again to finish.`);
  return `${lines.join('\n')}\n`;
}

/** `assay critique …`: generates critiques from an OpenAI-compatible endpoint. */
export const critiqueCommand: Command = {
  words: ['critique'],
  summary: 'Generate critiques from an OpenAI-compatible endpoint (resumable; see README, Critics)',
  usage:
    '--base-url URL --model NAME [--api-key-env VAR] [--name CRITIC] [--samples K] [--concurrency N] [--tasks FILE | --all] [--prompt FILE] [--temperature T] [--seed S] [--max-tokens N] [--max-requests N] [--timeout SECONDS] [--structured auto|json_schema|llama|ollama|none] [--replace] [--on-demand] [--dry-run] [--json] [--db PATH]',
  options: {
    ...dbOption,
    'base-url': { type: 'string' },
    model: { type: 'string' },
    'api-key-env': { type: 'string' },
    name: { type: 'string' },
    samples: { type: 'string' },
    concurrency: { type: 'string' },
    tasks: { type: 'string' },
    all: { type: 'boolean' },
    prompt: { type: 'string' },
    temperature: { type: 'string' },
    seed: { type: 'string' },
    'max-tokens': { type: 'string' },
    'max-requests': { type: 'string' },
    timeout: { type: 'string' },
    structured: { type: 'string' },
    replace: { type: 'boolean' },
    'on-demand': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    ...jsonOption,
  },
  async run({ values }, io) {
    const out = output(values, io);
    const baseUrlText = values['base-url'] as string | undefined;
    const model = values['model'] as string | undefined;
    if (!baseUrlText) throw new UsageError('--base-url: required (e.g. http://127.0.0.1:11434/v1)');
    if (!model || model.trim() === '') throw new UsageError('--model: required');
    let baseUrl: string;
    try {
      baseUrl = checkBaseUrl(baseUrlText);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const name = (values['name'] as string | undefined) ?? defaultCriticName(model);
    if (!isCriticName(name)) throw new UsageError(`--name: ${JSON.stringify(name)}: a critic name is 1–64 letters, digits, "_", "." or "-", starting with a letter or digit`);
    const tasksFile = values['tasks'] as string | undefined;
    if ((tasksFile === undefined) === (values['all'] !== true)) throw new UsageError('choose the tasks: --tasks FILE (one task id per line, or JSON Lines with "id") or --all');
    const structured = (values['structured'] as string | undefined) ?? 'auto';
    if (structured !== 'auto' && !(structuredModes as readonly string[]).includes(structured)) {
      throw new UsageError(`--structured: unknown mode "${structured}" (auto, ${structuredModes.join(', ')})`);
    }
    const keyEnv = values['api-key-env'] as string | undefined;
    let apiKey: string | null = null;
    let key: KeySource = { kind: 'none' };
    if (keyEnv !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(keyEnv)) throw new UsageError(`--api-key-env: not an environment variable name: ${JSON.stringify(keyEnv)}`);
      apiKey = io.env[keyEnv] || null;
      // SECURITY: the key's name is stored (to ask again later), never its value.
      if (!apiKey) throw new InputError(`--api-key-env: the environment variable ${keyEnv} is not set (or empty)`);
      key = { kind: 'env', name: keyEnv };
    }
    const timeout = numberFlag(values, 'timeout', 120);
    if (!(timeout > 0 && timeout <= 3600)) throw new UsageError('--timeout: seconds from 1 to 3600');
    const maxRequests = values['max-requests'] === undefined ? null : numberFlag(values, 'max-requests', 0);
    const tasks = tasksFile !== undefined ? { kind: 'ids' as const, ids: readTaskIds(tasksFile) } : { kind: 'all' as const };
    let prompts;
    try {
      prompts = runPrompts(values['prompt'] as string | undefined);
    } catch (err) {
      if (err instanceof AppError) throw new InputError(err.message.split('\n').map((l) => (l.startsWith('--prompt') ? l : `--prompt ${l}`)).join('\n'));
      throw err;
    }
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    // One commit per sample. synchronous=NORMAL (WAL): a commit survives a crash or kill of this
    // process; a power cut may lose the last samples, which the next run simply asks for again.
    // FULL would fsync per sample, blocking the event loop that keeps the other requests going.
    if (values['dry-run'] !== true) db.pragma('synchronous = NORMAL');
    const controller = new AbortController();
    // (a holder: the bar is created by the first progress report, inside a callback)
    const shown: { bar: Progress | null } = { bar: null };
    const onSignal = (): void => {
      shown.bar?.done();
      out.note('Cancelling: requests in flight are abandoned; stored samples stay. Run the same command again to finish.');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    try {
      const summary = await runCritic(db, {
        critic: {
          name,
          model: model.trim(),
          baseUrl,
          prompts,
          params: {
            temperature: numberFlag(values, 'temperature', 0.7),
            seed: numberFlag(values, 'seed', 0),
            max_tokens: numberFlag(values, 'max-tokens', 1024),
          },
          key,
        },
        apiKey,
        samples: numberFlag(values, 'samples', 1),
        concurrency: numberFlag(values, 'concurrency', 4),
        tasks,
        maxRequests,
        dryRun: values['dry-run'] === true,
        replace: values['replace'] === true,
        onDemand: values['on-demand'] === true,
        timeoutMs: timeout * 1000,
        structured: structured as StructuredMode | 'auto',
        signal: controller.signal,
        // samples finished of those planned, on stderr for a terminal only (cli/output.ts)
        onProgress: (p) => {
          shown.bar ??= out.progress('Critiquing (samples)', p.planned);
          shown.bar.update(p.done + p.failed + p.notAttempted, p.planned);
        },
      });
      shown.bar?.done();
      out.result(summary, () => formatRunSummary(summary));
      const stoppedBadly = summary.stopped !== null && summary.stopped.reason !== 'max-requests';
      return summary.failedCount > 0 || summary.refusedCount > 0 || stoppedBadly ? 1 : 0;
    } finally {
      shown.bar?.done();
      process.removeListener('SIGINT', onSignal);
      db.close();
    }
  },
};

/** The sweep for people: a sentence, then one row per operating point. */
export function formatSweep(critic: string, rows: readonly SweepRow[]): string {
  if (rows.length === 0 || rows[0]!.tasks === 0) {
    return `Critic "${critic}": no task has both ground-truth flaws and samples of this critic; nothing to sweep.\n`;
  }
  const body = rows.map((r) => [r.point, `${pct(r.flawShare)} (${r.pointedOut}/${r.flaws})`, `${pct(r.unmatchedShare)} (${r.unmatched}/${r.shown})`, r.perTask === null ? '–' : r.perTask.toFixed(2)]);
  const head = ['point', 'flaws pointed out', 'shown matching no flaw', 'critiques per task'];
  return `Critic "${critic}" over ${plural(rows[0]!.tasks, 'task')} with ${plural(rows[0]!.flaws, 'ground-truth flaw')}:\n${table(head, body)}\n`;
}

/** `assay critique sweep`: the precision–comprehensiveness curve of a critic. */
export const critiqueSweepCommand: Command = {
  words: ['critique', 'sweep'],
  summary: "A critic's operating points against the ground-truth flaws (flaws pointed out, critiques matching none, critiques per task)",
  usage: '--name CRITIC [--points LIST] [--json] [--db PATH]',
  options: { ...dbOption, name: { type: 'string' }, points: { type: 'string' }, ...jsonOption },
  run({ values }, io) {
    const out = output(values, io);
    const name = values['name'] as string | undefined;
    if (!name) throw new UsageError('--name: required (the critic to sweep)');
    let points: string[];
    try {
      points = values['points'] === undefined ? [...defaultSweepPoints] : parseSweepPoints(values['points'] as string).map(formatOperatingPoint);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const rows = sweepFromDb(db, name, points);
      out.result({ critic: name, rows }, () => formatSweep(name, rows));
      return 0;
    } finally {
      db.close();
    }
  },
};

/** `assay critique remove`: deletes a critic's generated critiques. */
export const critiqueRemoveCommand: Command = {
  words: ['critique', 'remove'],
  summary: "Delete a critic's generated critiques (refused for tasks a study or review has shown)",
  usage: '--name CRITIC [--json] [--db PATH]',
  options: { ...dbOption, name: { type: 'string' }, ...jsonOption },
  run({ values }, io) {
    const out = output(values, io);
    const name = values['name'] as string | undefined;
    if (!name) throw new UsageError('--name: required (the critic to remove)');
    const db = openDatabase(resolveDbPath(values['db'] as string | undefined, io.env));
    try {
      const r = removeCritic(db, name);
      out.result({ critic: name, critiques: r.critiques, samples: r.samples }, () => `Removed critic "${name}": ${plural(r.critiques, 'critique')} of ${plural(r.samples, 'sample')}.`);
      return 0;
    } finally {
      db.close();
    }
  },
};
