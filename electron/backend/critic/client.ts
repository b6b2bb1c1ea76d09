import OpenAI from 'openai';
import { answerJsonSchema } from '../../../shared/critic/answer.js';
import { endpointText, redactKey } from './redact.js';

// One chat-completions request to an OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp's server,
// Ollama, LM Studio) through the official `openai` client, with Assay's own retries: the client's
// are off, so that every request counts against --max-requests and every failure is reported
// exactly (and redacted).

/**
 * How the answer's JSON schema is sent (structured output). Server families accept different
 * shapes: `json_schema` is OpenAI's `response_format` (also vLLM, LM Studio, recent llama.cpp and
 * Ollama); `llama` is llama.cpp's top-level `json_schema`; `ollama` is Ollama's `format`; `none`
 * sends no schema and relies on the prompt (the answer is then read leniently).
 */
export type StructuredMode = 'json_schema' | 'llama' | 'ollama' | 'none';
/** Every mode, in the order `auto` tries them. */
export const structuredModes: readonly StructuredMode[] = ['json_schema', 'llama', 'ollama', 'none'];

/** Where and how to ask. */
export interface EndpointOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:11434/v1`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer …`; null sends no Authorization header (local servers). */
  readonly apiKey: string | null;
  /** One request's time limit. */
  readonly timeoutMs: number;
  /** Attempts per request, the first included, for 429, 5xx, dropped connections and timeouts. */
  readonly maxAttempts: number;
  /** The first backoff without a Retry-After header; it doubles per attempt (with jitter), up to 16×. */
  readonly backoffMs: number;
  /** The longest wait a Retry-After header may ask for; longer asks wait this long. */
  readonly maxRetryWaitMs: number;
  /** `auto` tries each mode in {@link structuredModes} until the server accepts one. */
  readonly structured: StructuredMode | 'auto';
}

/** What one sample asks. */
export interface CompletionRequest {
  readonly prompt: string;
  readonly seed: number;
  readonly temperature: number;
  readonly maxTokens: number;
}

/** Token counts the server reported (null when it reported none). */
export interface Usage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

/** An answer: the model's text and what it cost. */
export interface Completion {
  readonly content: string;
  readonly usage: Usage | null;
  /** The mode the server accepted. */
  readonly mode: StructuredMode;
  /** HTTP requests this answer took (retries included). */
  readonly requests: number;
}

/**
 * Why a request failed for good. `fatal`: nothing else in the run can succeed either (the key is
 * refused, the model or URL does not exist); `budget`: --max-requests was reached; `cancelled`:
 * the run was cancelled; `failed`: this request only (after its retries).
 */
export class CriticRequestError extends Error {
  constructor(
    readonly kind: 'fatal' | 'failed' | 'budget' | 'cancelled',
    message: string,
    /** HTTP requests spent on it. */
    readonly requests: number,
  ) {
    super(message);
    this.name = 'CriticRequestError';
  }
}

/** Counts requests against --max-requests; `take()` is false once it is spent. */
export interface RequestBudget {
  take(): boolean;
}

/** A budget without a limit. */
export const unlimited: RequestBudget = { take: () => true };

/** The structured-output mode of a run, shared by its requests: found once, then kept. */
export class ModeState {
  private index = 0;
  private confirmed = false;
  private readonly modes: readonly StructuredMode[];

  constructor(structured: StructuredMode | 'auto') {
    this.modes = structured === 'auto' ? structuredModes : [structured];
  }

  /** The mode to use now. */
  get current(): StructuredMode {
    return this.modes[this.index]!;
  }

  /** The server refused `mode` as a bad request: try the next one, unless a mode already worked. Returns true when there is one. */
  refused(mode: StructuredMode): boolean {
    if (this.confirmed) return false;
    if (this.modes[this.index] === mode && this.index < this.modes.length - 1) this.index++;
    return this.modes[this.index] !== mode;
  }

  /** The server accepted `mode`: keep it for the rest of the run. */
  accepted(mode: StructuredMode): void {
    if (this.modes[this.index] === mode) this.confirmed = true;
  }
}

/** The request body's structured-output part for a mode. */
export function structuredBody(mode: StructuredMode): Record<string, unknown> {
  const schema = answerJsonSchema();
  switch (mode) {
    case 'json_schema':
      return { response_format: { type: 'json_schema', json_schema: { name: 'critiques', strict: true, schema } } };
    case 'llama':
      return { json_schema: schema };
    case 'ollama':
      return { format: schema };
    case 'none':
      return {};
  }
}

/**
 * How long a Retry-After (`retry-after-ms`, or `retry-after` in seconds or as an HTTP date) asks
 * to wait, in ms; null without a usable one.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CriticRequestError('cancelled', 'cancelled', 0));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CriticRequestError('cancelled', 'cancelled', 0));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The endpoint's host (and port): what provenance records, never the key or the path's secrets. */
export function endpointHost(baseUrl: string): string {
  return new URL(baseUrl).host;
}

/**
 * Checks a base URL: http or https, no user name or password in it (put the key in an environment
 * variable), no query or fragment. Returns the URL without a trailing slash, or throws saying why.
 */
export function checkBaseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--base-url: not a URL: ${JSON.stringify(text.slice(0, 200))} (e.g. http://127.0.0.1:11434/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--base-url: must start with http:// or https:// (got ${url.protocol})`);
  // SECURITY: credentials in the URL would be stored with the critic and shown in provenance.
  if (url.username || url.password) throw new Error('--base-url: must not hold a user name or password; pass the key with --api-key-env instead');
  if (url.search || url.hash) throw new Error('--base-url: must not hold a query (?…) or fragment (#…)');
  return url.href.replace(/\/+$/, '');
}

/** One OpenAI-compatible endpoint, as a run uses it: requests with retries, redacted errors. */
export class CriticClient {
  private readonly client: OpenAI;

  constructor(
    private readonly options: EndpointOptions,
    private readonly modes: ModeState = new ModeState(options.structured),
  ) {
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      // without a key: no Authorization header at all (the client insists on a value, then drops the header)
      apiKey: options.apiKey ?? 'unused',
      ...(options.apiKey === null ? { defaultHeaders: { Authorization: null } } : {}),
      // never read OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_ADMIN_KEY from this process's environment
      organization: null,
      project: null,
      adminAPIKey: null,
      maxRetries: 0,
      timeout: options.timeoutMs,
      logLevel: 'off',
    });
  }

  /** The structured-output mode in use (the one `auto` settled on, once a request succeeded). */
  get mode(): StructuredMode {
    return this.modes.current;
  }

  private redact(text: string): string {
    return endpointText(text, this.options.apiKey);
  }

  /**
   * Asks for one completion. Retries 429, 5xx, dropped connections and timeouts with backoff
   * (honouring Retry-After) up to `maxAttempts`; in `auto` mode a 400/422 moves to the next
   * structured-output shape. Every HTTP request takes one unit of `budget`.
   */
  async complete(request: CompletionRequest, budget: RequestBudget = unlimited, signal?: AbortSignal): Promise<Completion> {
    let requests = 0;
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) throw new CriticRequestError('cancelled', 'cancelled', requests);
      if (!budget.take()) throw new CriticRequestError('budget', 'the run reached --max-requests', requests);
      requests++;
      attempt++;
      const mode = this.modes.current;
      try {
        const body = {
          model: this.options.model,
          messages: [{ role: 'user' as const, content: request.prompt }],
          temperature: request.temperature,
          seed: request.seed,
          max_tokens: request.maxTokens,
          ...structuredBody(mode),
        };
        // one signal per request, linked to the run's: the client leaves its listener on the signal it gets
        const local = new AbortController();
        const onAbort = (): void => local.abort();
        signal?.addEventListener('abort', onAbort, { once: true });
        let response: unknown;
        try {
          response = (await this.client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: local.signal })) as unknown;
        } finally {
          signal?.removeEventListener('abort', onAbort);
        }
        const content = contentOf(response);
        if (content === null) {
          throw new CriticRequestError('failed', `the endpoint's answer has no choices[0].message.content: ${this.redact(JSON.stringify(response) ?? '')}`, requests);
        }
        this.modes.accepted(mode);
        return { content, usage: usageOf(response), mode, requests };
      } catch (err) {
        if (err instanceof CriticRequestError) throw err;
        if (signal?.aborted || err instanceof OpenAI.APIUserAbortError) throw new CriticRequestError('cancelled', 'cancelled', requests);
        const status = err instanceof OpenAI.APIError ? err.status : undefined;
        const message = this.redact(err instanceof Error ? err.message : String(err));
        if ((status === 400 || status === 422) && this.modes.refused(mode)) {
          attempt--; // another shape of the same request, not a retry
          continue;
        }
        if (status === 401 || status === 403) throw new CriticRequestError('fatal', `the endpoint refused the key (HTTP ${status}): ${message}`, requests);
        if (status === 404) throw new CriticRequestError('fatal', `the endpoint or model was not found (HTTP 404; check --base-url and --model): ${message}`, requests);
        const retryable = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
        if (!retryable) throw new CriticRequestError('failed', `HTTP ${status}: ${message}`, requests);
        if (attempt >= this.options.maxAttempts) {
          const what = status === undefined ? (err instanceof OpenAI.APIConnectionTimeoutError ? `timed out after ${this.options.timeoutMs / 1000} s` : `connection failed: ${message}`) : `HTTP ${status}: ${message}`;
          throw new CriticRequestError('failed', `${what} (gave up after ${attempt} attempts)`, requests);
        }
        const asked = err instanceof OpenAI.APIError ? retryAfterMs(err.headers as Headers | undefined) : null;
        const backoff = this.options.backoffMs * 2 ** Math.min(attempt - 1, 4) * (0.75 + Math.random() * 0.5);
        await sleep(Math.min(asked ?? backoff, this.options.maxRetryWaitMs), signal);
      }
    }
  }
}

function contentOf(response: unknown): string | null {
  const choices = (response as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const content = (choices[0] as { message?: { content?: unknown } } | null)?.message?.content;
  return typeof content === 'string' ? content : null;
}

function usageOf(response: unknown): Usage | null {
  const u = (response as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } } | null)?.usage;
  const p = u?.prompt_tokens;
  const c = u?.completion_tokens;
  return Number.isSafeInteger(p) && Number.isSafeInteger(c) && (p as number) >= 0 && (c as number) >= 0 ? { prompt_tokens: p as number, completion_tokens: c as number } : null;
}

/** Redacts the key from an error's message (for callers that catch something else). */
export function redactedMessage(err: unknown, key: string | null): string {
  return redactKey(err instanceof Error ? err.message : String(err), key);
}
