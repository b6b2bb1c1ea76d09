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

type Transport = (name: string, input: unknown) => Promise<ApiResult<unknown>>;

async function httpTransport(name: string, input: unknown): Promise<ApiResult<unknown>> {
  let response: Response;
  try {
    response = await fetch(`./api/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
  } catch {
    return { ok: false, error: { code: 'internal', message: 'Cannot reach the Assay server. Is `assay serve` still running?' } };
  }
  try {
    return (await response.json()) as ApiResult<unknown>;
  } catch {
    return { ok: false, error: { code: 'internal', message: `The server answered ${response.status} without a result` } };
  }
}

/** The one place that knows which host the UI runs in: the preload bridge, or HTTP in browser mode. */
function pickTransport(): Transport {
  const bridge = typeof window !== 'undefined' ? window.assay : undefined;
  return bridge ? (name, input) => bridge.invoke(name, input) : httpTransport;
}

const transport = pickTransport();

/** Calls a contract operation; throws {@link ApiCallError} when the back end refuses. */
export async function call<K extends OpName>(name: K, input: OpInput<K>): Promise<OpOutput<K>> {
  const result = await transport(name, input);
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value as OpOutput<K>;
}
