import type { z } from 'zod';
import { contract, isOpName, type OpName, type OpOutput, type OpParsedInput } from '../../../shared/contract/index.js';
import { AppError, type ApiResult } from '../../../shared/result.js';
import { databaseError } from '../db/errors.js';

/** The back-end implementation of every contract operation. */
export type Handlers = { readonly [K in OpName]: (input: OpParsedInput<K>) => OpOutput<K> | Promise<OpOutput<K>> };

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(input)'}: ${issue.message}`)
    .join('; ');
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
  options: { readonly dbPath?: string } = {},
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
    const value = await handler(parsed.data);
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
