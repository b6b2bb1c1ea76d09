import { AppError, assertNever, type ErrorCode } from '../../../shared/result.js';
import { sqliteCode } from '../db/errors.js';

/**
 * Which worker thread runs a job: long writes one at a time, long reads beside them, and `jobs`:
 * runs that mostly wait on the network (critics), each writing in short transactions of its own.
 */
export type Lane = 'read' | 'write' | 'jobs';

/** What a worker thread is started with (its `workerData`). */
export interface WorkerInit {
  readonly lane: Lane;
  readonly dbPath: string;
  /** The better-sqlite3 addon to load (the Electron build in the desktop app). */
  readonly nativeBinding: string | undefined;
  readonly host: 'desktop' | 'browser';
  /**
   * One Int32: how many calls on the main thread are waiting for the write lock. The write worker
   * lets them go first between two batches of an import (see {@link yieldToWaitingWriters}).
   */
  readonly writersWaiting: SharedArrayBuffer;
}

/**
 * Called by the write worker before each batch of an import: while calls of the main thread wait
 * for the lock, waits (at most `maxMs`) so that they take it first. An import then costs each
 * waiting call at most one batch, not a lost race against the next batch.
 */
export function yieldToWaitingWriters(waiting: Int32Array, maxMs = 50): void {
  const until = Date.now() + maxMs;
  for (let n = Atomics.load(waiting, 0); n > 0 && Date.now() < until; n = Atomics.load(waiting, 0)) Atomics.wait(waiting, 0, n, 2);
}

/** A job sent to a worker: a handler's name and its (already validated) input. */
export interface JobMessage {
  readonly id: number;
  readonly job: string;
  readonly input: unknown;
}

/** An error as it crosses the thread boundary. */
export type WireError =
  | { readonly kind: 'app'; readonly code: ErrorCode; readonly message: string }
  | { readonly kind: 'sqlite'; readonly code: string; readonly message: string }
  | { readonly kind: 'other'; readonly message: string };

/** A worker's answer to a job, or its report that it could not start. */
export type WorkerMessage =
  | { readonly type: 'done'; readonly id: number; readonly ok: true; readonly value: unknown; readonly holdsState: boolean }
  | { readonly type: 'done'; readonly id: number; readonly ok: false; readonly error: WireError; readonly holdsState: boolean }
  | { readonly type: 'fatal'; readonly error: WireError };

/** An error in a form that survives postMessage with its code. */
export function toWire(err: unknown): WireError {
  if (err instanceof AppError) return { kind: 'app', code: err.code, message: err.message };
  const code = sqliteCode(err);
  if (code) return { kind: 'sqlite', code, message: (err as Error).message };
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

/** The error again, as dispatch expects it: an AppError, or an Error carrying SQLite's code. */
export function fromWire(wire: WireError): Error {
  switch (wire.kind) {
    case 'app':
      return new AppError(wire.code, wire.message);
    case 'sqlite':
      return Object.assign(new Error(wire.message), { code: wire.code });
    case 'other':
      return new Error(wire.message);
    default:
      return assertNever(wire, 'wire error');
  }
}
