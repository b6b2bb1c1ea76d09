import { formatPath } from '../../../../shared/task-format.js';
import { findLoneSurrogate, loneSurrogateMessage, mayHaveSurrogateEscape } from '../../../../shared/unicode.js';
import { parseUntrustedJson } from '../../../../shared/json-shape.js';
import type { AnyDb } from '../../db/types.js';
import type { FieldMapping } from './field-map.js';

/** The options of the code-review sources (git, patch, dirs, sarif): what `assay import` passes on. */
export interface SourceOptions {
  /** `--repo DIR` (git). */
  readonly repo?: string;
  /** `--range A..B` or `A...B` (git). */
  readonly range?: string;
  /** `--base DIR`: the tree a patch applies to (patch). */
  readonly base?: string;
  /** `--before DIR`, `--after DIR` (dirs). */
  readonly before?: string;
  readonly after?: string;
  /** `--id`, `--title`, `--language`: overrides of the task's id, title and every file's language. */
  readonly id?: string;
  readonly title?: string;
  readonly language?: string;
  /** `--merge FILE`: a JSON object with flaws, critiques and context to add to the task. */
  readonly merge?: string;
  /** `--task ID`: the task a SARIF log's results go to (sarif). */
  readonly task?: string;
  /** `--column-kind`: the column unit of a SARIF log that does not declare `columnKind` (sarif). */
  readonly columnKind?: 'utf16CodeUnits' | 'unicodeCodePoints';
}

/** What a source gets while it reads its file. */
export interface SourceContext {
  /** The file to read ('' for a source that reads no file, such as git or dirs). */
  readonly file: string;
  /** The code-review options (git, patch, dirs, sarif); empty for the others. */
  readonly options: SourceOptions;
  /** The database, for reading only (a SARIF log's results go to a task that is already there). */
  readonly db: AnyDb;
  /** The file's name in messages. */
  readonly label: string;
  /** The task's default id stem (the file name without extension). */
  readonly stem: string;
  /** The `--map` mappings, when given. */
  readonly mappings: readonly FieldMapping[] | undefined;
  /**
   * Hands one task object to the importer; `line` is where it starts in the file (0 when the file
   * has no lines), `row` its number among the file's rows or items (0 when not needed).
   */
  emit(task: Record<string, unknown>, line: number, row?: number): void;
  /** A problem at `where` (a formatted place such as `12` or `row 3`; null: the whole file) in `field`. */
  error(where: string | null, field: string, message: string): void;
  /** Something the source changed on the way (a repaired offset), shown but not refusing the file. */
  warn(where: string, message: string): void;
  /** True once errors were reported (a source may stop early when it cannot go on). */
  readonly failed: boolean;
}

/** One `--from` source: turns a foreign file into task objects, streaming. */
export interface TaskSource {
  /** The `--from` name. */
  readonly name: string;
  /** One line for the help and docs. */
  readonly summary: string;
  /** File extensions that select this source when `--map` is given without `--from` (with the dot). */
  readonly extensions: readonly string[];
  /** What `--map` maps (the tabular ones need it or default to columns named like task fields); 'none': the source takes no `--map`. */
  readonly mapping: 'columns' | 'data-keys' | 'example-keys' | 'none';
  /** How an emitted task is named in messages, from what `emit` got. */
  locate(line: number, row: number): string;
  /** What a mapped column is called in messages (`column`, `key`, `data key`). */
  readonly columnNoun: string;
  /** Reads the file; resolves when done (errors go to `ctx.error`, never thrown, except I/O failures). */
  read(ctx: SourceContext): Promise<void>;
  /** False for a source that reads no positional file (git, dirs): its input is in {@link SourceOptions}. */
  readonly readsFile?: boolean;
  /** The {@link SourceOptions} it takes (any other is a usage error with it). */
  readonly takes?: readonly (keyof SourceOptions)[];
  /** The name of the input in messages when it reads no file (`git /repo 1a2b..3c4d`). */
  label?(options: SourceOptions): string;
  /**
   * True when the source changes tasks that exist (SARIF adds critiques to a task): its tasks are
   * imported as replacements, through the one guard that refuses changing shown tasks.
   */
  readonly changesTasks?: boolean;
}

/**
 * Parses one JSON text from a foreign file with the importer's rules: nesting limit, no lone
 * surrogates. Returns the value, or the field and message of the problem.
 */
export function parseForeignJson(text: string): { ok: true; value: unknown } | { ok: false; field: string; message: string } {
  let value: unknown;
  try {
    value = parseUntrustedJson(text);
  } catch (err) {
    return { ok: false, field: '(json)', message: `not valid JSON: ${(err as Error).message}` };
  }
  if (mayHaveSurrogateEscape(text)) {
    const lone = findLoneSurrogate(value);
    if (lone) return { ok: false, field: lone.path.length ? formatPath(lone.path) : '(json)', message: loneSurrogateMessage(lone) };
  }
  return { ok: true, value };
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
