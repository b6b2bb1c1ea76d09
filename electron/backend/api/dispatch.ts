import type { z } from 'zod';
import { contract, isOpName, type OpName, type OpOutput, type OpParsedInput } from '../../../shared/contract/index.js';
import { AppError, type ApiResult } from '../../../shared/result.js';
import { databaseError, sqliteCode } from '../db/errors.js';

/** The back-end implementation of every contract operation. */
export type Handlers = { readonly [K in OpName]: (input: OpParsedInput<K>) => OpOutput<K> | Promise<OpOutput<K>> };

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
}

/** How long an operation keeps retrying while another connection holds the write lock. */
export const busyRetryMs = 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a handler, retrying while SQLite reports the database busy. Write transactions take the
 * lock first (BEGIN IMMEDIATE), so a busy failure has written nothing and the call can simply run
 * again. The wait is asynchronous: the thread answers other calls meanwhile instead of blocking in
 * SQLite's busy handler (the desktop main process would freeze the window).
 */
async function runRetryingBusy(run: () => unknown, retryMs: number): Promise<unknown> {
  const deadline = Date.now() + retryMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (!sqliteCode(err)?.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw err;
      // Poll often: an import holds the lock for a few milliseconds at a time with short gaps
      // between its batches, and a slow poll keeps missing them. Each try is one failed lock call.
      await sleep(attempt < 2_000 ? 1 : 10);
    }
  }
}

/**
 * Runs one operation for an untrusted caller: checks the name, parses the input with the contract's
 * schema, runs the handler and checks its result. Never throws; errors come back as `{ok:false}`.
 */
// SECURITY: the single entry point for payloads from the renderer (IPC) and from HTTP clients.
export async function dispatch(
  handlers: Handlers,
  name: unknown,
  rawInput: unknown,
  options: { readonly dbPath?: string; readonly busyRetryMs?: number } = {},
): Promise<ApiResult<unknown>> {
  if (!isOpName(name)) {
    return { ok: false, error: { code: 'unknown-operation', message: `Unknown operation: ${String(name).slice(0, 100)}` } };
  }
  const operation = contract[name];
  const parsed = operation.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad-request', message: `${name}: invalid input: ${describeZodError(parsed.error)}` } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await runRetryingBusy(() => handler(parsed.data), options.busyRetryMs ?? busyRetryMs);
    const checked = operation.output.safeParse(value);
    if (!checked.success) {
      return { ok: false, error: { code: 'internal', message: `${name}: invalid result: ${describeZodError(checked.error)}` } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    const db = databaseError(err, options.dbPath ?? '(the Assay database)');
    if (db) return { ok: false, error: { code: db.code, message: db.message } };
    return { ok: false, error: { code: 'internal', message: `${name}: ${(err as Error).message ?? String(err)}` } };
  }
}
