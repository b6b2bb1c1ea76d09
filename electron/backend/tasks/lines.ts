import { isUtf8 } from 'node:buffer';

/** One line of a JSON Lines file: its text, or why it could not be read. Lines count from 1. */
export type LineEvent =
  | { readonly line: number; readonly text: string; /** The line's UTF-8 bytes (valid only during the callback). */ readonly bytes: Buffer }
  | { readonly line: number; readonly error: string };

/** The longest line accepted unless a caller says otherwise (64 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Splits a byte stream into lines as chunks arrive, without holding more than one line. Checks that
 * each line is valid UTF-8 and not longer than `maxLineBytes` (the rest of an over-long line is
 * skipped, not buffered). Accepts `\n` and `\r\n` endings and a UTF-8 byte order mark on line 1.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private partBytes = 0;
  private overlong = false;
  private lineNo = 0;
  /** Bytes pushed so far. */
  bytes = 0;

  constructor(
    private readonly onLine: (event: LineEvent) => void,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Number of lines completed so far. */
  get lines(): number {
    return this.lineNo;
  }

  /** Feeds the next chunk. The chunk may be reused by the caller afterwards. */
  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.bytes += buf.length;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      if (nl === -1) {
        this.append(buf.subarray(start));
        return;
      }
      if (this.parts.length === 0 && !this.overlong) {
        // the common case: the whole line is inside this chunk, so decode it in place
        if (nl - start > this.maxLineBytes) this.overlong = true;
        this.emit(buf.subarray(start, nl));
      } else {
        this.append(buf.subarray(start, nl));
        this.emit(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes));
      }
      start = nl + 1;
    }
  }

  /** Ends the input: a last line without a newline still counts. */
  end(): void {
    if (this.partBytes > 0 || this.overlong) this.emit(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes));
  }

  private append(bytes: Buffer): void {
    if (this.overlong || bytes.length === 0) return;
    if (this.partBytes + bytes.length > this.maxLineBytes) {
      this.overlong = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(Buffer.from(bytes)); // a copy: the caller may reuse its chunk
    this.partBytes += bytes.length;
  }

  private emit(bytes: Buffer): void {
    const line = ++this.lineNo;
    const overlong = this.overlong;
    this.parts = [];
    this.partBytes = 0;
    this.overlong = false;
    if (overlong) {
      this.onLine({ line, error: `line is longer than the limit of ${this.maxLineBytes} bytes` });
      return;
    }
    let b = bytes;
    if (line === 1 && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    if (b.length > 0 && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    if (!isUtf8(b)) {
      this.onLine({ line, error: `not valid UTF-8 (byte ${firstInvalidUtf8(b) + 1} of the line)` });
      return;
    }
    this.onLine({ line, text: b.toString('utf8'), bytes: b });
  }
}

/** Index of the first byte that makes `b` invalid UTF-8 (only called on invalid input). */
export function firstInvalidUtf8(b: Buffer): number {
  // the longest prefix that is valid as the start of a stream (it may end mid-character), by bisection
  let lo = 0;
  let hi = b.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // if that prefix ends inside a character, the bad sequence starts at the character's first byte
  let j = lo - 1;
  while (j >= 0 && (b[j]! & 0xc0) === 0x80) j--;
  if (j >= 0 && b[j]! >= 0xc0) {
    const length = b[j]! >= 0xf0 ? 4 : b[j]! >= 0xe0 ? 3 : 2;
    if (j + length > lo) return j;
  }
  return lo;
}
