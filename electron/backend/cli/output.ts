import type { CliIo } from './command.js';
export { plural } from '../../../shared/plural.js';

// How every CLI command prints (issue #12). By default: sentences and aligned tables for people on
// stdout, progress bars for long work on stderr (only when stderr is a terminal). With `--json`: one
// JSON document on stdout for scripts (JSON Lines where a command reports one object per thing),
// and no progress. Errors always go to stderr as one line (cli/main.ts). New commands use this
// module: `const out = output(values, io)`, then `out.result(value, () => text)`.

/** The `--json` flag of every command that reports a result. */
export const jsonOption = { json: { type: 'boolean' } } as const;

/** A progress bar for one piece of long work; a no-op when nobody can see it. */
export interface Progress {
  /** Sets how far the work is (`done` of `total`, in the bar's units). */
  update(done: number, total?: number): void;
  /** Ends the bar (its line is cleared). */
  done(): void;
}

/** Where and how a command prints its result. */
export interface Output {
  /** True with `--json`: results are JSON, and nothing else goes to stdout. */
  readonly json: boolean;
  /** Prints the result: `value` as one JSON line with `--json`, else `text()` for people. */
  result(value: unknown, text: () => string): void;
  /** One JSON line per item with `--json` (JSON Lines), else `text(item)` per item. */
  each<T>(items: readonly T[], text: (item: T) => string): void;
  /** A remark for people on stderr (what to do next, a warning); printed in both modes. */
  note(text: string): void;
  /** A progress bar on stderr, shown only when stderr is a terminal and not with `--json`. */
  progress(label: string, total: number, unit?: 'bytes' | 'items'): Progress;
}

const noProgress: Progress = { update: () => {}, done: () => {} };

/** Bytes for people: `512 B`, `12.3 KB`, `4.0 MB`, `1.02 GB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}


/** Cells of a text table: strings, or numbers (right-aligned). */
export type Cell = string | number;

/**
 * An aligned text table: a header row, then the rows; numbers are right-aligned. Cells are one line
 * each (line breaks and tabs become spaces, so a hostile title cannot break the layout).
 */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const clean = (c: Cell): string => (typeof c === 'number' ? c.toLocaleString('en-US') : c.replace(/[\r\n\t\u2028\u2029]+/g, ' '));
  const cells = [header.map((h) => h), ...rows.map((r) => r.map(clean))];
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const pad = (text: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, widths[i]! - [...text].length));
    return numeric[i] ? gap + text : text + gap;
  };
  return cells.map((r) => r.map((c, i) => pad(c, i)).join('  ').trimEnd()).join('\n');
}

/** The bar's text: `label [#####·····]  45%  12.3 MB of 27.0 MB`. */
export function progressLine(label: string, done: number, total: number, unit: 'bytes' | 'items', width = 24): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const amount = unit === 'bytes' ? `${formatBytes(done)} of ${formatBytes(total)}` : `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
  return `${label} [${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${amount}`;
}

/** Redraws at most this often: a terminal is slower than the work it reports. */
const redrawMs = 100;

/** The output of a command run with `values` (its parsed flags) on `io`. */
export function output(values: Record<string, unknown>, io: CliIo): Output {
  const json = values['json'] === true;
  const showProgress = !json && io.stderrIsTTY === true;
  return {
    json,
    result(value, text) {
      io.stdout(json ? `${JSON.stringify(value)}\n` : `${text().replace(/\n*$/, '')}\n`);
    },
    each(items, text) {
      for (const item of items) io.stdout(json ? `${JSON.stringify(item)}\n` : `${text(item).replace(/\n*$/, '')}\n`);
    },
    note(text) {
      io.stderr(`${text.replace(/\n*$/, '')}\n`);
    },
    progress(label, total, unit = 'items') {
      if (!showProgress) return noProgress;
      let last = 0;
      let shown = false;
      let all = total;
      return {
        update(done, newTotal) {
          if (newTotal !== undefined) all = newTotal;
          const now = Date.now();
          if (now - last < redrawMs && done < all) return;
          last = now;
          shown = true;
          io.stderr(`\r\x1b[K${progressLine(label, done, all, unit)}`);
        },
        done() {
          if (shown) io.stderr('\r\x1b[K');
          shown = false;
        },
      };
    },
  };
}
