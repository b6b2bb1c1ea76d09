import { isUtf8 } from 'node:buffer';
import { firstInvalidUtf8, LineSplitter } from '../lines.js';

/** One item of a JSON array file (or one line of a JSON Lines file): its text and where it starts. */
export type JsonItemEvent =
  | { readonly item: number; readonly line: number; readonly text: string }
  | { readonly item: number; readonly line: number; readonly error: string };

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Splits a file that is either one JSON array (`[{…}, {…}]`, Label Studio's JSON export) or JSON
 * Lines into its items as bytes arrive, holding one item at a time (at most `maxItemBytes`), with
 * the line each item starts on. Strings and escapes are followed so a bracket in a text does not
 * end an item. The item's JSON is parsed by the caller.
 */
export class JsonItemSplitter {
  private mode: 'start' | 'array' | 'lines' | 'done' | 'failed' = 'start';
  private line = 1;
  private item = 0;
  // array mode
  private parts: Buffer[] = [];
  private partBytes = 0;
  private inItem = false;
  private overlong = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private itemLine = 0;
  private expectComma = false;
  private scalar = false;
  private lines: LineSplitter | null = null;
  private pendingStart: Buffer[] = [];

  constructor(
    private readonly onItem: (event: JsonItemEvent) => void,
    private readonly maxItemBytes = 64 * 1024 * 1024,
  ) {}

  /** True once the input turned out to be JSON Lines rather than an array. */
  get isLines(): boolean {
    return this.mode === 'lines';
  }

  /** Feeds the next chunk (which the caller may reuse afterwards). */
  push(chunk: Buffer): void {
    if (this.mode === 'lines') {
      this.lines!.push(chunk);
      return;
    }
    if (this.mode === 'start') {
      // decide from the first byte that is not space (after a byte-order mark): '[' or not
      const buf = this.pendingStart.length ? Buffer.concat([...this.pendingStart, chunk]) : Buffer.from(chunk);
      const bom = [0xef, 0xbb, 0xbf];
      if (buf.length < 3 && buf.every((b, k) => b === bom[k])) {
        this.pendingStart = [buf]; // maybe the start of a byte-order mark
        return;
      }
      let i = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      let line = 1;
      while (i < buf.length && WS.has(buf[i]!)) {
        if (buf[i] === 0x0a) line++;
        i++;
      }
      if (i === buf.length) {
        this.pendingStart = [buf];
        return;
      }
      this.pendingStart = [];
      if (buf[i] === 0x5b /* [ */) {
        this.mode = 'array';
        this.line = line;
        this.scan(buf, i + 1);
        return;
      }
      this.mode = 'lines';
      this.lines = new LineSplitter((e) => {
        if ('error' in e) this.onItem({ item: ++this.item, line: e.line, error: e.error });
        else if (e.text.trim() !== '') this.onItem({ item: ++this.item, line: e.line, text: e.text });
      }, this.maxItemBytes);
      this.lines.push(buf);
      return;
    }
    if (this.mode === 'array') this.scan(chunk, 0);
    else if (this.mode === 'done') this.trailing(chunk, 0);
    // 'failed': the rest of the file is not read (the problem was reported)
  }

  /** Ends the input. */
  end(): void {
    if (this.mode === 'lines') this.lines!.end();
    else if (this.mode === 'array') this.onItem({ item: this.item + 1, line: this.line, error: 'the file ends before the closing "]" of its array' });
    else if (this.mode === 'start') this.onItem({ item: 0, line: 1, error: 'the file is empty' });
  }

  private trailing(chunk: Buffer, from: number): void {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === 0x0a) this.line++;
      else if (!WS.has(c)) {
        this.onItem({ item: this.item, line: this.line, error: 'text after the closing "]" of the array' });
        this.mode = 'failed';
        return;
      }
    }
  }

  private scan(chunk: Buffer, from: number): void {
    let start = this.inItem ? from : -1;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (!this.inItem) {
        if (c === 0x0a) this.line++;
        if (WS.has(c)) continue;
        if (c === 0x2c /* , */ && this.expectComma) {
          this.expectComma = false;
          continue;
        }
        if (c === 0x5d /* ] */) {
          this.mode = 'done';
          this.trailing(chunk, i + 1);
          return;
        }
        if (this.expectComma) {
          this.onItem({ item: this.item + 1, line: this.line, error: 'expected "," or "]" between the items of the array' });
          this.mode = 'failed';
          return;
        }
        this.inItem = true;
        this.item++;
        this.itemLine = this.line;
        this.depth = 0;
        this.inString = false;
        this.escape = false;
        this.scalar = c !== 0x7b && c !== 0x5b;
        start = i;
      }
      // inside an item
      if (c === 0x0a) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 0x5c /* \ */) this.escape = true;
        else if (c === 0x22 /* " */) this.inString = false;
        continue;
      }
      if (c === 0x22) {
        this.inString = true;
        continue;
      }
      if (this.scalar) {
        if (c === 0x2c || c === 0x5d || WS.has(c)) {
          this.append(chunk.subarray(start, i));
          this.finish();
          i--; // let the outer state see the delimiter
          if (c === 0x0a) this.line--;
          start = -1;
        }
        continue;
      }
      if (c === 0x7b || c === 0x5b) this.depth++;
      else if (c === 0x7d || c === 0x5d) {
        this.depth--;
        if (this.depth === 0) {
          this.append(chunk.subarray(start, i + 1));
          this.finish();
          start = -1;
        }
      }
    }
    if (this.inItem && start !== -1) this.append(chunk.subarray(start));
  }

  private append(bytes: Buffer): void {
    if (this.overlong || bytes.length === 0) return;
    if (this.partBytes + bytes.length > this.maxItemBytes) {
      this.overlong = true;
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    this.parts.push(Buffer.from(bytes));
    this.partBytes += bytes.length;
  }

  private finish(): void {
    const bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partBytes);
    const overlong = this.overlong;
    this.parts = [];
    this.partBytes = 0;
    this.overlong = false;
    this.inItem = false;
    this.expectComma = true;
    const base = { item: this.item, line: this.itemLine };
    if (overlong) this.onItem({ ...base, error: `item is longer than the limit of ${this.maxItemBytes} bytes` });
    else if (!isUtf8(bytes)) this.onItem({ ...base, error: `not valid UTF-8 (byte ${firstInvalidUtf8(bytes) + 1} of the item)` });
    else this.onItem({ ...base, text: bytes.toString('utf8') });
  }
}
