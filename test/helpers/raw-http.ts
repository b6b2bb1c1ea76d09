import net from 'node:net';

/** What came back on a raw connection. */
export interface RawResponse {
  /** The status of the first response, or null when none arrived. */
  readonly status: number | null;
  /** Everything received, as latin1 text (bytes preserved). */
  readonly text: string;
  /** How the exchange ended. */
  readonly ended: 'closed' | 'timeout' | 'error' | 'response';
  readonly error?: string;
}

/**
 * Sends bytes as they are on a fresh TCP connection and collects everything until the server
 * closes it (or `timeoutMs`). Unlike http.request this lets a test send what no well-behaved client
 * would: raw NULs, bad percent-encodings, broken framing, bodies cut short.
 */
export function rawRequest(
  port: number,
  data: Buffer | string,
  options: {
    readonly timeoutMs?: number;
    /** Drop the connection once everything is written (an aborted upload). */
    readonly closeAfterWrite?: boolean;
    /** Stop as soon as one whole response (with Content-Length) is in, without waiting for a close. */
    readonly untilResponse?: boolean;
    readonly host?: string;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: options.host ?? '127.0.0.1' });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (ended: RawResponse['ended'], error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : null, text, ended, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 10_000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (options.untilResponse && responseComplete(Buffer.concat(chunks).toString('latin1'))) finish('response');
    });
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', (e) => finish('error', e.message));
    socket.write(data, () => {
      if (options.closeAfterWrite) socket.destroy();
    });
  });
}

function responseComplete(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
  return length !== null && text.length - split - 4 >= Number(length[1]);
}

/** The body of a raw HTTP/1.1 response with a Content-Length (the first response only). */
export function rawBody(response: RawResponse): string {
  const split = response.text.indexOf('\r\n\r\n');
  if (split < 0) return '';
  const head = response.text.slice(0, split);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  const rest = response.text.slice(split + 4);
  return Buffer.from(length ? rest.slice(0, Number(length[1])) : rest, 'latin1').toString('utf8');
}
