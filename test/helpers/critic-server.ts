import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

// A small OpenAI-compatible chat-completions server on loopback: a deterministic critic that reads
// the output out of the prompt and answers with real and hallucinated quotes, and that can be told
// to be slow, to fail (429 with Retry-After, 500, a dropped connection, a request that never
// answers), to answer malformed JSON or to ignore the schema. Each `family` accepts the
// structured-output shape its server family documents and refuses the others with a 400, as the
// real servers of that family do (or did, in versions without the newer shapes):
//   openai   — `response_format: {type: "json_schema", json_schema: {schema}}` (OpenAI, vLLM, LM Studio)
//   llamacpp — top-level `json_schema` (llama.cpp's server); `response_format` only of type json_object
//   ollama   — `format: <schema>` (Ollama)
//   plain    — none: any structured-output field is refused; the answer is prose around JSON

/** A server family, by the structured-output shape it accepts. */
export type Family = 'openai' | 'llamacpp' | 'ollama' | 'plain';

/** A fault to inject into one request. */
export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string; readonly body?: string }
  | { readonly kind: 'drop' }
  | { readonly kind: 'hang' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'ignore-schema' }
  | { readonly kind: 'wrong-shape' }
  | { readonly kind: 'no-content' };

/** One request the server saw. */
export interface SeenRequest {
  readonly n: number;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly answered: number | 'fault' | 'refused';
}

/** How the emulator behaves. */
export interface CriticServerOptions {
  readonly family?: Family;
  /** Every answer waits this long. */
  readonly latencyMs?: number;
  /** When set, a request must carry `Authorization: Bearer <key>`; otherwise 401 echoing what it got. */
  readonly apiKey?: string;
  /** A fault for the n-th request (1-based), or null for a normal answer. */
  readonly fault?: (n: number, body: Record<string, unknown>) => Fault | null;
  /** Answer every request in prose around the JSON (a server that ignores the schema). */
  readonly ignoreSchema?: boolean;
  /** The answer's content for the n-th request, instead of the deterministic critic's (hostile models). */
  readonly content?: (n: number, body: Record<string, unknown>) => string;
}

/** The running emulator. */
export interface CriticServer {
  /** The base URL to pass as --base-url (`http://127.0.0.1:PORT/v1`). */
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  /** Requests answered with critiques. */
  answered(): number;
  /** The most requests it held at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** A deterministic number in [0, 1) from a text. */
function unit(text: string): number {
  return crypto.createHash('sha256').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

/** The output the prompt asks about: between `<output>` and `</output>`, line numbers removed. */
export function outputOfPrompt(prompt: string): { output: string; document: string | null; code: boolean } {
  const m = /<output>\n([\s\S]*?)\n<\/output>/.exec(prompt);
  const raw = m ? m[1]! : '';
  const numbered = raw !== '' && raw.split('\n').every((l) => /^\s*\d+ \| /.test(l));
  const output = numbered ? raw.split('\n').map((l) => l.replace(/^\s*\d+ \| /, '')).join('\n') : raw;
  const d = /<document>\n([\s\S]*?)\n<\/document>/.exec(prompt);
  return { output, document: d ? d[1]! : null, code: numbered };
}

/** The critic's answer for an output and a seed: a real quote, a hallucinated one, and more by seed. */
export function deterministicCritiques(prompt: string, seed: number): Record<string, unknown>[] {
  const { output, document, code } = outputOfPrompt(prompt);
  const conf = (what: string): number => Math.round((0.3 + 0.65 * unit(`${what}\u0000${seed}\u0000${output}`)) * 100) / 100;
  const out: Record<string, unknown>[] = [];
  if (code) {
    const lines = output.split('\n');
    const n = lines.length;
    const line = (seed % Math.max(1, n)) + 1;
    out.push({ text: `Line ${line} looks wrong.`, severity: 'major', category: 'correctness', confidence: conf('a'), quote: null, lines: [line, line], evidence: [] });
    out.push({ text: 'The loop bound is off by one.', severity: 'critical', category: 'correctness', confidence: conf('b'), quote: null, lines: [n + 5, n + 6], evidence: [] });
    const real = lines.map((l) => l.trim()).find((l, i) => l.length > 3 && i >= seed % Math.max(1, n));
    if (real && seed % 2 === 0) out.push({ text: `This statement is suspicious: ${real}`, severity: 'minor', category: 'style', confidence: conf('c'), quote: real, lines: null, evidence: [] });
    return out;
  }
  const words = output.split(/\s+/).filter((w) => w.length > 0);
  if (words.length > 0) {
    const start = seed % Math.max(1, words.length - 3);
    const quote = words.slice(start, start + 4).join(' ');
    const evidence = document ? [document.split(/\s+/).slice(0, 5).join(' '), 'a sentence the source never had'] : [];
    out.push({ text: `"${quote}" is not supported by the source.`, severity: 'major', category: 'accuracy', confidence: conf('a'), quote, lines: null, evidence });
  }
  out.push({ text: 'Misstates the year of the report.', severity: 'minor', category: 'accuracy', confidence: conf('b'), quote: 'according to the 1987 annual report', lines: null, evidence: [] });
  if (seed % 2 === 0 && words.length > 2) {
    out.push({ text: 'The ending is vague.', severity: 'minor', category: 'coherence', confidence: conf('c'), quote: words.slice(-2).join(' '), lines: null, evidence: [] });
  }
  if (seed % 3 === 0) out.push({ text: 'Leaves out the main point of the source.', severity: 'major', category: 'coverage', confidence: conf('d'), quote: null, lines: null, evidence: [] });
  return out;
}

/** Which structured-output shape a request body uses, if any. */
function shapeOf(body: Record<string, unknown>): 'json_schema' | 'json_object' | 'llama' | 'ollama' | null {
  const rf = body['response_format'] as { type?: unknown } | undefined;
  if (rf && typeof rf === 'object') return rf.type === 'json_schema' ? 'json_schema' : 'json_object';
  if (body['json_schema'] !== undefined) return 'llama';
  if (body['format'] !== undefined) return 'ollama';
  return null;
}

function refusal(family: Family, shape: string): string | null {
  switch (family) {
    case 'openai':
      return shape === 'json_schema' || shape === 'json_object' ? null : `Unrecognized request argument supplied: ${shape === 'llama' ? 'json_schema' : 'format'}`;
    case 'llamacpp':
      if (shape === 'llama' || shape === 'json_object') return null;
      return shape === 'json_schema' ? 'response_format type must be one of "text" or "json_object", but got: json_schema' : `unknown field: ${shape === 'ollama' ? 'format' : shape}`;
    case 'ollama':
      return shape === 'ollama' ? null : `invalid request: ${shape === 'llama' ? 'json_schema' : 'response_format'} is not supported`;
    case 'plain':
      return `this server does not support structured output (${shape})`;
  }
}

/** Starts the emulator on 127.0.0.1 and a free port. */
export async function startCriticServer(options: CriticServerOptions = {}): Promise<CriticServer> {
  const family = options.family ?? 'openai';
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let n = 0;
  let answered = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    res.on('close', done);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const k = ++n;
      const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        json(400, { error: { message: 'body is not JSON' } });
        return;
      }
      const authorization = req.headers.authorization;
      const record = (a: SeenRequest['answered']): void => {
        requests.push({ n: k, body, authorization, headers: req.headers, answered: a });
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        record('refused');
        json(404, { error: { message: `no route ${req.method} ${req.url}` } });
        return;
      }
      if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
        record('refused');
        // as OpenAI does: the key it got, echoed (here in full, and masked) in the message
        const got = (authorization ?? '').replace(/^Bearer /, '');
        json(401, { error: { message: `Incorrect API key provided: ${got} (${got.slice(0, 8)}***${got.slice(-4)})`, type: 'invalid_request_error' } });
        return;
      }
      const shape = shapeOf(body);
      const refused = shape ? refusal(family, shape) : null;
      if (refused) {
        record('refused');
        json(400, { error: { message: refused, type: 'invalid_request_error' } });
        return;
      }
      const fault = options.fault?.(k, body) ?? null;
      const respond = (): void => {
        if (fault?.kind === 'status') {
          record('fault');
          res.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}) });
          res.end(fault.body ?? JSON.stringify({ error: { message: `injected ${fault.status}` } }));
          return;
        }
        if (fault?.kind === 'drop') {
          record('fault');
          req.socket.destroy();
          return;
        }
        if (fault?.kind === 'hang') {
          record('fault');
          return; // never answers; close() ends the socket
        }
        const prompt = String((body['messages'] as { content?: unknown }[] | undefined)?.[0]?.content ?? '');
        const seed = typeof body['seed'] === 'number' ? body['seed'] : 0;
        const critiques = deterministicCritiques(prompt, seed);
        let content = options.content ? options.content(k, body) : JSON.stringify({ critiques });
        if (fault?.kind === 'malformed') content = content.slice(0, Math.floor(content.length / 2));
        else if (fault?.kind === 'wrong-shape') content = JSON.stringify({ findings: critiques.map((c) => c['text']) });
        else if (fault?.kind === 'ignore-schema' || options.ignoreSchema || family === 'plain') {
          content = `Here is my review.\n\n\`\`\`json\n${JSON.stringify({ critiques }, null, 2)}\n\`\`\`\n\nLet me know if you need more.`;
        }
        record(fault ? 'fault' : k);
        if (!fault) answered++;
        json(200, {
          id: `chatcmpl-${k}`,
          object: 'chat.completion',
          created: 1_700_000_000,
          model: body['model'],
          choices: fault?.kind === 'no-content' ? [] : [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          usage: { prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 },
        });
      };
      const latency = options.latencyMs ?? 0;
      if (latency > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          respond();
        }, latency);
        timers.add(t);
      } else respond();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    answered: () => answered,
    maxInFlight: () => maxInFlight,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
