/** Error codes that cross the UI ↔ back-end boundary. */
export type ErrorCode =
  | 'bad-request'
  | 'not-found'
  | 'conflict'
  | 'invalid-input'
  | 'unknown-operation'
  | 'database'
  /** The server is short of a resource for the moment (browser mode: bodies in flight); retry later. */
  | 'busy'
  | 'internal';

/** A serialisable error, the only error shape that crosses a process or network boundary. */
export interface ApiError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** The envelope every contract call returns, over IPC and over HTTP alike. */
export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

/** An error raised by back-end code that should reach the caller with its code intact. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'AppError';
  }
}

/** Fails the type check when a switch does not cover every case. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
