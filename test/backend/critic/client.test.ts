import { afterEach, describe, expect, it } from 'vitest';
import { CriticClient, CriticRequestError, ModeState, checkBaseUrl, retryAfterMs, type EndpointOptions } from '../../../electron/backend/critic/client.js';
import { REDACTED, redactKey } from '../../../electron/backend/critic/redact.js';
import { startCriticServer, type CriticServer, type CriticServerOptions } from '../../helpers/critic-server.js';

// The client against the loopback emulator, through Node's real HTTP stack (no mocked fetch).

const servers: CriticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(options: CriticServerOptions = {}): Promise<CriticServer> {
  const s = await startCriticServer(options);
  servers.push(s);
  return s;
}

function client(server: CriticServer, over: Partial<EndpointOptions> = {}): CriticClient {
  return new CriticClient({ baseUrl: server.baseUrl, model: 'emu', apiKey: null, timeoutMs: 5_000, maxAttempts: 4, backoffMs: 5, maxRetryWaitMs: 5_000, structured: 'auto', ...over });
}

const ask = { prompt: 'Critique.\n<output>\nThe bridge closed for a year.\n</output>\n', seed: 3, temperature: 0.2, maxTokens: 256 };

describe('critic client: structured output per server family', () => {
  it('OpenAI/vLLM take response_format json_schema; the request carries model, seed, temperature, max_tokens and no Authorization without a key', async () => {
    const s = await serve({ family: 'openai' });
    const r = await client(s).complete(ask);
    expect(r.mode).toBe('json_schema');
    expect(JSON.parse(r.content)).toHaveProperty('critiques');
    expect(r.usage).toEqual({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    const body = s.requests[0]!.body;
    expect(body).toMatchObject({ model: 'emu', seed: 3, temperature: 0.2, max_tokens: 256, response_format: { type: 'json_schema', json_schema: { name: 'critiques', strict: true } } });
    expect(s.requests[0]!.authorization).toBeUndefined();
  });

  it('auto falls back, shape by shape, to what the server accepts (llama.cpp json_schema, Ollama format, then the prompt alone) and keeps it', async () => {
    for (const [family, mode, refusals] of [
      ['llamacpp', 'llama', 1],
      ['ollama', 'ollama', 2],
      ['plain', 'none', 3],
    ] as const) {
      const s = await serve({ family });
      const c = client(s);
      const first = await c.complete(ask);
      expect(first.mode, family).toBe(mode);
      expect(first.requests, family).toBe(refusals + 1);
      const second = await c.complete(ask);
      expect(second.requests, family).toBe(1); // the mode found is kept
      expect(s.requests.filter((q) => q.answered === 'refused')).toHaveLength(refusals);
      if (family === 'llamacpp') expect(s.requests.at(-1)!.body).toHaveProperty('json_schema');
      if (family === 'ollama') expect(s.requests.at(-1)!.body).toHaveProperty('format');
      if (family === 'plain') expect(Object.keys(s.requests.at(-1)!.body).filter((k) => ['format', 'json_schema', 'response_format'].includes(k))).toEqual([]);
    }
  });

  it('a forced mode the server refuses is a failure for that request, not a fallback', async () => {
    const s = await serve({ family: 'ollama' });
    await expect(client(s, { structured: 'json_schema' }).complete(ask)).rejects.toMatchObject({ kind: 'failed', message: /HTTP 400.*response_format/ });
    const m = new ModeState('auto');
    expect(m.refused('json_schema')).toBe(true);
    m.accepted('llama');
    expect(m.refused('llama')).toBe(false); // a mode that worked once is not abandoned over a later 400
  });
});

describe('critic client: faults', () => {
  it('429 with Retry-After: waits at least as long as asked, then succeeds', async () => {
    const s = await serve({ fault: (n) => (n === 1 ? { kind: 'status', status: 429, retryAfter: '1' } : null) });
    const started = Date.now();
    const r = await client(s).complete(ask);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.requests).toBe(2);
  });

  it('500s, dropped connections and timeouts are retried with backoff up to maxAttempts', async () => {
    const s = await serve({ fault: (n) => (n === 1 ? { kind: 'status', status: 500 } : n === 2 ? { kind: 'drop' } : n === 3 ? { kind: 'hang' } : null) });
    const r = await client(s, { timeoutMs: 300 }).complete(ask);
    expect(r.requests).toBe(4);
    const always = await serve({ fault: () => ({ kind: 'status', status: 503 }) });
    await expect(client(always, { maxAttempts: 3 }).complete(ask)).rejects.toMatchObject({ kind: 'failed', requests: 3, message: /HTTP 503.*gave up after 3 attempts/ });
    const hangs = await serve({ fault: () => ({ kind: 'hang' }) });
    await expect(client(hangs, { maxAttempts: 2, timeoutMs: 200 }).complete(ask)).rejects.toMatchObject({ kind: 'failed', message: /timed out after 0.2 s \(gave up after 2 attempts\)/ });
  });

  it('an answer without content is a failure; other 4xx are not retried', async () => {
    const s = await serve({ fault: () => ({ kind: 'no-content' }) });
    await expect(client(s).complete(ask)).rejects.toMatchObject({ kind: 'failed', requests: 1, message: /no choices\[0\]\.message\.content/ });
    const t = await serve({ fault: () => ({ kind: 'status', status: 413 }) });
    await expect(client(t).complete(ask)).rejects.toMatchObject({ kind: 'failed', requests: 1, message: /HTTP 413/ });
  });

  it('a refused key or an unknown model is fatal for the run', async () => {
    const s = await serve({ apiKey: 'right' });
    await expect(client(s, { apiKey: 'wrong-key-123456' }).complete(ask)).rejects.toMatchObject({ kind: 'fatal', message: /refused the key \(HTTP 401\)/ });
    const t = await serve({ fault: () => ({ kind: 'status', status: 404 }) });
    await expect(client(t).complete(ask)).rejects.toMatchObject({ kind: 'fatal', message: /not found/ });
  });

  it('every HTTP request takes one unit of the budget, retries included; cancelling stops at once', async () => {
    const s = await serve({ fault: (n) => (n <= 2 ? { kind: 'status', status: 500 } : null) });
    let left = 2;
    await expect(client(s).complete(ask, { take: () => left-- > 0 })).rejects.toMatchObject({ kind: 'budget', requests: 2 });
    const slow = await serve({ latencyMs: 5_000 });
    const controller = new AbortController();
    const pending = client(slow).complete(ask, undefined, controller.signal);
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(pending).rejects.toBeInstanceOf(CriticRequestError);
    await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('critic client: the key', () => {
  it('is sent as a Bearer token and never appears in an error, even when the endpoint echoes it whole or masked', async () => {
    const key = 'sk-test-9f8e7d6c5b4a39281706';
    const s = await serve({ apiKey: 'another-key', fault: () => null });
    const err = (await client(s, { apiKey: key })
      .complete(ask)
      .catch((e: unknown) => e)) as CriticRequestError;
    expect(s.requests[0]!.authorization).toBe(`Bearer ${key}`);
    expect(err.message).toMatch(/Incorrect API key provided/);
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain(key.slice(0, 8)); // the masked echo's prefix
    expect(err.message).toContain(REDACTED);
    // a server error body that reflects the Authorization header
    const t = await serve({ fault: () => ({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: `bad request from Authorization: Bearer ${key}` } }) }) });
    const e2 = (await client(t, { apiKey: key, structured: 'none' })
      .complete(ask)
      .catch((e: unknown) => e)) as Error;
    expect(e2.message).not.toContain(key.slice(3, 12));
  });

  it('does not read OPENAI_ORG_ID, OPENAI_PROJECT_ID or OPENAI_API_KEY from the environment', async () => {
    const saved = { ...process.env };
    process.env['OPENAI_ORG_ID'] = 'org-leak';
    process.env['OPENAI_PROJECT_ID'] = 'proj-leak';
    process.env['OPENAI_API_KEY'] = 'sk-env-leak';
    try {
      const s = await serve();
      await client(s).complete(ask);
      expect(s.requests[0]!.authorization).toBeUndefined();
      expect(JSON.stringify(s.requests[0]!.headers)).not.toMatch(/leak/);
      expect(s.requests[0]!.headers['openai-organization']).toBeUndefined();
    } finally {
      for (const k of ['OPENAI_ORG_ID', 'OPENAI_PROJECT_ID', 'OPENAI_API_KEY']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it('redaction removes the key and every 6-character piece of it', () => {
    const key = 'sk-abcdef0123456789';
    expect(redactKey(`x ${key} y`, key)).toBe(`x ${REDACTED} y`);
    expect(redactKey('prefix sk-abcdef***6789 end', key)).toBe(`prefix ${REDACTED}***6789 end`);
    expect(redactKey('nothing here', key)).toBe('nothing here');
    expect(redactKey('short abc', 'abc')).toBe(`short ${REDACTED}`);
  });
});

describe('critic client: inputs', () => {
  it('reads Retry-After as seconds, milliseconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
  });

  it('refuses base URLs with credentials, queries or other schemes', () => {
    expect(checkBaseUrl('http://127.0.0.1:11434/v1/')).toBe('http://127.0.0.1:11434/v1');
    expect(() => checkBaseUrl('http://user:pw@host/v1')).toThrow(/user name or password/);
    expect(() => checkBaseUrl('https://host/v1?api-key=x')).toThrow(/query/);
    expect(() => checkBaseUrl('file:///etc/passwd')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => checkBaseUrl('not a url')).toThrow(/not a URL/);
  });
});
