import type { OpInput, OpName, OpOutput } from '../../../shared/contract/index.js';
import type { ApiError, ApiResult } from '../../../shared/result.js';

/** What the desktop app's preload script exposes as `window.assay`. */
export interface AssayBridge {
  invoke(name: string, input: unknown): Promise<ApiResult<unknown>>;
}

declare global {
  interface Window {
    assay?: AssayBridge;
  }
}

/** A failed call, carrying the back end's error code. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
    this.name = 'ApiCallError';
  }
}

/** Options of {@link call}. */
export interface CallOptions {
  /** Let the request outlive the page (browser mode: fetch keepalive), for calls made on pagehide. */
  readonly keepalive?: boolean;
}

type Transport = (name: string, input: unknown, options?: CallOptions) => Promise<ApiResult<unknown>>;

function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { ok?: unknown; error?: { message?: unknown } };
  return v.ok === true || (v.ok === false && typeof v.error?.message === 'string');
}

async function httpTransport(name: string, input: unknown, options: CallOptions = {}): Promise<ApiResult<unknown>> {
  let response: Response;
  try {
    response = await fetch(`./api/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
      keepalive: options.keepalive ?? false,
    });
  } catch {
    return { ok: false, error: { code: 'internal', message: 'Cannot reach the Assay server. Is `assay serve` still running?' } };
  }
  // Refusals (413 too large, 503 busy, 400 …) carry the server's own message: show it.
  let text = '';
  try {
    text = await response.text();
    const body: unknown = JSON.parse(text);
    if (isApiResult(body)) return body;
  } catch {
    // not the contract's envelope: a plain-text refusal (421, 403 …) or a cut-off answer
  }
  const detail = text.trim().slice(0, 300);
  return { ok: false, error: { code: 'internal', message: `The server answered ${response.status}${detail ? `: ${detail}` : ' without a result'}` } };
}

/** The one place that knows which host the UI runs in: the preload bridge, or HTTP in browser mode. */
function pickTransport(): Transport {
  const bridge = typeof window !== 'undefined' ? window.assay : undefined;
  return bridge ? (name, input) => bridge.invoke(name, input) : httpTransport;
}

const transport = pickTransport();

/** Calls a contract operation; throws {@link ApiCallError} when the back end refuses. */
export async function call<K extends OpName>(name: K, input: OpInput<K>, options: CallOptions = {}): Promise<OpOutput<K>> {
  const result = await transport(name, input, options);
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value as OpOutput<K>;
}
